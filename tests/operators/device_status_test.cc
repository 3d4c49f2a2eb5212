#include "operators/device_status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "operators/deduplicator.h"
#include "operators/tables.h"
#include "tests/support/records.h"
#include "tests/support/table_capture.h"

namespace civicflow::operators {
namespace {

using ingest::Platform;
using testing::RecordSet;
using Rows = std::vector<std::vector<std::string>>;

const std::string kA = "440305001001001", kB = "440305001001002";
const std::string kCam1 = "44030541011328001001", kCam2 = "44030541011328001002";

std::string Sbzt(std::string_view area, std::string_view device, std::string_view on_line) {
  return R"({"areaNo":")" + std::string(area) + R"(","deviceID":")" + std::string(device) +
         R"(","isOnLine":")" + std::string(on_line) + R"(","deviceType":"1"})";
}

LocalTime At(std::string_view time) { return *ParseDateTime(time); }
int64_t Ms(std::string_view time) { return At(time).ToEpochMillis(); }

class DeviceStatusTest : public ::testing::Test {
 public:
  // Adds one report of `device` in `area`, requested at `time`.
  DeviceStatusTest& Report(std::string_view area, std::string_view device, std::string_view on_line,
                           std::string_view time) {
    in.Add(Platform::kCommunity, "stk/sbzt", Sbzt(area, device, on_line), Ms(time));
    return *this;
  }

 protected:
  void Feed(Operator& op) {
    op.OnBatch(in.Pointers());
    in.Clear();
  }

  testing::TableCapture capture;
  DeviceStatus status{capture};
  RecordSet in;
};

TEST_F(DeviceStatusTest, ARowOnlyWhenTheStatusDiffersFromTheLast) {
  Report(kA, kCam1, "1", "2026-11-20 10:00:00")
      .Report(kA, kCam1, "1", "2026-11-20 10:05:00")  // unchanged
      .Report(kA, kCam1, "2", "2026-11-20 10:10:00")
      .Report(kA, kCam1, "9", "2026-11-20 10:15:00")  // not "1": still offline
      .Report(kA, kCam1, "1", "2026-11-20 10:20:00");
  Feed(status);
  EXPECT_EQ(capture.rows, (Rows{{"community", kA, kCam1, "online", "2026-11-20 10:00:00", ""},
                                {"community", kA, kCam1, "offline", "2026-11-20 10:10:00", "online"},
                                {"community", kA, kCam1, "online", "2026-11-20 10:20:00", "offline"}}));
  EXPECT_EQ(status.stale_reports(), 0u);
}

TEST_F(DeviceStatusTest, EachAreaAndDeviceHasItsOwnStatus) {
  Report(kA, kCam1, "1", "2026-11-20 10:00:00")
      .Report(kA, kCam2, "2", "2026-11-20 10:00:01")
      .Report(kB, kCam1, "2", "2026-11-20 10:00:02")  // same deviceID in another community
      .Report(kA, kCam1, "1", "2026-11-20 10:01:00");
  Feed(status);
  EXPECT_EQ(capture.rows, (Rows{{"community", kA, kCam1, "online", "2026-11-20 10:00:00", ""},
                                {"community", kA, kCam2, "offline", "2026-11-20 10:00:01", ""},
                                {"community", kB, kCam1, "offline", "2026-11-20 10:00:02", ""}}));
  EXPECT_EQ(status.devices(), 3u);
}

TEST_F(DeviceStatusTest, AReportIsAppliedOnArrivalAndWatermarksAddNothing) {
  Report(kA, kCam1, "2", "2026-11-20 23:59:59");
  Feed(status);
  const Rows expected{{"community", kA, kCam1, "offline", "2026-11-20 23:59:59", ""}};
  EXPECT_EQ(capture.rows, expected) << "the watermark is far behind the report, which does not wait for it";
  status.OnWatermark(At("2026-11-20 10:00:00"));
  status.OnWatermark(At("2026-11-21 10:00:00"));
  status.Flush();
  EXPECT_EQ(capture.rows, expected);
  EXPECT_EQ(status.late_rows(), 0u);
}

TEST_F(DeviceStatusTest, ReportsApplyInArrivalOrderAndAnOlderOneIsStale) {
  // The 10:10 report overtakes the 10:00 one: the 10:00 one arrives after a newer report was applied.
  Report(kA, kCam1, "2", "2026-11-20 10:10:00").Report(kA, kCam1, "1", "2026-11-20 10:00:00");
  Feed(status);
  EXPECT_EQ(capture.rows, (Rows{{"community", kA, kCam1, "offline", "2026-11-20 10:10:00", ""}}));
  EXPECT_EQ(status.stale_reports(), 1u);

  // Not older than the last applied report (same time): applied. A stale report does not move the
  // device's last time back, so 10:05 is still stale after the stale 10:00.
  Report(kA, kCam1, "1", "2026-11-20 10:10:00").Report(kA, kCam1, "2", "2026-11-20 10:05:00");
  Feed(status);
  EXPECT_EQ(capture.rows, (Rows{{"community", kA, kCam1, "offline", "2026-11-20 10:10:00", ""},
                                {"community", kA, kCam1, "online", "2026-11-20 10:10:00", "offline"}}));
  EXPECT_EQ(status.stale_reports(), 2u);

  // Staleness is per device: cam 2's first report is older than cam 1's last, and applied.
  Report(kA, kCam2, "1", "2026-11-20 09:00:00");
  Feed(status);
  ASSERT_EQ(capture.rows.size(), 3u);
  EXPECT_EQ(capture.rows[2],
            (std::vector<std::string>{"community", kA, kCam2, "online", "2026-11-20 09:00:00", ""}));
  EXPECT_EQ(status.stale_reports(), 2u);
}

TEST_F(DeviceStatusTest, BatchBoundariesAndWatermarksDoNotChangeTheRows) {
  const auto add = [&](DeviceStatusTest& t) -> DeviceStatusTest& {
    return t.Report(kA, kCam1, "1", "2026-11-20 10:00:00")
        .Report(kA, kCam1, "2", "2026-11-20 10:20:00")
        .Report(kA, kCam1, "1", "2026-11-20 10:10:00")  // stale
        .Report(kA, kCam2, "2", "2026-11-20 10:05:00")
        .Report(kA, kCam1, "1", "2026-11-20 10:30:00")
        .Report(kA, kCam2, "1", "2026-11-20 10:05:00");
  };
  add(*this);
  Feed(status);
  const Rows together = capture.rows;
  ASSERT_EQ(together.size(), 5u);

  // The same reports one per batch, the watermark moving between them.
  testing::TableCapture apart;
  DeviceStatus one_by_one{apart};
  add(*this);
  const std::vector<const ingest::Record*> records = in.Pointers();
  for (size_t i = 0; i < records.size(); ++i) {
    one_by_one.OnBatch(std::span(&records[i], 1));
    one_by_one.OnWatermark(At("2026-11-20 10:15:00"));
  }
  in.Clear();
  one_by_one.Flush();
  EXPECT_EQ(apart.rows, together);
  EXPECT_EQ(one_by_one.stale_reports(), status.stale_reports());
  EXPECT_EQ(one_by_one.stale_reports(), 1u);
}

TEST_F(DeviceStatusTest, ACorrectionIsAReportOfItsTimeAppliedUnlessStale) {
  std::vector<std::unique_ptr<Operator>> downstream;
  downstream.push_back(std::make_unique<DeviceStatus>(capture));
  auto* op = static_cast<DeviceStatus*>(downstream.back().get());
  Deduplicator pipeline(DedupOptions{}, std::move(downstream));

  Report(kA, kCam1, "1", "2026-11-20 10:00:00").Report(kA, kCam1, "1", "2026-11-20 10:00:00");  // duplicate
  Feed(pipeline);
  EXPECT_EQ(capture.rows, (Rows{{"community", kA, kCam1, "online", "2026-11-20 10:00:00", ""}}));

  Report(kA, kCam1, "2", "2026-11-20 10:00:00");  // the same request corrected: the latest report, applied
  Feed(pipeline);
  EXPECT_EQ(capture.rows, (Rows{{"community", kA, kCam1, "online", "2026-11-20 10:00:00", ""},
                                {"community", kA, kCam1, "offline", "2026-11-20 10:00:00", "online"}}));

  Report(kA, kCam1, "1", "2026-11-20 10:05:00");
  Feed(pipeline);
  ASSERT_EQ(capture.rows.size(), 3u);
  Report(kA, kCam1, "9", "2026-11-20 10:00:00");  // corrected again after a newer report: stale
  Feed(pipeline);
  EXPECT_EQ(capture.rows.size(), 3u);
  EXPECT_EQ(op->stale_reports(), 1u);

  const auto* spec = ingest::Registry::Get().Find(Platform::kCommunity, "stk/sbzt");
  EXPECT_EQ(pipeline.duplicates()[ingest::Registry::Get().IdOf(*spec)], 1u);
  EXPECT_EQ(pipeline.corrections()[ingest::Registry::Get().IdOf(*spec)], 2u);
}

TEST_F(DeviceStatusTest, IgnoresOtherInterfaces) {
  in.Add(Platform::kCommunity, "stk/zpjl",
         R"({"snapNo":"44030541011328001001","areaNo":"440305001001001","snapTime":"2026-11-20 10:00:00",)"
         R"("snapSmallImage":"s","snapBigImage":"b"})");
  Feed(status);
  status.Flush();
  EXPECT_TRUE(capture.rows.empty());
  EXPECT_EQ(status.devices(), 0u);
}

TEST(DeviceStatusColumns, RowsFollowTheSiteStatusSchema) {
  EXPECT_EQ(Schema(Table::kSiteStatus).columns.size(), 6u);
  testing::TableCapture sink;
  EXPECT_NO_THROW(DeviceStatus{sink});
}

}  // namespace
}  // namespace civicflow::operators
