#include "engine/base/local_time.h"

#include <cstdio>

namespace civicflow {
namespace {

// Reads exactly `width` ASCII digits at `pos`.
bool Digits(std::string_view s, size_t pos, size_t width, unsigned& out) {
  unsigned v = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

constexpr bool IsLeap(unsigned y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(unsigned y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

std::optional<int64_t> DateDays(std::string_view s) {
  unsigned y, m, d;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!Digits(s, 0, 4, y) || !Digits(s, 5, 2, m) || !Digits(s, 8, 2, d)) return std::nullopt;
  if (y < 1900 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return std::nullopt;
  return DaysFromCivil(y, m, d);
}

// Parses "HH:mm" or "HH:mm:ss" at `pos`; `with_seconds` selects which.
std::optional<int64_t> Clock(std::string_view s, size_t pos, bool with_seconds) {
  unsigned h, mi, sec = 0;
  if (!Digits(s, pos, 2, h) || s[pos + 2] != ':' || !Digits(s, pos + 3, 2, mi)) return std::nullopt;
  if (with_seconds && (s[pos + 5] != ':' || !Digits(s, pos + 6, 2, sec))) return std::nullopt;
  if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
  return static_cast<int64_t>(h) * 3600 + mi * 60 + sec;
}

}  // namespace

std::optional<LocalTime> ParseDateTime(std::string_view s) {
  if (s.size() != 19 || s[10] != ' ') return std::nullopt;
  const auto days = DateDays(s);
  const auto clock = days ? Clock(s, 11, true) : std::nullopt;
  if (!clock) return std::nullopt;
  return LocalTime{*days * LocalTime::kDay + *clock};
}

std::optional<LocalTime> ParseDateMinute(std::string_view s) {
  if (s.size() != 16 || s[10] != ' ') return std::nullopt;
  const auto days = DateDays(s);
  const auto clock = days ? Clock(s, 11, false) : std::nullopt;
  if (!clock) return std::nullopt;
  return LocalTime{*days * LocalTime::kDay + *clock};
}

std::optional<LocalTime> ParseDate(std::string_view s) {
  if (s.size() != 10) return std::nullopt;
  const auto days = DateDays(s);
  if (!days) return std::nullopt;
  return LocalTime{*days * LocalTime::kDay};
}

std::optional<int64_t> ParseTimeOfDay(std::string_view s) {
  if (s.size() != 8) return std::nullopt;
  return Clock(s, 0, true);
}

std::string LocalTime::ToString() const {
  const int64_t days = FloorDiv(seconds, kDay);
  const int64_t secs = seconds - days * kDay;
  const CivilDate date = CivilFromDays(days);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02lld:%02lld:%02lld", static_cast<long long>(date.year),
                date.month, date.day, static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buf;
}

std::string LocalTime::DateString() const { return ToString().substr(0, 10); }

}  // namespace civicflow
