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
  status.OnWatermark(At("2026-11-20 10:30:00"));
  EXPECT_EQ(capture.rows, (Rows{{"community", kA, kCam1, "online", "2026-11-20 10:00:00", ""},
                                {"community", kA, kCam1, "offline", "2026-11-20 10:10:00", "online"},
                                {"community", kA, kCam1, "online", "2026-11-20 10:20:00", "offline"}}));
  EXPECT_EQ(status.pending(), 0u);
  EXPECT_EQ(status.late_rows(), 0u);
}

TEST_F(DeviceStatusTest, EachAreaAndDeviceHasItsOwnStatus) {
  Report(kA, kCam1, "1", "2026-11-20 10:00:00")
      .Report(kA, kCam2, "2", "2026-11-20 10:00:01")
      .Report(kB, kCam1, "2", "2026-11-20 10:00:02")  // same deviceID in another community
      .Report(kA, kCam1, "1", "2026-11-20 10:01:00");
  Feed(status);
  status.Flush();
  EXPECT_EQ(capture.rows, (Rows{{"community", kA, kCam1, "online", "2026-11-20 10:00:00", ""},
                                {"community", kA, kCam2, "offline", "2026-11-20 10:00:01", ""},
                                {"community", kB, kCam1, "offline", "2026-11-20 10:00:02", ""}}));
  EXPECT_EQ(status.devices(), 3u);
}

TEST_F(DeviceStatusTest, ReportsWaitForTheWatermarkAndApplyInTimeOrder) {
  // The 10:10 report overtakes the 10:00 one; both are within the allowed lateness.
  Report(kA, kCam1, "2", "2026-11-20 10:10:00");
  Feed(status);
  status.OnWatermark(At("2026-11-20 09:59:59"));
  Report(kA, kCam1, "1", "2026-11-20 10:00:00");
  Feed(status);
  EXPECT_TRUE(capture.rows.empty());
  status.OnWatermark(At("2026-11-20 10:00:00"));
  EXPECT_EQ(capture.rows, (Rows{{"community", kA, kCam1, "online", "2026-11-20 10:00:00", ""}}));
  status.OnWatermark(At("2026-11-20 10:10:00"));
  EXPECT_EQ(capture.rows, (Rows{{"community", kA, kCam1, "online", "2026-11-20 10:00:00", ""},
                                {"community", kA, kCam1, "offline", "2026-11-20 10:10:00", "online"}}));
  EXPECT_EQ(status.stale_reports(), 0u);
}

TEST_F(DeviceStatusTest, ALateReportYieldsARowAtTheNextWatermarkUnlessItIsStale) {
  Report(kA, kCam1, "1", "2026-11-20 10:00:00").Report(kA, kCam2, "1", "2026-11-20 10:00:00");
  Feed(status);
  status.OnWatermark(At("2026-11-20 10:30:00"));
  ASSERT_EQ(capture.rows.size(), 2u);
  Report(kA, kCam1, "2", "2026-11-20 10:20:00")        // late, but newer than cam 1's last report
      .Report(kA, kCam2, "1", "2026-11-20 09:50:00")   // older than cam 2's last report: stale
      .Report(kA, kCam2, "2", "2026-11-20 09:55:00");  // stale: would flip the status backwards
  Feed(status);
  EXPECT_EQ(capture.rows.size(), 2u) << "late reports wait for the next watermark";
  status.OnWatermark(At("2026-11-20 10:31:00"));
  ASSERT_EQ(capture.rows.size(), 3u);
  EXPECT_EQ(capture.rows[2],
            (std::vector<std::string>{"community", kA, kCam1, "offline", "2026-11-20 10:20:00", "online"}));
  EXPECT_EQ(status.late_rows(), 1u);
  EXPECT_EQ(status.stale_reports(), 2u);
}

TEST_F(DeviceStatusTest, ACorrectionReplacesAPendingReportOrIsAppliedAsAReportOfItsTime) {
  std::vector<std::unique_ptr<Operator>> downstream;
  downstream.push_back(std::make_unique<DeviceStatus>(capture));
  auto* op = static_cast<DeviceStatus*>(downstream.back().get());
  Deduplicator pipeline(DedupOptions{}, std::move(downstream));

  Report(kA, kCam1, "1", "2026-11-20 10:00:00").Report(kA, kCam1, "1", "2026-11-20 10:00:00");  // duplicate
  Feed(pipeline);
  Report(kA, kCam1, "2", "2026-11-20 10:00:00");  // same request corrected while still pending
  Feed(pipeline);
  EXPECT_EQ(op->pending(), 1u);
  pipeline.OnWatermark(At("2026-11-20 10:00:00"));
  EXPECT_EQ(capture.rows, (Rows{{"community", kA, kCam1, "offline", "2026-11-20 10:00:00", ""}}));

  Report(kA, kCam1, "1", "2026-11-20 10:00:00");  // corrected again, after it was applied
  Feed(pipeline);
  pipeline.OnWatermark(At("2026-11-20 10:05:00"));
  EXPECT_EQ(capture.rows, (Rows{{"community", kA, kCam1, "offline", "2026-11-20 10:00:00", ""},
                                {"community", kA, kCam1, "online", "2026-11-20 10:00:00", "offline"}}));
  const auto* spec = ingest::Registry::Get().Find(Platform::kCommunity, "stk/sbzt");
  EXPECT_EQ(pipeline.duplicates()[ingest::Registry::Get().IdOf(*spec)], 1u);
  EXPECT_EQ(pipeline.corrections()[ingest::Registry::Get().IdOf(*spec)], 2u);
}

TEST_F(DeviceStatusTest, FlushAppliesEverythingPending) {
  Report(kA, kCam1, "2", "2026-11-20 23:59:59");
  Feed(status);
  status.OnWatermark(At("2026-11-20 23:00:00"));
  EXPECT_TRUE(capture.rows.empty());
  status.Flush();
  EXPECT_EQ(capture.rows, (Rows{{"community", kA, kCam1, "offline", "2026-11-20 23:59:59", ""}}));
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
