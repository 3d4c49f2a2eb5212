#pragma once
// TableSink: where an operator's output rows go. One sink per table per
// shard, touched only by that shard's owner thread. Rows are cells of text
// in the table's column order (see operators/tables.h).
#include <charconv>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/local_time.h"

namespace civicflow {

class TableSink {
 public:
  virtual ~TableSink() = default;
  virtual void Row(std::span<const std::string_view> cells) = 0;
};

// Builds one row's cells without allocating once warm. Views returned by
// cells() are valid until the next Clear().
class RowBuilder {
 public:
  RowBuilder& Clear() {
    text_.clear();
    ends_.clear();
    return *this;
  }
  RowBuilder& Text(std::string_view s) {
    text_ += s;
    return End();
  }
  RowBuilder& Int(int64_t v) {
    char buf[24];
    text_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    return End();
  }
  // Fixed point with `scale` (a power of ten): 12'500'000 at 10^6 → "12.5".
  RowBuilder& Fixed(int64_t v, int64_t scale);
  RowBuilder& Time(LocalTime t) { return Text(t.ToString()); }    // yyyy-MM-dd HH:mm:ss
  RowBuilder& Date(LocalTime t) { return Text(t.DateString()); }  // yyyy-MM-dd
  RowBuilder& Bool(bool b) { return Text(b ? "true" : "false"); }

  std::span<const std::string_view> cells() {
    views_.clear();
    size_t begin = 0;
    for (size_t end : ends_) {
      views_.emplace_back(text_.data() + begin, end - begin);
      begin = end;
    }
    return views_;
  }
  void EmitTo(TableSink& sink) { sink.Row(cells()); }

 private:
  RowBuilder& End() {
    ends_.push_back(text_.size());
    return *this;
  }
  std::string text_;
  std::vector<size_t> ends_;
  std::vector<std::string_view> views_;
};

inline RowBuilder& RowBuilder::Fixed(int64_t v, int64_t scale) {
  if (v < 0) text_ += '-';
  const uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  const uint64_t whole = magnitude / static_cast<uint64_t>(scale),
                 frac = magnitude % static_cast<uint64_t>(scale);
  char buf[24];
  text_.append(buf, std::to_chars(buf, buf + sizeof buf, whole).ptr);
  if (frac) {
    // Digits by hand: snprintf("%0*llu") trips -Wformat-truncation (-Werror) once inlined.
    char digits[24] = {'.'};
    int n = 0;  // decimals of `scale`; an int64_t power of ten has at most 18
    for (uint64_t s = static_cast<uint64_t>(scale); s > 1 && n < 18; s /= 10) ++n;
    uint64_t rest = frac;
    for (int i = n; i > 0; --i, rest /= 10) digits[i] = static_cast<char>('0' + rest % 10);
    int len = n + 1;
    while (digits[len - 1] == '0') --len;  // frac != 0: stops at a nonzero digit
    text_.append(digits, static_cast<size_t>(len));
  }
  return End();
}

}  // namespace civicflow
