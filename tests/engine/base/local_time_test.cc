#include "engine/base/local_time.h"

#include <gtest/gtest.h>

namespace civicflow {
namespace {

TEST(LocalTime, ParsesStrictFormats) {
  const auto t = ParseDateTime("2026-11-20 18:05:09");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->ToString(), "2026-11-20 18:05:09");
  EXPECT_EQ(ParseDateMinute("2026-11-20 18:05")->ToString(), "2026-11-20 18:05:00");
  EXPECT_EQ(ParseDate("2024-02-29")->ToString(), "2024-02-29 00:00:00");
  EXPECT_EQ(ParseTimeOfDay("23:59:59"), 86399);
}

TEST(LocalTime, RejectsImpossibleAndMalformedTimes) {
  for (const char* bad :
       {"2026-02-30 10:00:00", "2025-02-29 00:00:00", "2026-13-01 00:00:00", "2026-11-20 24:00:00",
        "2026-11-20 23:60:00", "2026-11-20T18:00:00", "2026-11-20 18:00", "2026-1-20 18:00:00",
        "2026-11-20 18:00:00Z", "abcd-ef-gh ij:kl:mn", ""})
    EXPECT_FALSE(ParseDateTime(bad)) << bad;
  EXPECT_FALSE(ParseDate("2026-02-30"));
  EXPECT_FALSE(ParseTimeOfDay("25:00:00"));
  EXPECT_FALSE(ParseDateMinute("2026-11-20 18:5"));
}

TEST(LocalTime, EpochMillisAreUtcPlusEight) {
  // 2025-11-20 10:00:00 UTC is 18:00:00 in China.
  const LocalTime t = LocalTime::FromEpochMillis(1'763'632'800'000);
  EXPECT_EQ(t.ToString(), "2025-11-20 18:00:00");
  EXPECT_EQ(t.ToEpochMillis(), 1'763'632'800'000);
}

TEST(LocalTime, FloorsToHourAndDay) {
  const LocalTime t = *ParseDateTime("2026-11-20 18:59:59");
  EXPECT_EQ(t.FloorHour().ToString(), "2026-11-20 18:00:00");
  EXPECT_EQ(t.FloorDay().DateString(), "2026-11-20");
  EXPECT_EQ(ParseDateTime("1969-12-31 23:30:00")->FloorHour().ToString(), "1969-12-31 23:00:00");
}

}  // namespace
}  // namespace civicflow
