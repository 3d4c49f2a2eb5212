#include "operators/community_passages.h"

#include <gtest/gtest.h>

#include <algorithm>
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

// One community_passages row, parsed.
struct Row {
  std::string area, entrance, hour;
  int64_t person, vehicle, face, unregistered;
  bool operator==(const Row&) const = default;
  auto operator<=>(const Row&) const = default;
};

void PrintTo(const Row& r, std::ostream* os) {
  *os << "{" << r.area << ", " << r.entrance << ", " << r.hour << ", person " << r.person << ", vehicle "
      << r.vehicle << ", face " << r.face << ", unregistered " << r.unregistered << "}";
}

const std::string kA = "440305001001001", kB = "440305001001002";
const std::string kDoor = "4403050010010011150001";  // access-control system (person passages)
const std::string kGate = "4403050010010011410001";  // barrier (vehicle passages)
const std::string kCam = "44030541011328001001";     // face camera

std::string Person(std::string_view area, std::string_view card, std::string_view time,
                   std::string_view access_type = "2") {
  return R"({"accessControlNo":")" + kDoor + R"(","cardNo":")" + std::string(card) + R"(","areaNo":")" +
         std::string(area) + R"(","accessType":")" + std::string(access_type) + R"(","accessTime":")" +
         std::string(time) + R"("})";
}

std::string Vehicle(std::string_view area, std::string_view plate, std::string_view time,
                    std::string_view snap_no = "44030541011328009001") {
  return R"({"snapNo":")" + std::string(snap_no) + R"(","areaNo":")" + std::string(area) + R"(","carNo":")" +
         std::string(plate) + R"(","gateNo":")" + kGate + R"(","accessTime":")" + std::string(time) +
         R"(","snapSmallImage":"s","snapBigImage":"b"})";
}

std::string Face(std::string_view area, std::string_view time) {
  return R"({"snapNo":")" + kCam + R"(","areaNo":")" + std::string(area) + R"(","snapTime":")" +
         std::string(time) + R"(","snapSmallImage":"s","snapBigImage":"b"})";
}

std::string Registration(std::string_view area, std::string_view plate) {
  return R"({"cphm":")" + std::string(plate) + R"(","xqbm":")" + std::string(area) +
         R"(","czxm":"张三","czSfzjhm":"411526199411226713"})";
}

LocalTime At(std::string_view time) { return *ParseDateTime(time); }

class CommunityPassagesTest : public ::testing::Test {
 protected:
  // Rows emitted so far, sorted (rows within one emission have no order).
  std::vector<Row> Rows() const {
    std::vector<Row> out;
    for (const auto& r : capture.rows) {
      EXPECT_EQ(r.size(), 7u);
      out.push_back(
          {r[0], r[1], r[2], std::stoll(r[3]), std::stoll(r[4]), std::stoll(r[5]), std::stoll(r[6])});
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  void Feed(Operator& op) {
    op.OnBatch(in.Pointers());
    in.Clear();
  }
  std::unique_ptr<Deduplicator> Pipeline(CommunityPassages** out) {
    auto op = std::make_unique<CommunityPassages>(capture);
    *out = op.get();
    std::vector<std::unique_ptr<Operator>> downstream;
    downstream.push_back(std::move(op));
    return std::make_unique<Deduplicator>(DedupOptions{}, std::move(downstream));
  }

  testing::TableCapture capture;
  CommunityPassages passages{capture};
  RecordSet in;
};

TEST_F(CommunityPassagesTest, CountsEachSourcePerCommunityEntranceAndHour) {
  in.Add(Platform::kCommunity, "stk/rytxjl", Person(kA, "C1", "2026-11-20 18:05:00"))
      .Add(Platform::kCommunity, "stk/rytxjl", Person(kA, "C2", "2026-11-20 18:10:00"))
      .Add(Platform::kCommunity, "stk/zpjl", Face(kA, "2026-11-20 18:20:00"))
      .Add(Platform::kCommunity, "stk/cltxjl", Vehicle(kA, "粤B12345", "2026-11-20 18:30:00"))
      .Add(Platform::kCommunity, "stk/cltxjl", Vehicle(kA, "粤B67890", "2026-11-20 18:31:00"))
      .Add(Platform::kCommunity, "stk/rytxjl", Person(kA, "C1", "2026-11-20 19:00:00"))
      .Add(Platform::kCommunity, "stk/rytxjl",
           Person(kB, "C3", "2026-11-20 18:15:00"));  // same code, other community
  Feed(passages);
  passages.OnWatermark(At("2026-11-20 18:59:59"));
  EXPECT_TRUE(capture.rows.empty());
  passages.OnWatermark(At("2026-11-20 19:00:00"));
  // Sorted by entrance code: door < gate < camera.
  EXPECT_EQ(Rows(), (std::vector<Row>{{kA, kDoor, "2026-11-20 18:00:00", 2, 0, 0, 0},
                                      {kA, kGate, "2026-11-20 18:00:00", 0, 2, 0, 2},
                                      {kA, kCam, "2026-11-20 18:00:00", 0, 0, 1, 0},
                                      {kB, kDoor, "2026-11-20 18:00:00", 1, 0, 0, 0}}));
  passages.Flush();
  ASSERT_EQ(Rows().size(), 5u);
  EXPECT_EQ(Rows()[1], (Row{kA, kDoor, "2026-11-20 19:00:00", 1, 0, 0, 0}));
  EXPECT_EQ(passages.late_rows(), 0u);
}

TEST_F(CommunityPassagesTest, AVehicleIsUnregisteredUntilARegistrationArrivesBeforeIt) {
  in.Add(Platform::kCommunity, "stk/cltxjl", Vehicle(kA, "粤B12345", "2026-11-20 18:05:00"))  // unregistered
      .Add(Platform::kCommunity, "clxx", Registration(kA, "粤B12345"))
      .Add(Platform::kCommunity, "stk/cltxjl", Vehicle(kA, "粤B12345", "2026-11-20 18:10:00"))
      // Arrival order decides, not event time: this passage happened before the first one.
      .Add(Platform::kCommunity, "stk/cltxjl", Vehicle(kA, "粤B12345", "2026-11-20 18:01:00"))
      .Add(Platform::kCommunity, "stk/cltxjl",
           Vehicle(kA, "粤B67890", "2026-11-20 18:20:00"));  // unregistered
  Feed(passages);
  in.Add(Platform::kCommunity, "stk/cltxjl", Vehicle(kA, "粤B12345", "2026-11-20 18:40:00"));  // next batch
  Feed(passages);
  passages.Flush();
  EXPECT_EQ(Rows(), (std::vector<Row>{{kA, kGate, "2026-11-20 18:00:00", 0, 5, 0, 2}}));
  EXPECT_EQ(passages.registrations(), 1u);
}

TEST_F(CommunityPassagesTest, APlateRegisteredInAnotherCommunityIsUnregisteredHere) {
  in.Add(Platform::kCommunity, "clxx", Registration(kB, "粤B12345"))
      .Add(Platform::kCommunity, "stk/cltxjl", Vehicle(kA, "粤B12345", "2026-11-20 18:05:00"))
      .Add(Platform::kCommunity, "stk/cltxjl", Vehicle(kB, "粤B12345", "2026-11-20 18:06:00"));
  Feed(passages);
  passages.Flush();
  EXPECT_EQ(Rows(), (std::vector<Row>{{kA, kGate, "2026-11-20 18:00:00", 0, 1, 0, 1},
                                      {kB, kGate, "2026-11-20 18:00:00", 0, 1, 0, 0}}));
}

TEST_F(CommunityPassagesTest, ADuplicatePassageIsCountedOnce) {
  CommunityPassages* op = nullptr;
  auto pipeline = Pipeline(&op);
  in.Add(Platform::kCommunity, "stk/cltxjl", Vehicle(kA, "粤B12345", "2026-11-20 18:05:00"))
      .Add(Platform::kCommunity, "stk/cltxjl", Vehicle(kA, "粤B12345", "2026-11-20 18:05:00"))
      .Add(Platform::kCommunity, "stk/rytxjl", Person(kA, "C1", "2026-11-20 18:05:00"))
      .Add(Platform::kCommunity, "stk/rytxjl", Person(kA, "C1", "2026-11-20 18:05:00"));
  Feed(*pipeline);
  pipeline->Flush();
  EXPECT_EQ(Rows(), (std::vector<Row>{{kA, kDoor, "2026-11-20 18:00:00", 1, 0, 0, 0},
                                      {kA, kGate, "2026-11-20 18:00:00", 0, 1, 0, 1}}));
}

TEST_F(CommunityPassagesTest, ACorrectionRetractsThePassageAndJudgesItAgainOnArrival) {
  CommunityPassages* op = nullptr;
  auto pipeline = Pipeline(&op);
  in.Add(Platform::kCommunity, "stk/cltxjl", Vehicle(kA, "粤B12345", "2026-11-20 18:05:00"))
      .Add(Platform::kCommunity, "stk/rytxjl", Person(kA, "C1", "2026-11-20 18:06:00", "2"));
  Feed(*pipeline);
  pipeline->OnWatermark(At("2026-11-20 19:00:00"));
  ASSERT_EQ(Rows(), (std::vector<Row>{{kA, kDoor, "2026-11-20 18:00:00", 1, 0, 0, 0},
                                      {kA, kGate, "2026-11-20 18:00:00", 0, 1, 0, 1}}));
  // The plate is registered, then the passage is corrected (another snapshot camera):
  // the old contribution is retracted and the corrected passage counts as registered.
  in.Add(Platform::kCommunity, "clxx", Registration(kA, "粤B12345"))
      .Add(Platform::kCommunity, "stk/cltxjl",
           Vehicle(kA, "粤B12345", "2026-11-20 18:05:00", "44030541011328009002"))
      .Add(Platform::kCommunity, "stk/rytxjl", Person(kA, "C1", "2026-11-20 18:06:00", "1"));  // nets to zero
  Feed(*pipeline);
  const auto* spec = ingest::Registry::Get().Find(Platform::kCommunity, "stk/cltxjl");
  EXPECT_EQ(pipeline->corrections()[ingest::Registry::Get().IdOf(*spec)], 1u);
  pipeline->OnWatermark(At("2026-11-20 19:30:00"));
  EXPECT_EQ(Rows(), (std::vector<Row>{{kA, kDoor, "2026-11-20 18:00:00", 1, 0, 0, 0},
                                      {kA, kGate, "2026-11-20 18:00:00", 0, 0, 0, -1},
                                      {kA, kGate, "2026-11-20 18:00:00", 0, 1, 0, 1}}));
  EXPECT_EQ(op->late_rows(), 1u);
}

TEST_F(CommunityPassagesTest, RecordsForAnEmittedHourYieldFurtherAdditiveRows) {
  in.Add(Platform::kCommunity, "stk/zpjl", Face(kA, "2026-11-20 18:10:00"));
  Feed(passages);
  passages.OnWatermark(At("2026-11-20 20:00:00"));
  in.Add(Platform::kCommunity, "stk/zpjl", Face(kA, "2026-11-20 18:20:00"));
  Feed(passages);
  EXPECT_EQ(Rows().size(), 1u) << "late rows wait for the next watermark";
  passages.OnWatermark(At("2026-11-20 20:30:00"));
  EXPECT_EQ(Rows(), (std::vector<Row>{{kA, kCam, "2026-11-20 18:00:00", 0, 0, 1, 0},
                                      {kA, kCam, "2026-11-20 18:00:00", 0, 0, 1, 0}}));
  EXPECT_EQ(passages.late_rows(), 1u);
  EXPECT_EQ(passages.open_windows(), 0u);
}

TEST_F(CommunityPassagesTest, IgnoresOtherInterfaces) {
  in.Add(Platform::kCommunity, "stk/sbzt",
         R"({"areaNo":"440305001001001","deviceID":"44030541011328001001","isOnLine":"1","deviceType":"1"})");
  Feed(passages);
  passages.Flush();
  EXPECT_TRUE(capture.rows.empty());
}

TEST(CommunityPassagesColumns, RowsFollowTheTableSchema) {
  EXPECT_EQ(Schema(Table::kCommunityPassages).columns.size(), 7u);
  testing::TableCapture sink;
  EXPECT_NO_THROW(CommunityPassages{sink});
}

}  // namespace
}  // namespace civicflow::operators
