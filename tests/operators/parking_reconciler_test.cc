#include "operators/parking_reconciler.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "operators/shard_pipeline.h"
#include "tests/support/records.h"
#include "tests/support/table_capture.h"

namespace civicflow::operators {
namespace {

using ingest::Platform;
using Rows = std::vector<std::vector<std::string>>;

constexpr std::string_view kLot = "c492c59ab3b6eec618f2ba80974110e0";
constexpr std::string_view kOtherLot = "0123456789abcdef0123456789abcdef";
constexpr std::string_view kA = "粤B10001", kB = "粤B10002", kC = "粤B10003", kD = "粤B10004",
                           kE = "粤B10005", kF = "粤B10006";

int64_t Ms(std::string_view local_time) { return ParseDateTime(local_time)->ToEpochMillis(); }

std::string Hex(uint64_t id) {
  char hex[33];
  std::snprintf(hex, sizeof hex, "%032llx", static_cast<unsigned long long>(id));
  return hex;
}

std::string ExitBody(uint64_t id, std::string_view plate, std::string_view time, std::string_view park) {
  return std::string(R"({"parkCode":")") + std::string(park) + R"(","id":")" + Hex(id) + R"(","plateNo":")" +
         std::string(plate) + R"(","leaveTime":")" + std::string(time) +
         R"(","exitCarPhotoId":"P2","exitCode":"NQD001"})";
}

std::string SpaceBody(int used, std::string_view park) {
  return std::string(R"({"parkCode":")") + std::string(park) + R"(","usedStalls":)" + std::to_string(used) +
         R"(,"reservedStalls":0,"usedCharingStalls":0,"unusedStalls":10,"unusedReservableStalls":0,)" +
         R"("unusedCharingStalls":0})";
}

// One parking_reconciliation row.
std::vector<std::string> Recon(std::string_view list_time, int listed, int tracked, int missing_enter,
                               int missing_exit, std::string reported = "", std::string deviation = "",
                               bool baseline = false, std::string_view park = kLot) {
  return {std::string(park),
          std::string(list_time),
          std::to_string(listed),
          std::to_string(tracked),
          std::to_string(missing_enter),
          std::to_string(missing_exit),
          reported,
          deviation,
          baseline ? "true" : "false"};
}

std::vector<std::string> Problem(std::string_view plate, std::string_view problem, std::string_view list_time,
                                 std::string_view park = kLot) {
  return {std::string(park), std::string(list_time.substr(0, 10)), std::string(plate), std::string(problem),
          std::string(list_time)};
}

std::vector<std::string> Status(std::string_view status, std::string_view since, std::string_view previous,
                                std::string_view park = kLot) {
  return {"parking", std::string(park), "", std::string(status), std::string(since), std::string(previous)};
}

class ParkingReconcilerTest : public ::testing::Test {
 public:  // the builders chain through a base reference, which protected access forbids
  // Adds records to the next batch.
  ParkingReconcilerTest& List(std::string_view time, std::string_view plates, std::string_view park = kLot,
                              int64_t extra_ms = 0) {
    in.Add(Platform::kParking, "parkCarInfo",
           std::string(R"({"parkCode":")") + std::string(park) + R"(","plateNoList":")" +
               std::string(plates) + R"("})",
           Ms(time) + extra_ms);
    return *this;
  }
  ParkingReconcilerTest& Enter(uint64_t id, std::string_view plate, std::string_view time,
                               std::string_view park = kLot) {
    in.Add(Platform::kParking, "enterRecord", testing::EnterRecord(id, plate, time, park));
    return *this;
  }
  ParkingReconcilerTest& Exit(uint64_t id, std::string_view plate, std::string_view time,
                              std::string_view park = kLot) {
    in.Add(Platform::kParking, "exitRecord", ExitBody(id, plate, time, park));
    return *this;
  }
  ParkingReconcilerTest& Space(std::string_view time, int used, int64_t extra_ms = 0,
                               std::string_view park = kLot) {
    in.Add(Platform::kParking, "parkSpaceInfo", SpaceBody(used, park), Ms(time) + extra_ms);
    return *this;
  }
  ParkingReconcilerTest& Heartbeat(std::string_view time, std::string_view park = kLot) {
    const std::string lot = park.empty() ? "" : R"(,"parkCode":")" + std::string(park) + "\"";
    in.Add(Platform::kParking, "heartBeats", R"({"requestTime":")" + std::string(time) + "\"" + lot + "}",
           Ms(time));
    return *this;
  }
  // Hands the batch to the operator.
  void Feed() {
    op.OnBatch(in.Pointers());
    in.Clear();
  }
  // Hands the only record of the batch to the operator as a correction.
  void Correct() {
    ASSERT_EQ(in.records().size(), 1u);
    op.OnCorrection(in.records()[0]);
    in.Clear();
  }
  // The shard watermark: drives offline transitions and the periodic sweep.
  void Watermark(std::string_view time) { op.OnWatermark(*ParseDateTime(time)); }
  // Moves the lot's own progress (its latest event time) on with a heartbeat, and feeds the batch.
  void Tick(std::string_view time, std::string_view park = kLot) {
    Heartbeat(time, park);
    Feed();
  }

  testing::TableCapture reconciliation, problems, status;
  ParkingReconciler op{reconciliation, problems, status, 600};
  testing::RecordSet in;
};

TEST_F(ParkingReconcilerTest, FirstListIsTheBaseline) {
  Enter(1, kC, "2026-11-20 09:50:00").List("2026-11-20 10:00:00", std::string(kA) + "," + std::string(kB));
  Feed();
  op.Flush();
  EXPECT_EQ(reconciliation.rows, (Rows{Recon("2026-11-20 10:00:00", 2, 2, 0, 0, "", "", true)}));
  EXPECT_TRUE(problems.rows.empty());
  EXPECT_EQ(op.pending_events(), 0u) << "events before the baseline only precede it";
  EXPECT_EQ(op.late_events(), 0u);
}

TEST_F(ParkingReconcilerTest, FlagsPlatesMissingAnEnterOrAnExit) {
  List("2026-11-20 10:00:00", std::string(kA) + "," + std::string(kB) + "," + std::string(kC));
  Feed();
  Tick("2026-11-20 10:10:00");
  // D enters and A leaves on record; F enters and C leaves unrecorded; E comes and goes.
  Enter(1, kD, "2026-11-20 10:05:00")
      .Exit(2, kA, "2026-11-20 10:10:00")
      .Enter(3, kE, "2026-11-20 10:20:00")
      .Exit(3, kE, "2026-11-20 10:40:00")
      .List("2026-11-20 11:00:00", std::string(kB) + "," + std::string(kD) + "," + std::string(kF));
  Feed();
  Tick("2026-11-20 11:10:00");
  // T = {A,B,C} + D − A + E − E = {B,C,D}; L = {B,D,F}.
  EXPECT_EQ(reconciliation.rows, (Rows{Recon("2026-11-20 10:00:00", 3, 3, 0, 0, "", "", true),
                                       Recon("2026-11-20 11:00:00", 3, 3, 1, 1)}));
  EXPECT_EQ(problems.rows, (Rows{Problem(kF, "missing_enter", "2026-11-20 11:00:00"),
                                 Problem(kC, "missing_exit", "2026-11-20 11:00:00")}));
  // T := L, so the next list with nothing in between is clean.
  List("2026-11-20 12:00:00", std::string(kF) + "," + std::string(kD) + "," + std::string(kB));
  Feed();
  op.Flush();
  EXPECT_EQ(reconciliation.rows.back(), Recon("2026-11-20 12:00:00", 3, 3, 0, 0));
  EXPECT_EQ(problems.rows.size(), 2u);
}

TEST_F(ParkingReconcilerTest, AppliesOnlyTheIntervalsEventsInEventTimeOrder) {
  List("2026-11-20 10:00:00", std::string(kA));
  Feed();
  Tick("2026-11-20 10:10:00");
  // B's exit arrives before its enter but happened after it: B is not in the lot.
  Exit(1, kB, "2026-11-20 10:30:00")
      .Enter(1, kB, "2026-11-20 10:20:00")
      .Enter(2, kD, "2026-11-20 11:00:00")  // exactly at the list time: belongs to it
      .Enter(3, kC, "2026-11-20 11:30:00")  // after it: belongs to the next list
      .List("2026-11-20 11:00:00", std::string(kA) + "," + std::string(kD))
      .List("2026-11-20 12:00:00", std::string(kA) + "," + std::string(kD) + "," + std::string(kC));
  Feed();
  Tick("2026-11-20 12:10:00");
  EXPECT_EQ(reconciliation.rows,
            (Rows{Recon("2026-11-20 10:00:00", 1, 1, 0, 0, "", "", true),
                  Recon("2026-11-20 11:00:00", 2, 2, 0, 0), Recon("2026-11-20 12:00:00", 3, 3, 0, 0)}));
  EXPECT_TRUE(problems.rows.empty());
}

TEST_F(ParkingReconcilerTest, TiesInEventTimeFollowArrivalOrder) {
  List("2026-11-20 10:00:00", "").List("2026-11-20 10:00:00", "", kOtherLot);
  Feed();
  Enter(1, kA, "2026-11-20 10:30:00").Exit(1, kA, "2026-11-20 10:30:00");  // in, then out
  Exit(2, kA, "2026-11-20 10:30:00", kOtherLot).Enter(2, kA, "2026-11-20 10:30:00", kOtherLot);  // stays in
  List("2026-11-20 11:00:00", "").List("2026-11-20 11:00:00", "", kOtherLot);
  Feed();
  op.Flush();
  EXPECT_EQ(reconciliation.rows, (Rows{Recon("2026-11-20 10:00:00", 0, 0, 0, 0, "", "", true),
                                       Recon("2026-11-20 10:00:00", 0, 0, 0, 0, "", "", true, kOtherLot),
                                       Recon("2026-11-20 11:00:00", 0, 0, 0, 0),
                                       Recon("2026-11-20 11:00:00", 0, 1, 0, 1, "", "", false, kOtherLot)}));
  EXPECT_EQ(problems.rows, (Rows{Problem(kA, "missing_exit", "2026-11-20 11:00:00", kOtherLot)}));
}

TEST_F(ParkingReconcilerTest, ListWaitsForTheLotToReachListTimePlusGrace) {
  List("2026-11-20 10:00:00", std::string(kA));
  Feed();
  Tick("2026-11-20 10:09:59");
  Tick("2026-11-20 10:20:00", kOtherLot);  // another lot's progress is not this lot's
  Watermark("2026-11-20 12:00:00");        // nor is the shard's
  EXPECT_TRUE(reconciliation.rows.empty());
  EXPECT_EQ(op.pending_lists(), 1u);
  Tick("2026-11-20 10:10:00");
  EXPECT_EQ(reconciliation.rows, (Rows{Recon("2026-11-20 10:00:00", 1, 1, 0, 0, "", "", true)}));
  EXPECT_EQ(op.pending_lists(), 0u);
  // Lists arriving out of order are still reconciled in list-time order.
  List("2026-11-20 11:05:00", std::string(kA)).List("2026-11-20 11:00:00", std::string(kA));
  Feed();
  EXPECT_EQ(reconciliation.rows.size(), 1u);
  Tick("2026-11-20 11:15:00");
  ASSERT_EQ(reconciliation.rows.size(), 3u);
  EXPECT_EQ(reconciliation.rows[1][1], "2026-11-20 11:00:00");
  EXPECT_EQ(reconciliation.rows[2][1], "2026-11-20 11:05:00");
  // A list arriving when the lot is already past its time + grace is reconciled at once.
  Tick("2026-11-20 13:00:00");
  List("2026-11-20 12:00:00", std::string(kA));
  Feed();
  ASSERT_EQ(reconciliation.rows.size(), 4u);
  EXPECT_EQ(reconciliation.rows[3][1], "2026-11-20 12:00:00");
  List("2026-11-20 14:00:00", std::string(kA));
  Feed();
  op.Flush();  // flush reconciles whatever still waits
  ASSERT_EQ(reconciliation.rows.size(), 5u);
  EXPECT_EQ(reconciliation.rows[4][1], "2026-11-20 14:00:00");
}

TEST_F(ParkingReconcilerTest, AnyRecordOfTheLotMovesItOn) {
  List("2026-11-20 10:00:00", "");
  Feed();
  Enter(1, kA, "2026-11-20 10:10:00");  // an event
  Feed();
  ASSERT_EQ(reconciliation.rows.size(), 1u);
  List("2026-11-20 11:00:00", "");
  Feed();
  Space("2026-11-20 11:10:00", 0);  // a parkSpaceInfo
  Feed();
  ASSERT_EQ(reconciliation.rows.size(), 2u);
  List("2026-11-20 12:00:00", "").List("2026-11-20 12:10:00", "");  // a later list
  Feed();
  ASSERT_EQ(reconciliation.rows.size(), 3u);
  Exit(2, kB, "2026-11-20 12:20:00");  // a correction is a record of the lot too
  Feed();
  ASSERT_EQ(reconciliation.rows.size(), 4u);
  List("2026-11-20 13:00:00", "");
  Feed();
  Exit(2, kB, "2026-11-20 13:10:00");
  Correct();
  EXPECT_EQ(reconciliation.rows.size(), 5u);
}

TEST_F(ParkingReconcilerTest, GraceComesFromTheConstructor) {
  testing::TableCapture r, p, s;
  ParkingReconciler quick(r, p, s, 60);
  List("2026-11-20 10:00:00", std::string(kA)).Heartbeat("2026-11-20 10:00:59");
  quick.OnBatch(in.Pointers());
  EXPECT_TRUE(r.rows.empty());
  in.Clear();
  Heartbeat("2026-11-20 10:01:00");
  quick.OnBatch(in.Pointers());
  EXPECT_EQ(r.rows.size(), 1u);
}

TEST_F(ParkingReconcilerTest, LateEventsAndListsAreCountedNotApplied) {
  List("2026-11-20 10:00:00", std::string(kA)).List("2026-11-20 11:00:00", std::string(kA));
  Feed();
  Tick("2026-11-20 11:10:00");
  ASSERT_EQ(reconciliation.rows.size(), 2u);
  Enter(1, kB, "2026-11-20 10:30:00")                           // inside a reconciled interval
      .Exit(2, kA, "2026-11-20 11:00:00")                       // exactly at the last reconciled list
      .Enter(3, kC, "2026-11-20 11:30:00")                      // on time
      .List("2026-11-20 10:30:00", std::string(kB))             // a list older than the last reconciled one
      .List("2026-11-20 11:00:00", std::string(kB), kLot, 300)  // in the same second as it
      .List("2026-11-20 12:00:00", std::string(kA) + "," + std::string(kC));
  Feed();
  op.Flush();
  EXPECT_EQ(op.late_events(), 2u);
  EXPECT_EQ(op.late_lists(), 2u);
  EXPECT_EQ(reconciliation.rows,
            (Rows{Recon("2026-11-20 10:00:00", 1, 1, 0, 0, "", "", true),
                  Recon("2026-11-20 11:00:00", 1, 1, 0, 0), Recon("2026-11-20 12:00:00", 2, 2, 0, 0)}));
  EXPECT_TRUE(problems.rows.empty());
}

TEST_F(ParkingReconcilerTest, CorrectionOfAPendingEventReplacesIt) {
  List("2026-11-20 10:00:00", "");
  Feed();
  Tick("2026-11-20 10:10:00");
  Enter(1, kA, "2026-11-20 10:20:00").Enter(2, kC, "2026-11-20 10:30:00");
  Feed();
  Enter(1, kB, "2026-11-20 10:25:00");  // same id: the plate was misread
  Correct();
  Enter(2, kC, "2026-11-20 09:30:00");  // moved into the reconciled past: late now
  Correct();
  EXPECT_EQ(op.late_events(), 1u);
  List("2026-11-20 11:00:00", std::string(kB));
  Feed();
  Tick("2026-11-20 11:10:00");
  EXPECT_EQ(reconciliation.rows.back(), Recon("2026-11-20 11:00:00", 1, 1, 0, 0));
  EXPECT_TRUE(problems.rows.empty());
  // A correction of an event already applied changes nothing, and is counted.
  Enter(1, kD, "2026-11-20 10:25:00");
  Correct();
  EXPECT_EQ(op.ignored_corrections(), 1u);
  op.Flush();
  EXPECT_EQ(reconciliation.rows.size(), 2u);
}

TEST_F(ParkingReconcilerTest, CorrectionOfAPendingListReplacesIt) {
  List("2026-11-20 10:00:00", std::string(kA));
  Feed();
  Tick("2026-11-20 10:10:00");
  List("2026-11-20 11:00:00", std::string(kB));
  Feed();
  List("2026-11-20 11:00:00", std::string(kA));  // same lot and timestamp: a correction
  Correct();
  Tick("2026-11-20 11:10:00");
  EXPECT_EQ(reconciliation.rows.back(), Recon("2026-11-20 11:00:00", 1, 1, 0, 0));
  List("2026-11-20 11:00:00", std::string(kC));  // reconciled already
  Correct();
  EXPECT_EQ(op.ignored_corrections(), 1u);
  EXPECT_EQ(reconciliation.rows.size(), 2u);
  EXPECT_TRUE(problems.rows.empty());
}

TEST_F(ParkingReconcilerTest, ReportedUsedIsTheLatestSpaceReportAtOrBeforeTheList) {
  Space("2026-11-20 09:30:00", 5)
      .Space("2026-11-20 10:00:00", 7)
      .Space("2026-11-20 10:00:00", 8, 500)  // later, but in the list's second: at it
      .Space("2026-11-20 10:00:01", 9)       // after the list
      .List("2026-11-20 10:00:00", std::string(kA) + "," + std::string(kB) + "," + std::string(kC));
  Feed();
  Tick("2026-11-20 10:10:00");
  List("2026-11-20 11:00:00", std::string(kA) + "," + std::string(kB) + "," + std::string(kC));
  Feed();
  Tick("2026-11-20 11:10:00");
  Space("2026-11-20 10:00:01", 2);  // corrects the report after the baseline
  Correct();
  List("2026-11-20 12:00:00", std::string(kA) + "," + std::string(kB) + "," + std::string(kC));
  Feed();
  op.Flush();
  EXPECT_EQ(reconciliation.rows, (Rows{Recon("2026-11-20 10:00:00", 3, 3, 0, 0, "8", "5", true),
                                       Recon("2026-11-20 11:00:00", 3, 3, 0, 0, "9", "6"),
                                       Recon("2026-11-20 12:00:00", 3, 3, 0, 0, "2", "-1")}));
}

TEST_F(ParkingReconcilerTest, ReportedUsedIsEmptyWithoutAnEarlierReport) {
  Space("2026-11-20 10:30:00", 5).List("2026-11-20 10:00:00", std::string(kA));
  Feed();
  op.Flush();
  EXPECT_EQ(reconciliation.rows, (Rows{Recon("2026-11-20 10:00:00", 1, 1, 0, 0, "", "", true)}));
}

TEST_F(ParkingReconcilerTest, AnOlderReportServesEveryListUntilANewerOne) {
  Space("2026-11-20 09:30:00", 5).List("2026-11-20 10:00:00", std::string(kA));
  Feed();
  Tick("2026-11-20 10:10:00");
  List("2026-11-20 11:00:00", std::string(kA));
  Feed();
  Tick("2026-11-20 11:10:00");
  Space("2026-11-20 11:30:00", 2).List("2026-11-20 12:00:00", std::string(kA));
  Feed();
  op.Flush();
  EXPECT_EQ(reconciliation.rows, (Rows{Recon("2026-11-20 10:00:00", 1, 1, 0, 0, "5", "4", true),
                                       Recon("2026-11-20 11:00:00", 1, 1, 0, 0, "5", "4"),
                                       Recon("2026-11-20 12:00:00", 1, 1, 0, 0, "2", "1")}));
}

TEST_F(ParkingReconcilerTest, LotsAreReconciledIndependently) {
  // Each lot numbers its own plates: A in one lot and F in the other share a number.
  List("2026-11-20 10:00:00", std::string(kA)).List("2026-11-20 10:00:00", "", kOtherLot);
  Feed();
  Tick("2026-11-20 10:10:00");
  Tick("2026-11-20 10:10:00", kOtherLot);
  List("2026-11-20 11:00:00", std::string(kA)).List("2026-11-20 11:00:00", std::string(kF), kOtherLot);
  Feed();
  Tick("2026-11-20 11:10:00");
  Tick("2026-11-20 11:10:00", kOtherLot);
  EXPECT_EQ(reconciliation.rows, (Rows{Recon("2026-11-20 10:00:00", 1, 1, 0, 0, "", "", true),
                                       Recon("2026-11-20 10:00:00", 0, 0, 0, 0, "", "", true, kOtherLot),
                                       Recon("2026-11-20 11:00:00", 1, 1, 0, 0),
                                       Recon("2026-11-20 11:00:00", 1, 0, 1, 0, "", "", false, kOtherLot)}));
  EXPECT_EQ(problems.rows, (Rows{Problem(kF, "missing_enter", "2026-11-20 11:00:00", kOtherLot)}));
}

TEST_F(ParkingReconcilerTest, PlateListsAreTrimmedDeduplicatedAndMayBeEmpty) {
  List("2026-11-20 10:00:00", " 粤B10001 ,粤B10002,,粤B10001,  ,\\t粤B10003");  // \t: a JSON-escaped tab
  Feed();
  Tick("2026-11-20 10:10:00");
  Enter(1, kD, "2026-11-20 10:30:00");
  List("2026-11-20 11:00:00", "");  // an empty lot
  Feed();
  op.Flush();
  EXPECT_EQ(reconciliation.rows, (Rows{Recon("2026-11-20 10:00:00", 3, 3, 0, 0, "", "", true),
                                       Recon("2026-11-20 11:00:00", 0, 4, 0, 4)}));
  EXPECT_EQ(problems.rows, (Rows{Problem(kA, "missing_exit", "2026-11-20 11:00:00"),
                                 Problem(kB, "missing_exit", "2026-11-20 11:00:00"),
                                 Problem(kC, "missing_exit", "2026-11-20 11:00:00"),
                                 Problem(kD, "missing_exit", "2026-11-20 11:00:00")}));
}

TEST_F(ParkingReconcilerTest, ForgettingPlatesOfCarsLongGoneKeepsTheSetsRight) {
  // More distinct plates than a lot keeps numbered: the sweep after the
  // reconciliation renumbers the ones still referenced.
  auto plate = [](int i) {
    char digits[16];
    std::snprintf(digits, sizeof digits, "%05d", i);
    return "粤C" + std::string(digits);
  };
  List("2026-11-20 00:00:00", "");
  for (int i = 0; i < 5000; ++i)
    Enter(1000 + i, plate(i), "2026-11-20 00:10:00").Exit(1000 + i, plate(i), "2026-11-20 00:20:00");
  Enter(1, kA, "2026-11-20 00:30:00").Enter(2, kB, "2026-11-20 01:30:00");  // B waits for the next list
  List("2026-11-20 01:00:00", std::string(kA));
  Feed();                            // B's enter took the lot past 01:00 + grace: reconciled
  Watermark("2026-11-20 01:10:00");  // the first shard watermark sweeps
  EXPECT_EQ(op.interned_plates(), 2u) << "A, still inside, and B, pending";
  Exit(3, kA, "2026-11-20 01:40:00");
  List("2026-11-20 02:00:00", std::string(kB) + "," + plate(7));
  Feed();
  op.Flush();
  EXPECT_EQ(reconciliation.rows,
            (Rows{Recon("2026-11-20 00:00:00", 0, 0, 0, 0, "", "", true),
                  Recon("2026-11-20 01:00:00", 1, 1, 0, 0), Recon("2026-11-20 02:00:00", 2, 1, 1, 0)}));
  EXPECT_EQ(problems.rows, (Rows{Problem(plate(7), "missing_enter", "2026-11-20 02:00:00")}));
}

TEST(ParkingReconcilerHorizon, EventsFarBehindALotThatSendsNoListsExpire) {
  testing::TableCapture r, p, s;
  ParkingReconciler op(r, p, s, 600, 3600);
  testing::RecordSet in;
  in.Add(Platform::kParking, "enterRecord", testing::EnterRecord(1, kA, "2026-11-20 10:00:00"))
      .Add(Platform::kParking, "enterRecord", testing::EnterRecord(2, kB, "2026-11-20 10:30:00"))
      .Add(Platform::kParking, "enterRecord", testing::EnterRecord(3, kC, "2026-11-20 11:10:00"));
  op.OnBatch(in.Pointers());
  EXPECT_EQ(op.pending_events(), 3u);
  op.OnWatermark(*ParseDateTime("2026-11-20 10:10:00"));  // sweeps: 10:00 is an hour behind 11:10
  EXPECT_EQ(op.expired_events(), 1u);
  EXPECT_EQ(op.pending_events(), 2u);
}

TEST(ForEachListedPlate, SplitsOnCommasAndTrims) {
  std::vector<std::string> plates;
  ForEachListedPlate(" A1 ,B2,, ,C3 ,", [&](std::string_view p) { plates.emplace_back(p); });
  EXPECT_EQ(plates, (std::vector<std::string>{"A1", "B2", "C3"}));
  plates.clear();
  ForEachListedPlate("", [&](std::string_view p) { plates.emplace_back(p); });
  EXPECT_TRUE(plates.empty());
}

TEST_F(ParkingReconcilerTest, HeartbeatsDriveOnlineAndOffline) {
  Heartbeat("2026-11-20 10:00:00").Heartbeat("2026-11-20 10:00:30").Heartbeat("2026-11-20 10:01:00");
  Feed();
  EXPECT_EQ(status.rows, (Rows{Status("online", "2026-11-20 10:00:00", "")}));
  Watermark("2026-11-20 10:02:30");  // reaches last + 90 s, does not pass it
  EXPECT_EQ(status.rows.size(), 1u);
  Watermark("2026-11-20 10:02:31");
  EXPECT_EQ(status.rows.back(), Status("offline", "2026-11-20 10:02:30", "online"));
  Heartbeat("2026-11-20 10:02:00");  // older than the offline row: history stands
  Feed();
  EXPECT_EQ(op.late_heartbeats(), 1u);
  Heartbeat("2026-11-20 10:05:00");
  Feed();
  EXPECT_EQ(status.rows, (Rows{Status("online", "2026-11-20 10:00:00", ""),
                               Status("offline", "2026-11-20 10:02:30", "online"),
                               Status("online", "2026-11-20 10:05:00", "offline")}));
  op.Flush();  // the end of input takes no lot offline
  EXPECT_EQ(status.rows.size(), 3u);
}

TEST_F(ParkingReconcilerTest, AGapBetweenHeartbeatsOfOneBatchIsAnOfflineSpell) {
  Heartbeat("2026-11-20 10:00:00").Heartbeat("2026-11-20 10:01:30").Heartbeat("2026-11-20 10:03:01");
  Feed();
  EXPECT_EQ(status.rows, (Rows{Status("online", "2026-11-20 10:00:00", ""),
                               Status("offline", "2026-11-20 10:03:00", "online"),
                               Status("online", "2026-11-20 10:03:01", "offline")}));
  Watermark("2026-11-20 10:04:31");
  EXPECT_EQ(status.rows.size(), 3u);
  Watermark("2026-11-20 10:04:32");
  EXPECT_EQ(status.rows.back(), Status("offline", "2026-11-20 10:04:31", "online"));
}

TEST_F(ParkingReconcilerTest, HeartbeatsWithoutALotAreIgnored) {
  Heartbeat("2026-11-20 10:00:00", "");
  Feed();
  Watermark("2026-11-20 12:00:00");
  op.Flush();
  EXPECT_TRUE(status.rows.empty());
  EXPECT_EQ(op.heartbeats_without_lot(), 1u);
}

TEST_F(ParkingReconcilerTest, LotsAreIndependent) {
  Heartbeat("2026-11-20 10:00:00").Heartbeat("2026-11-20 10:01:00", kOtherLot);
  Feed();
  Watermark("2026-11-20 10:02:00");
  EXPECT_EQ(status.rows, (Rows{Status("online", "2026-11-20 10:00:00", ""),
                               Status("online", "2026-11-20 10:01:00", "", kOtherLot),
                               Status("offline", "2026-11-20 10:01:30", "online")}));
}

TEST(ParkingReconcilerRegistry, ResolvesEveryFieldItReads) {
  testing::TableCapture sink;
  EXPECT_NO_THROW((ParkingReconciler{sink, sink, sink}));
}

TEST(ParkingReconcilerPipeline, TheShardPipelineRunsItWithTheConfiguredGrace) {
  testing::TableCapture captures[kTableCount];
  ShardSinks sinks;
  for (size_t i = 0; i < kTableCount; ++i) sinks[i] = &captures[i];
  AnalyticsOptions options;
  options.reconcile_grace_s = 60;
  ShardPipeline pipeline = MakeShardPipeline(options, sinks);
  testing::RecordSet in;
  in.Add(Platform::kParking, "parkCarInfo",
         R"({"parkCode":"c492c59ab3b6eec618f2ba80974110e0","plateNoList":"粤B10001"})",
         Ms("2026-11-20 10:00:00"));
  in.Add(Platform::kParking, "heartBeats",
         R"({"requestTime":"2026-11-20 10:00:59","parkCode":"c492c59ab3b6eec618f2ba80974110e0"})");
  pipeline.root->OnBatch(in.Pointers());
  EXPECT_TRUE(captures[static_cast<size_t>(Table::kParkingReconciliation)].rows.empty());
  in.Clear();
  in.Add(Platform::kParking, "heartBeats",
         R"({"requestTime":"2026-11-20 10:01:00","parkCode":"c492c59ab3b6eec618f2ba80974110e0"})");
  pipeline.root->OnBatch(in.Pointers());
  EXPECT_EQ(captures[static_cast<size_t>(Table::kParkingReconciliation)].rows,
            (Rows{Recon("2026-11-20 10:00:00", 1, 1, 0, 0, "", "", true)}));
  EXPECT_EQ(captures[static_cast<size_t>(Table::kSiteStatus)].rows,
            (Rows{Status("online", "2026-11-20 10:00:59", "")}));
}

}  // namespace
}  // namespace civicflow::operators
