#pragma once
// China local time (UTC+8, no DST) as an integer: seconds since
// 1970-01-01 00:00:00 *local*. Parsed once at ingest; windows and keys use
// the integer, never the string.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace civicflow {

// a / b rounded towards negative infinity.
constexpr int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

struct LocalTime {
  int64_t seconds = 0;

  static constexpr int64_t kHour = 3600;
  static constexpr int64_t kDay = 86400;
  static constexpr int64_t kUtcOffset = 8 * kHour;

  static constexpr LocalTime FromEpochMillis(int64_t ms) { return {FloorDiv(ms, 1000) + kUtcOffset}; }
  constexpr int64_t ToEpochMillis() const { return (seconds - kUtcOffset) * 1000; }
  constexpr LocalTime FloorHour() const { return {FloorDiv(seconds, kHour) * kHour}; }
  constexpr LocalTime FloorDay() const { return {FloorDiv(seconds, kDay) * kDay}; }
  constexpr LocalTime operator+(int64_t s) const { return {seconds + s}; }
  constexpr LocalTime operator-(int64_t s) const { return {seconds - s}; }
  constexpr auto operator<=>(const LocalTime&) const = default;

  static constexpr LocalTime Min() { return {INT64_MIN / 2}; }

  // "yyyy-MM-dd HH:mm:ss".
  std::string ToString() const;
  // "yyyy-MM-dd".
  std::string DateString() const;
};

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
constexpr int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct CivilDate {
  int64_t year;
  unsigned month, day;
};

// The proleptic Gregorian date of a day number since 1970-01-01 (Hinnant's civil_from_days).
constexpr CivilDate CivilFromDays(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

// Strict parsers: exact width, digits only, real calendar dates
// (2026-02-30 fails). They return nullopt on any deviation.
std::optional<LocalTime> ParseDateTime(std::string_view s);    // yyyy-MM-dd HH:mm:ss
std::optional<LocalTime> ParseDateMinute(std::string_view s);  // yyyy-MM-dd HH:mm
std::optional<LocalTime> ParseDate(std::string_view s);        // yyyy-MM-dd
std::optional<int64_t> ParseTimeOfDay(std::string_view s);     // HH:mm:ss -> seconds

}  // namespace civicflow
