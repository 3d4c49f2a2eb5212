#include "operators/flow_hourly.h"

#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "tests/support/records.h"
#include "tests/support/table_capture.h"

namespace civicflow::operators {
namespace {

using ingest::Platform;
using testing::BinocularFlow;
using testing::EnterRecord;
using testing::RecordSet;

struct Emitted {
  std::string site, hour, source;
  int64_t entries;
  bool operator==(const Emitted&) const = default;
};

class FlowHourlyTest : public ::testing::Test {
 protected:
  // flow_hourly rows without the platform column.
  std::vector<Emitted> Rows() const {
    std::vector<Emitted> out;
    for (const auto& r : capture.rows) out.push_back({r[1], r[2], r[3], std::stoll(r[4])});
    return out;
  }
  testing::TableCapture capture;
  FlowHourly flow{DefaultFlowSources(), capture};
  RecordSet in;
};

TEST_F(FlowHourlyTest, CountsParkingEntriesPerLotAndHour) {
  in.Add(Platform::kParking, "enterRecord", EnterRecord(0xa, "粤B12345", "2026-11-20 18:00:00"))
      .Add(Platform::kParking, "enterRecord", EnterRecord(0xb, "粤B12346", "2026-11-20 18:59:59"))
      .Add(Platform::kParking, "enterRecord", EnterRecord(0xc, "粤B12347", "2026-11-20 19:00:00"));
  flow.OnBatch(in.Pointers());
  EXPECT_EQ(flow.retained_contributions(), 3u) << "a corrected enterTime may move a record to another hour";
  flow.OnWatermark(*ParseDateTime("2026-11-20 19:00:00"));  // 18:00 window closes
  const std::string lot = "c492c59ab3b6eec618f2ba80974110e0";
  EXPECT_EQ(Rows(), (std::vector<Emitted>{{lot, "2026-11-20 18:00:00", "parking_enter", 2}}));
  flow.Flush();
  ASSERT_EQ(Rows().size(), 2u);
  EXPECT_EQ(Rows()[1], (Emitted{lot, "2026-11-20 19:00:00", "parking_enter", 1}));
}

TEST_F(FlowHourlyTest, FitnessHourlyStatisticsCoverTheHourBeforeTheirLabel) {
  in.Add(Platform::kFitness, "syncBinocularFlowData", BinocularFlow("440305001", "2026-11-20 18:00:00", 128));
  flow.OnBatch(in.Pointers());
  flow.Flush();
  EXPECT_EQ(Rows(), (std::vector<Emitted>{{"440305001", "2026-11-20 17:00:00", "binocular", 128}}));
}

TEST_F(FlowHourlyTest, LateRecordsYieldFurtherAdditiveRows) {
  in.Add(Platform::kParking, "enterRecord", EnterRecord(0xa, "粤B12345", "2026-11-20 18:10:00"));
  flow.OnBatch(in.Pointers());
  flow.OnWatermark(*ParseDateTime("2026-11-20 20:00:00"));
  in.Clear();
  in.Add(Platform::kParking, "enterRecord", EnterRecord(0xb, "粤B12346", "2026-11-20 18:20:00"));
  flow.OnBatch(in.Pointers());
  flow.OnWatermark(*ParseDateTime("2026-11-20 20:30:00"));
  const auto rows = Rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].hour, rows[1].hour);
  EXPECT_EQ(rows[0].entries + rows[1].entries, 2);
  EXPECT_EQ(flow.open_windows(), 0u);
  EXPECT_EQ(flow.late_rows(), 1u);
}

TEST_F(FlowHourlyTest, IgnoresInterfacesThatAreNotFlowSources) {
  in.Add(Platform::kFitness, "syncVenueData",
         R"({"venueId":"000001","state":"0","businessTime":"09:00-21:00"})");
  flow.OnBatch(in.Pointers());
  flow.Flush();
  EXPECT_TRUE(capture.rows.empty());
}

TEST_F(FlowHourlyTest, CorrectionsReplaceTheOldValueInEveryWindow) {
  in.Add(Platform::kFitness, "syncBinocularFlowData", BinocularFlow("440305001", "2026-11-20 18:00:00", 128));
  flow.OnBatch(in.Pointers());
  flow.OnWatermark(*ParseDateTime("2026-11-20 19:00:00"));  // 17:00 window emitted: 128
  in.Clear();
  in.Add(Platform::kFitness, "syncBinocularFlowData", BinocularFlow("440305001", "2026-11-20 18:00:00", 100));
  ASSERT_EQ(in.records()[0].dedup_key, in.records()[0].dedup_key);
  flow.OnCorrection(in.records()[0]);
  flow.Flush();
  int64_t total = 0;
  for (const auto& r : Rows()) total += r.entries;
  EXPECT_EQ(total, 100) << "128, then a further row of -28";
  EXPECT_EQ(Rows().back().entries, -28);
}

TEST_F(FlowHourlyTest, ACorrectionThatCannotMoveARecordChangesNothing) {
  // Gate records count 1 and carry venue and time in their dedup key: a
  // correction (here of appearanceTime) leaves the count where it is.
  const auto gate = [](std::string_view appearance) {
    return std::string(R"({"provinceId":440000,"cityId":440300,"districtId":440305,"venueId":"440305001",)") +
           R"("deviceId":"GATE-01","admTime":"2026-11-20 17:42:10","appearanceTime":")" +
           std::string(appearance) + R"("})";
  };
  in.Add(Platform::kFitness, "syncGatebrakeFlowData", gate("2026-11-20 19:05:33"));
  flow.OnBatch(in.Pointers());
  EXPECT_EQ(flow.retained_contributions(), 0u) << "nothing to retract: no state kept";
  flow.OnWatermark(*ParseDateTime("2026-11-20 19:00:00"));
  in.Clear();
  in.Add(Platform::kFitness, "syncGatebrakeFlowData", gate("2026-11-20 19:30:00"));
  flow.OnCorrection(in.records()[0]);
  flow.Flush();
  EXPECT_EQ(Rows(), (std::vector<Emitted>{{"440305001", "2026-11-20 17:00:00", "gate_face", 1}}));
}

TEST(FlowSources, EveryDefaultSourceResolvesAgainstTheRegistry) {
  testing::TableCapture sink;
  EXPECT_NO_THROW(FlowHourly(DefaultFlowSources(), sink));
  const FlowSource bad[] = {{Platform::kParking, "enterRecord", "x", "noSuchField", ""}};
  EXPECT_THROW(FlowHourly(bad, sink), std::logic_error);
}

}  // namespace
}  // namespace civicflow::operators
