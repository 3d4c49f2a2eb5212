#include "tools/seg/row_format.h"

#include <charconv>
#include <cmath>
#include <variant>

namespace civicflow::seg {

using storage::parquet::ColumnType;
using storage::parquet::Value;

void AppendCsvText(std::string_view text, std::string* out) {
  if (!text.empty() && text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (const char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendCsvCell(ColumnType type, const Value& value, std::string* out) {
  if (std::holds_alternative<std::monostate>(value)) return;
  AppendCsvText(storage::parquet::ValueText(type, value), out);
}

void AppendJsonString(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '\r') {
      out->append("\\r");
    } else if (c == '\t') {
      out->append("\\t");
    } else if (u < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    } else {
      out->push_back(c);  // UTF-8 passes through as is
    }
  }
  out->push_back('"');
}

void AppendJsonValue(ColumnType type, const Value& value, std::string* out) {
  char buf[64];
  if (const auto* i = std::get_if<int64_t>(&value)) {
    if (type == ColumnType::kDate || type == ColumnType::kTimestamp) {
      AppendJsonString(storage::parquet::ValueText(type, value), out);
    } else {
      out->append(buf, std::to_chars(buf, buf + sizeof buf, *i).ptr);
    }
  } else if (const auto* d = std::get_if<double>(&value)) {
    if (std::isfinite(*d)) {
      out->append(buf, std::to_chars(buf, buf + sizeof buf, *d).ptr);
    } else {
      out->append("null");
    }
  } else if (const auto* b = std::get_if<bool>(&value)) {
    out->append(*b ? "true" : "false");
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    AppendJsonString(*s, out);
  } else {
    out->append("null");
  }
}

}  // namespace civicflow::seg
