#include "operators/replenish_query.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "operators/parking_reconciler.h"
#include "operators/tables.h"
#include "storage/segments/segment_layout.h"
#include "storage/segments/segment_tables.h"
#include "tests/support/records.h"
#include "tests/support/table_capture.h"

namespace civicflow::operators {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kLot = "c492c59ab3b6eec618f2ba80974110e0";
constexpr std::string_view kDay = "2026-11-20";

std::string Plate(int i) {
  char text[16];
  std::snprintf(text, sizeof text, "%05d", i);
  return "粤B" + std::string(text);
}

std::vector<std::string> PlatesOf(const ReplenishPage& page) {
  std::vector<std::string> out;
  for (const ProblemPlate& p : page.plates) out.push_back(p.plate_no);
  return out;
}

// `n` plates with a problem for kLot on kDay, added in reverse order.
ProblemPlateIndex IndexOf(int n) {
  ProblemPlateIndex index;
  for (int i = n; i >= 1; --i) index.Add(kLot, kDay, Plate(i), "missing_exit");
  return index;
}

TEST(ReplenishQueryTest, PagesAreSortedByPlate) {
  const ProblemPlateIndex index = IndexOf(5);
  const ReplenishPage first = index.Page(kLot, kDay, 1, 2);
  EXPECT_EQ(first.code, ProblemPlateIndex::kOk);
  EXPECT_EQ(first.total, 5);
  EXPECT_EQ(PlatesOf(first), (std::vector<std::string>{Plate(1), Plate(2)}));
  EXPECT_EQ(PlatesOf(index.Page(kLot, kDay, 2, 2)), (std::vector<std::string>{Plate(3), Plate(4)}));
  const ReplenishPage last = index.Page(kLot, kDay, 3, 2);  // a partial last page
  EXPECT_EQ(last.code, ProblemPlateIndex::kOk);
  EXPECT_EQ(PlatesOf(last), (std::vector<std::string>{Plate(5)}));
}

TEST(ReplenishQueryTest, APagePastTheLastIsNoSuchPage) {
  const ProblemPlateIndex index = IndexOf(4);
  EXPECT_EQ(index.Page(kLot, kDay, 2, 2).code, ProblemPlateIndex::kOk);  // exactly full pages
  const ReplenishPage past = index.Page(kLot, kDay, 3, 2);
  EXPECT_EQ(past.code, ProblemPlateIndex::kNoSuchPage);
  EXPECT_EQ(past.total, 4);
  EXPECT_TRUE(past.plates.empty());
  EXPECT_EQ(index.Page(kLot, kDay, 1, 50).plates.size(), 4u);
  EXPECT_EQ(index.Page(kLot, kDay, 2, 50).code, ProblemPlateIndex::kNoSuchPage);
}

TEST(ReplenishQueryTest, AnEmptyResultHasOneEmptyPage) {
  const ProblemPlateIndex index = IndexOf(3);
  for (std::string_view date : {std::string_view("2026-11-21"), kDay}) {
    const std::string_view lot = date == kDay ? std::string_view("0123456789abcdef0123456789abcdef") : kLot;
    const ReplenishPage page = index.Page(lot, date, 1, 10);
    EXPECT_EQ(page.code, ProblemPlateIndex::kOk) << lot << " " << date;
    EXPECT_EQ(page.total, 0);
    EXPECT_TRUE(page.plates.empty());
    EXPECT_EQ(index.Page(lot, date, 2, 10).code, ProblemPlateIndex::kNoSuchPage);
  }
}

TEST(ReplenishQueryTest, BadParametersAreCode4) {
  const ProblemPlateIndex index = IndexOf(3);
  EXPECT_EQ(index.Page(kLot, kDay, 1, 0).code, ProblemPlateIndex::kBadParameters);
  EXPECT_EQ(index.Page(kLot, kDay, 1, 51).code, ProblemPlateIndex::kBadParameters);
  EXPECT_EQ(index.Page(kLot, kDay, 1, -1).code, ProblemPlateIndex::kBadParameters);
  EXPECT_EQ(index.Page(kLot, kDay, 0, 10).code, ProblemPlateIndex::kBadParameters);
  EXPECT_EQ(index.Page(kLot, kDay, -3, 10).code, ProblemPlateIndex::kBadParameters);
  EXPECT_EQ(index.Page(kLot, "2026-11-31", 1, 10).code, ProblemPlateIndex::kBadParameters);
  EXPECT_EQ(index.Page("", kDay, 1, 10).code, ProblemPlateIndex::kBadParameters);
  EXPECT_EQ(index.Page(kLot, kDay, 1, 1).code, ProblemPlateIndex::kOk);
  const ReplenishPage widest = index.Page(kLot, kDay, 1, 50);
  EXPECT_EQ(widest.code, ProblemPlateIndex::kOk);
  EXPECT_EQ(widest.plates.size(), 3u);
}

TEST(ReplenishQueryTest, APlateIsAnsweredOnceWithAllItsProblems) {
  ProblemPlateIndex index;
  index.Add(kLot, kDay, Plate(2), "missing_exit");
  index.Add(kLot, kDay, Plate(1), "missing_exit");
  index.Add(kLot, kDay, Plate(1), "missing_enter");  // another list of the day
  index.Add(kLot, kDay, Plate(1), "missing_exit");
  index.Add(kLot, "2026-11-21", Plate(3), "missing_enter");  // another day
  const ReplenishPage page = index.Page(kLot, kDay, 1, 10);
  EXPECT_EQ(page.total, 2);
  EXPECT_EQ(page.plates, (std::vector<ProblemPlate>{{Plate(1), {"missing_enter", "missing_exit"}},
                                                    {Plate(2), {"missing_exit"}}}));
  EXPECT_EQ(index.plates(), 3u);
}

fs::path TestDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("civicflow-replenish-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(ReplenishQueryTest, LoadsTheReconcilersSegments) {
  const fs::path dir = TestDir("segments");
  const TableSchema& schema = Schema(Table::kParkingProblemPlates);
  {
    // Rows as the reconciler writes them, spread over two shards' segments.
    auto segments = storage::SegmentTables::Open(dir, std::span(&schema, 1), 2, 0);
    ASSERT_TRUE(segments.ok()) << segments.status().message();
    testing::TableCapture unused;
    ParkingReconciler reconciler(unused, *(*segments)->Sink(0, 0), unused);
    testing::RecordSet in;
    in.Add(ingest::Platform::kParking, "parkCarInfo",
           R"({"parkCode":"c492c59ab3b6eec618f2ba80974110e0","plateNoList":"粤B00001,粤B00002"})",
           ParseDateTime("2026-11-20 10:00:00")->ToEpochMillis());
    in.Add(ingest::Platform::kParking, "parkCarInfo",
           R"({"parkCode":"c492c59ab3b6eec618f2ba80974110e0","plateNoList":"粤B00003"})",
           ParseDateTime("2026-11-20 11:00:00")->ToEpochMillis());
    reconciler.OnBatch(in.Pointers());
    reconciler.Flush();
    const std::string_view row[] = {kLot, kDay, "粤B\"9,9\"", "missing_enter", "2026-11-20 12:00:00"};
    (*segments)->Sink(1, 0)->Row(row);
    ASSERT_TRUE((*segments)->Publish().ok());
  }
  std::ofstream(dir / "segments" / "parking_problem_plates" / "notes.txt") << "not a segment\n";
  auto index = ProblemPlateIndex::LoadFromDir(dir.string());
  ASSERT_TRUE(index.ok()) << index.status().message();
  const ReplenishPage page = index->Page(kLot, kDay, 1, 50);
  EXPECT_EQ(page.code, ProblemPlateIndex::kOk);
  EXPECT_EQ(page.plates,
            (std::vector<ProblemPlate>{{"粤B\"9,9\"", {"missing_enter"}},  // '"' sorts before '0'
                                       {Plate(1), {"missing_exit"}},
                                       {Plate(2), {"missing_exit"}},
                                       {"粤B00003", {"missing_enter"}}}));
}

TEST(ReplenishQueryTest, LoadFailsWithoutSegmentsOrOnADamagedOne) {
  const fs::path dir = TestDir("bad");
  EXPECT_FALSE(ProblemPlateIndex::LoadFromDir(dir.string()).ok());
  const fs::path partition = dir / "segments" / "parking_problem_plates" / "date=2026-11-20";
  fs::create_directories(partition);
  auto empty = ProblemPlateIndex::LoadFromDir(dir.string());
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->plates(), 0u);
  std::ofstream(partition / storage::PartFileName(1, 0)) << "PAR1 not really";
  EXPECT_FALSE(ProblemPlateIndex::LoadFromDir(dir.string()).ok());
}

TEST(ReplenishReply, SpeaksTheParkingSpecsReplyFormat) {
  ReplenishPage ok{
      ProblemPlateIndex::kOk, 2, {{"粤B12345", {"missing_enter"}}, {"粤B22222", {"missing_exit"}}}};
  EXPECT_EQ(ReplenishReply("c492c59ab3b6eec618f2ba80974110e0", ok, 1763632800000),
            R"({"code":0,"message":"成功","timestamp":1763632800000,"data":[{"parkCode":)"
            R"("c492c59ab3b6eec618f2ba80974110e0","plateNoList":["粤B12345","粤B22222"]}]})"
            "\n");
  ReplenishPage past{ProblemPlateIndex::kNoSuchPage, 2, {}};
  EXPECT_EQ(ReplenishReply("p", past, 1),
            R"({"code":1107,"message":"指定页码不存在","timestamp":1,"data":[]})"
            "\n");
  ReplenishPage bad{ProblemPlateIndex::kBadParameters, 0, {}};
  EXPECT_EQ(ReplenishReply("p", bad, 1), R"({"code":4,"message":"参数错误","timestamp":1,"data":[]})"
                                         "\n");
}

// Rows as the reconciler emits them while serving, teed into the live index.
TEST(LiveProblemPlatesTest, AnswersFromTheReconcilersRowsAsTheyCome) {
  LiveProblemPlates live;
  testing::TableCapture unused;
  ParkingReconciler reconciler(unused, live, unused);
  testing::RecordSet in;
  in.Add(ingest::Platform::kParking, "parkCarInfo",
         R"({"parkCode":"c492c59ab3b6eec618f2ba80974110e0","plateNoList":"粤B00001,粤B00002"})",
         ParseDateTime("2026-11-20 10:00:00")->ToEpochMillis());
  in.Add(ingest::Platform::kParking, "parkCarInfo",
         R"({"parkCode":"c492c59ab3b6eec618f2ba80974110e0","plateNoList":"粤B00003"})",
         ParseDateTime("2026-11-20 11:00:00")->ToEpochMillis());
  EXPECT_EQ(live.Page(kLot, kDay, 1, 10).total, 0);
  reconciler.OnBatch(in.Pointers());
  reconciler.Flush();
  const ReplenishPage page = live.Page(kLot, kDay, 1, 10);
  EXPECT_EQ(page.code, ProblemPlateIndex::kOk);
  EXPECT_EQ(page.plates, (std::vector<ProblemPlate>{{Plate(1), {"missing_exit"}},
                                                    {Plate(2), {"missing_exit"}},
                                                    {"粤B00003", {"missing_enter"}}}));
  EXPECT_EQ(live.plates(), 3u);
}

TEST(LiveProblemPlatesTest, ReadsCellsByTheTablesColumnsAndAnswersTheHttpReply) {
  LiveProblemPlates live;
  const std::string_view row[] = {kLot, kDay, "粤B12345", "missing_enter", "2026-11-20 12:00:00"};
  live.Row(row);
  const std::string_view again[] = {kLot, kDay, "粤B12345", "missing_exit", "2026-11-20 13:00:00"};
  live.Row(again);
  EXPECT_EQ(live.Page(kLot, kDay, 1, 50).plates,
            (std::vector<ProblemPlate>{{"粤B12345", {"missing_enter", "missing_exit"}}}));
  const ingest::parking::ReplenishAnswer ok = live.Answer(kLot, kDay, 1, 50, 1763632800000);
  EXPECT_EQ(ok.code, 0);
  EXPECT_EQ(ok.reply, R"({"code":0,"message":"成功","timestamp":1763632800000,"data":[{"parkCode":)"
                      R"("c492c59ab3b6eec618f2ba80974110e0","plateNoList":["粤B12345"]}]})");
  const ingest::parking::ReplenishAnswer past = live.Answer(kLot, kDay, 2, 50, 5);
  EXPECT_EQ(past.code, ProblemPlateIndex::kNoSuchPage);
  EXPECT_EQ(past.reply, R"({"code":1107,"message":"指定页码不存在","timestamp":5,"data":[]})");
  EXPECT_EQ(live.Answer(kLot, kDay, 1, 51, 5).code, ProblemPlateIndex::kBadParameters);
}

TEST(LiveProblemPlatesTest, PagesWhileRowsArrive) {
  LiveProblemPlates live;
  constexpr int kPlates = 2000;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 1; i <= kPlates; ++i) {
      const std::string plate = Plate(i);
      const std::string_view row[] = {kLot, kDay, plate, "missing_exit", "2026-11-20 12:00:00"};
      live.Row(row);
    }
    done = true;
  });
  std::vector<std::thread> readers;
  std::atomic<int> inconsistent{0};
  for (int r = 0; r < 3; ++r)
    readers.emplace_back([&] {
      int64_t last_total = 0;
      while (!done) {
        const ReplenishPage page = live.Page(kLot, kDay, 1, 50);
        // Totals only grow, and a page is never longer than the total.
        if (page.total < last_total || static_cast<int64_t>(page.plates.size()) > page.total) ++inconsistent;
        last_total = page.total;
      }
    });
  writer.join();
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_EQ(live.Page(kLot, kDay, 1, 50).total, kPlates);
  EXPECT_EQ(live.Page(kLot, kDay, kPlates / 50, 50).plates.back().plate_no, Plate(kPlates));
}

}  // namespace
}  // namespace civicflow::operators
