#include "engine/cli/replay.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "operators/tables.h"
#include "storage/segments/segment_reader.h"
#include "tests/support/records.h"

namespace civicflow {
namespace {

namespace fs = std::filesystem;

std::string Line(std::string_view platform, std::string_view interface, const std::string& body) {
  return std::string(R"({"platform":")") + std::string(platform) + R"(","interface":")" +
         std::string(interface) + R"(","ts":1763632800000,"body":)" + body + "}\n";
}

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("civicflow-replay-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }

  std::string Archive(const std::string& content) {
    const std::string path = (dir_ / "archive.ndjson").string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // SUM(entries) per (platform, site, hour, source) over flow_hourly's segments.
  std::map<std::string, int64_t> FlowTotals(const std::string& data_dir) {
    const operators::TableSchema& flow = operators::Schema(operators::Table::kFlowHourly);
    auto rows = storage::ReadTableRows(data_dir, flow.name, flow.columns);
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    std::map<std::string, int64_t> totals;
    for (const storage::TextRow& row : rows.ok() ? *rows : std::vector<storage::TextRow>{})
      totals[row[0] + "," + row[1] + "," + row[2] + "," + row[3]] += std::stoll(row[4]);
    return totals;
  }

  fs::path dir_;
};

std::string SampleArchive() {
  using testing::BinocularFlow;
  using testing::EnterRecord;
  std::string a;
  for (int lot = 0; lot < 20; ++lot) {
    const std::string park = std::string(30, 'a') + (lot < 10 ? "0" : "") + std::to_string(lot);
    std::string batch = "[";
    for (int i = 0; i < 30; ++i) {
      if (i) batch += ",";
      batch += EnterRecord(static_cast<uint64_t>(lot * 1000 + i), "粤B1234" + std::to_string(i % 10),
                           "2026-11-20 1" + std::to_string(i % 10) + ":00:00", park);
    }
    a += Line("parking", "enterRecord", batch + "]");
  }
  a += Line("fitness", "syncBinocularFlowData", BinocularFlow("440305001", "2026-11-20 18:00:00", 128));
  a += Line("fitness", "syncBinocularFlowData",
            BinocularFlow("440305001", "2026-11-20 18:00:00", 128));  // dup
  a += Line("fitness", "syncBinocularFlowData", BinocularFlow("440305001", "2026-11-20 19:00:00", 64));
  a += Line("fitness", "syncBinocularFlowData",
            BinocularFlow("440305001", "2026-11-20 19:00:00", 99));                          // correction
  a += Line("parking", "enterRecord", EnterRecord(0xbad, "B12345", "2026-11-20 18:00:00"));  // bad plate
  a += "{not json\n";
  return a;
}

TEST_F(ReplayTest, CountsAcceptedRejectedDuplicatesAndWritesOutputs) {
  ReplayOptions options;
  options.data_dir = (dir_ / "data").string();
  options.files = {Archive(SampleArchive())};
  auto report = RunReplay(options);
  ASSERT_TRUE(report.ok()) << report.status().message();
  const auto& registry = ingest::Registry::Get();
  const auto enter = registry.IdOf(*registry.Find(ingest::Platform::kParking, "enterRecord"));
  const auto bino = registry.IdOf(*registry.Find(ingest::Platform::kFitness, "syncBinocularFlowData"));
  EXPECT_EQ(report->by_interface[enter].accepted, 600u);
  EXPECT_EQ(report->by_interface[enter].rejected, 1u);
  EXPECT_EQ(report->by_interface[bino].accepted, 3u);
  EXPECT_EQ(report->by_interface[bino].duplicates, 1u);
  EXPECT_EQ(report->by_interface[bino].corrections, 1u);
  EXPECT_EQ(report->rejected_unknown, 1u);

  const auto flow = FlowTotals(options.data_dir);
  EXPECT_EQ(flow.at("fitness,440305001,2026-11-20 17:00:00,binocular"), 128);
  EXPECT_EQ(flow.at("parking," + std::string(30, 'a') + "07,2026-11-20 13:00:00,parking_enter"), 3);
  int64_t parking = 0;
  for (const auto& [key, n] : flow) parking += key.starts_with("parking,") ? n : 0;
  EXPECT_EQ(parking, 600);

  std::ifstream letters(fs::path(options.data_dir) / "dead-letter.ndjson");
  std::stringstream text;
  text << letters.rdbuf();
  EXPECT_NE(text.str().find("plateNo: bad_format"), std::string::npos) << text.str();
  EXPECT_TRUE(fs::exists(fs::path(options.data_dir) / "replay-summary.json"));
}

TEST_F(ReplayTest, ShardCountDoesNotChangeTheResults) {
  const std::string archive = Archive(SampleArchive());
  std::map<std::string, int64_t> first;
  for (uint32_t shards : {1u, 2u, 8u}) {
    ReplayOptions options;
    options.data_dir = (dir_ / ("shards-" + std::to_string(shards))).string();
    options.files = {archive};
    options.shards = shards;
    options.block_bytes = 4096;  // many chunks
    auto report = RunReplay(options);
    ASSERT_TRUE(report.ok());
    const auto flow = FlowTotals(options.data_dir);
    if (first.empty()) first = flow;
    EXPECT_EQ(flow, first) << shards << " shards";
  }
}

TEST_F(ReplayTest, FailsOnlyWhenAFileIsUnreadable) {
  ReplayOptions options;
  options.data_dir = (dir_ / "data").string();
  options.files = {Archive("garbage\n"), (dir_ / "missing.ndjson").string()};
  auto report = RunReplay(options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("missing.ndjson"), std::string::npos);
  options.files.pop_back();
  EXPECT_TRUE(RunReplay(options).ok());
}

}  // namespace
}  // namespace civicflow
