#include "engine/query/exact_decimal.h"

namespace civicflow::query {

std::optional<int64_t> ParseMicros(std::string_view text) {
  const bool negative = !text.empty() && (text[0] == '-' || text[0] == '+');
  const bool minus = negative && text[0] == '-';
  if (negative) text.remove_prefix(1);
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  while (fraction.size() > 6 && fraction.back() == '0') fraction.remove_suffix(1);
  if (whole.empty() || whole.size() > 12 || fraction.size() > 6) return std::nullopt;
  if (dot != std::string_view::npos && text.size() == dot + 1) return std::nullopt;  // "5."
  int64_t micros = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    micros = micros * 10 + (c - '0');
  }
  int64_t scale = kMicrosPerUnit;
  micros *= scale;
  for (char c : fraction) {
    if (c < '0' || c > '9') return std::nullopt;
    scale /= 10;
    micros += (c - '0') * scale;
  }
  return minus ? -micros : micros;
}

std::string FormatMicros(int64_t micros) {
  const bool negative = micros < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
  std::string text = (negative ? "-" : "") + std::to_string(magnitude / kMicrosPerUnit);
  uint64_t fraction = magnitude % kMicrosPerUnit;
  if (fraction == 0) return text;
  std::string digits = std::to_string(fraction + kMicrosPerUnit).substr(1);  // six digits, leading zeros kept
  while (digits.back() == '0') digits.pop_back();
  return text + "." + digits;
}

}  // namespace civicflow::query
