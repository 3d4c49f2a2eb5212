#pragma once
// JsonRow: one reply row, a JSON object written key by key in the order the
// contract lists them. Values: text (escaped), integers, numbers already
// formatted as JSON (exact decimals), doubles, null.
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/json_escape.h"

namespace civicflow::query {

class JsonRow {
 public:
  JsonRow& Text(std::string_view key, std::string_view value) {
    Key(key);
    AppendJsonString(text_, value);
    return *this;
  }
  JsonRow& Int(std::string_view key, int64_t value) { return Number(key, std::to_string(value)); }
  // REQUIRES: `json` is a JSON number.
  JsonRow& Number(std::string_view key, std::string_view json) {
    Key(key);
    text_ += json;
    return *this;
  }
  // The shortest text that reads back as `value`.
  JsonRow& Double(std::string_view key, double value) {
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    return Number(key, std::string_view(buffer, static_cast<size_t>(end - buffer)));
  }
  JsonRow& Null(std::string_view key) { return Number(key, "null"); }

  // The object's text; the row is spent.
  std::string Done() {
    text_ += text_.empty() ? "{}" : "}";
    return std::move(text_);
  }

 private:
  void Key(std::string_view key) {
    text_ += text_.empty() ? '{' : ',';
    AppendJsonString(text_, key);
    text_ += ':';
  }
  std::string text_;
};

}  // namespace civicflow::query
