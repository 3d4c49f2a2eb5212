#pragma once
// Exact decimal cells ("356.75", "-0.5": at most 6 fractional digits,
// operators/README.md) as integer millionths, so sums are exact and print
// as the engine writes them: no trailing zeros, no exponent.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace civicflow::query {

inline constexpr int64_t kMicrosPerUnit = 1'000'000;

// nullopt unless `text` is [-]digits[.digits] with at most 6 fractional
// digits (trailing zeros beyond them are allowed: PostgreSQL's numeric).
std::optional<int64_t> ParseMicros(std::string_view text);
std::string FormatMicros(int64_t micros);

}  // namespace civicflow::query
