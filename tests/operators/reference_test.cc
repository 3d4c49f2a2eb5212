// The output tables of `civicflow replay` against the reference implementation
// (tests/operators/reference), which computes them straight from the contract in
// operators/README.md. One archive of a million records with every fault the
// generator knows (duplicates, corrections, late and invalid uploads, missing
// parking records, disorder) is generated once, replayed with 2 shards and
// recomputed by the reference; each table is its own test case. Additive tables
// are compared as SUM per key (the schema's key columns; keys whose sums are all
// zero dropped), the others as sorted multisets of rows. A second suite replays
// a smaller archive with 1, 2 and 8 shards: every table must come out the same.
#include "tests/operators/reference/reference.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "engine/base/local_time.h"
#include "engine/cli/replay.h"
#include "operators/tables.h"
#include "tests/support/table_compare.h"
#include "tools/datagen/generator.h"

namespace civicflow {
namespace operators {
// Test names and failure messages show the table's name.
void PrintTo(Table table, std::ostream* out) { *out << Schema(table).name; }
}  // namespace operators
namespace {

namespace fs = std::filesystem;
using operators::Schema;
using operators::Table;
using operators::TableSchema;
using testing::Columns;
using testing::CompareTable;
using testing::kShown;
using testing::Loaded;
using testing::LoadTable;
using testing::ReadFile;
using testing::Row;

std::vector<Table> AllTables() {
  std::vector<Table> tables;
  for (size_t t = 0; t < operators::kTableCount; ++t) tables.push_back(static_cast<Table>(t));
  return tables;
}

std::string TableName(const ::testing::TestParamInfo<Table>& info) {
  return std::string(Schema(info.param).name);
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

fs::path TestDir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("civicflow-reference-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

datagen::GeneratorOptions FaultyArchive(const fs::path& dir, uint64_t records, uint64_t seed) {
  datagen::GeneratorOptions options;
  options.out_path = (dir / "archive.ndjson").string();
  options.manifest_path = (dir / "manifest.json").string();
  options.records = records;
  options.seed = seed;
  options.duplicate_rate = 0.02;
  options.correction_rate = 0.01;
  options.late_rate = 0.01;
  options.invalid_rate = 0.01;
  options.missing_record_rate = 0.02;
  options.disorder_seconds = 600;
  return options;
}

// Replays `archive` with `shards` shards into `data_dir` and loads every table.
std::string ReplayTables(const std::string& archive, const fs::path& data_dir, uint32_t shards,
                         std::vector<Loaded>& tables) {
  ReplayOptions replay;
  replay.data_dir = data_dir.string();
  replay.files = {archive};
  replay.shards = shards;
  replay.threads = 2;
  auto report = RunReplay(replay);
  if (!report.ok()) return "replay failed: " + report.status().message();
  for (Table t : AllTables()) tables.push_back(LoadTable(data_dir, Schema(t)));
  return "";
}

// ---------------------------------------------------------------- replay vs reference

class ReferenceTest : public ::testing::TestWithParam<Table> {
 protected:
  static void SetUpTestSuite() {
    const auto started = std::chrono::steady_clock::now();
    dir_ = TestDir("million");
    const datagen::GeneratorOptions options = FaultyArchive(dir_, 1'000'000, 20261116);
    auto summary = datagen::Generate(options);
    if (!summary.ok()) {
      error_ = "generate: " + summary.status().message();
      return;
    }
    valid_records_ = summary->valid_records;
    const double generated = Seconds(started);
    replayed_ = new std::vector<Loaded>;
    if (std::string e = ReplayTables(options.out_path, dir_ / "data", 2, *replayed_); !e.empty()) {
      error_ = e;
      return;
    }
    const double replayed = Seconds(started);
    auto output = reference::ComputeTables({options.out_path});
    if (!output.ok()) {
      error_ = "reference: " + output.status().message();
      return;
    }
    expected_ = new reference::Output(std::move(*output));
    std::printf(
        "[ reference] %llu valid records: generated in %.1f s, replayed in %.1f s, reference in %.1f s\n",
        static_cast<unsigned long long>(valid_records_), generated, replayed - generated,
        Seconds(started) - replayed);
    fs::remove_all(dir_);
  }
  static void TearDownTestSuite() {
    fs::remove_all(dir_);
    delete replayed_;
    delete expected_;
    replayed_ = nullptr;
    expected_ = nullptr;
  }

  static inline fs::path dir_;
  static inline std::string error_;
  static inline uint64_t valid_records_ = 0;
  static inline std::vector<Loaded>* replayed_ = nullptr;  // by Table
  static inline reference::Output* expected_ = nullptr;
};

TEST_P(ReferenceTest, ReplayMatchesTheContract) {
  ASSERT_TRUE(error_.empty()) << error_;
  const TableSchema& schema = Schema(GetParam());
  const reference::Table& want = expected_->tables.at(std::string(schema.name));
  const Loaded& got = (*replayed_)[static_cast<size_t>(GetParam())];
  // The contract's columns are the schema's (operators/tables.cc).
  EXPECT_EQ(want.columns, Columns(schema));
  // The archive exercises the table at all.
  EXPECT_FALSE(want.rows.empty()) << "the reference computes no " << schema.name << " rows for this archive";
  for (size_t i = 0; i < std::min(kShown, got.problems.size()); ++i) ADD_FAILURE() << got.problems[i];
  const std::string difference = CompareTable(schema, got.rows, want.rows, "replay", "reference");
  EXPECT_TRUE(difference.empty()) << schema.name << ": " << difference;
}

INSTANTIATE_TEST_SUITE_P(Tables, ReferenceTest, ::testing::ValuesIn(AllTables()), TableName);

// The reference itself: it accepts, drops and corrects exactly what the generator's manifest says.
TEST(ReferenceSelfTest, CountsWhatTheManifestSays) {
  const fs::path dir = TestDir("manifest");
  const datagen::GeneratorOptions options = FaultyArchive(dir, 100'000, 5);
  ASSERT_TRUE(datagen::Generate(options).ok());
  auto output = reference::ComputeTables({options.out_path});
  ASSERT_TRUE(output.ok()) << output.status().message();
  simdjson::dom::parser parser;
  simdjson::dom::element manifest;
  const std::string text = ReadFile(options.manifest_path);
  ASSERT_EQ(parser.parse(text).get(manifest), simdjson::SUCCESS);
  simdjson::dom::object interfaces;
  ASSERT_EQ(manifest["interfaces"].get(interfaces), simdjson::SUCCESS);
  std::map<std::string, reference::Counts> expected;
  for (auto [name, counts] : interfaces) {
    reference::Counts& c = expected[std::string(name)];
    c.accepted = counts["accepted"].get_uint64();
    c.duplicates = counts["duplicates"].get_uint64();
    c.corrections = counts["corrections"].get_uint64();
  }
  uint64_t duplicates = 0, corrections = 0;
  for (const auto& [name, want] : expected) {
    const reference::Counts got =
        output->interfaces.contains(name) ? output->interfaces.at(name) : reference::Counts{};
    EXPECT_EQ(got.accepted, want.accepted) << name;
    EXPECT_EQ(got.duplicates, want.duplicates) << name;
    EXPECT_EQ(got.corrections, want.corrections) << name;
    duplicates += got.duplicates;
    corrections += got.corrections;
  }
  for (const auto& [name, got] : output->interfaces) EXPECT_TRUE(expected.contains(name)) << name;
  EXPECT_GT(duplicates, 0u);
  EXPECT_GT(corrections, 0u);
  fs::remove_all(dir);
}

// Worked examples of the contract's rules, on a hand-written archive.
TEST(ReferenceSelfTest, ReconcilesPlateListsAsTheContractSays) {
  const fs::path dir = TestDir("lists");
  const std::string lot = "0123456789abcdef0123456789abcdef";
  auto ms = [](const char* time) { return ParseDateTime(time)->ToEpochMillis(); };
  auto line = [&](const char* interface, int64_t ts, const std::string& body) {
    return "{\"platform\":\"parking\",\"interface\":\"" + std::string(interface) +
           "\",\"ts\":" + std::to_string(ts) + ",\"body\":[" + body + "]}\n";
  };
  auto list = [&](const char* time, const char* plates) {
    return line("parkCarInfo", ms(time), "{\"parkCode\":\"" + lot + "\",\"plateNoList\":\"" + plates + "\"}");
  };
  auto record = [&](const char* interface, const char* id, const char* plate, const char* time) {
    const bool enter = std::string_view(interface) == "enterRecord";
    return line(interface, ms(time),
                "{\"parkCode\":\"" + lot + "\",\"id\":\"" + std::string(id) + "\",\"plateNo\":\"" + plate +
                    "\",\"" + (enter ? "enterTime" : "leaveTime") + "\":\"" + time + "\",\"" +
                    (enter ? "entryCarPhotoId\":\"P1\",\"entranceCode\":\"E1\""
                           : "exitCarPhotoId\":\"P2\",\"exitCode\":\"E1\"") +
                    "}");
  };
  const char* a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  const char* b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  const char* c = "cccccccccccccccccccccccccccccccc";
  const char* d = "dddddddddddddddddddddddddddddddd";
  std::string archive;
  archive += list("2026-11-20 10:00:00", " 粤B12345 ,粤B12346,,粤B12345");  // baseline: 2 plates
  archive += line("parkSpaceInfo", ms("2026-11-20 10:00:00"),
                  "{\"parkCode\":\"" + lot +
                      "\",\"usedStalls\":3,\"reservedStalls\":0,\"usedCharingStalls\":0,\"unusedStalls\":9,"
                      "\"unusedReservableStalls\":0,\"unusedCharingStalls\":0}");
  archive += record("enterRecord", a, "粤B20000", "2026-11-20 10:20:00");
  archive += record("exitRecord", b, "粤B12345", "2026-11-20 10:30:00");
  archive += record("enterRecord", c, "粤B30000", "2026-11-20 11:00:00");  // at the list time: counts
  archive += list("2026-11-20 11:00:00", "粤B12346,粤B20000,粤B40000");
  archive += record("enterRecord", d, "粤B50000", "2026-11-20 11:10:00");  // lot watermark: 11:10
  archive += record("exitRecord", a, "粤B20000", "2026-11-20 10:59:00");   // too late: 11:00 reconciled
  const std::string path = (dir / "archive.ndjson").string();
  std::ofstream(path, std::ios::binary) << archive;
  auto output = reference::ComputeTables({path});
  ASSERT_TRUE(output.ok());
  const auto& rows = output->tables.at("parking_reconciliation").rows;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (Row{lot, "2026-11-20 10:00:00", "2", "2", "0", "0", "3", "1", "true"}));
  // T = {12345, 12346} + 20000 − 12345 + 30000 = {12346, 20000, 30000}; L = {12346, 20000, 40000}.
  EXPECT_EQ(rows[1], (Row{lot, "2026-11-20 11:00:00", "3", "3", "1", "1", "3", "0", "false"}));
  EXPECT_EQ(output->tables.at("parking_problem_plates").rows,
            (std::vector<Row>{{lot, "2026-11-20", "粤B40000", "missing_enter", "2026-11-20 11:00:00"},
                              {lot, "2026-11-20", "粤B30000", "missing_exit", "2026-11-20 11:00:00"}}));
  fs::remove_all(dir);
}

// ---------------------------------------------------------------- shard-count independence

class ShardCountTest : public ::testing::TestWithParam<Table> {
 protected:
  static void SetUpTestSuite() {
    dir_ = TestDir("shards");
    const datagen::GeneratorOptions options = FaultyArchive(dir_, 200'000, 77);
    if (auto summary = datagen::Generate(options); !summary.ok()) {
      error_ = "generate: " + summary.status().message();
      return;
    }
    runs_ = new std::map<uint32_t, std::vector<Loaded>>;
    for (uint32_t shards : {1u, 2u, 8u}) {
      const fs::path data = dir_ / ("data-" + std::to_string(shards));
      if (std::string e = ReplayTables(options.out_path, data, shards, (*runs_)[shards]); !e.empty()) {
        error_ = e;
        return;
      }
      fs::remove_all(data);
    }
    fs::remove_all(dir_);
  }
  static void TearDownTestSuite() {
    fs::remove_all(dir_);
    delete runs_;
    runs_ = nullptr;
  }
  static inline fs::path dir_;
  static inline std::string error_;
  static inline std::map<uint32_t, std::vector<Loaded>>* runs_ = nullptr;  // shards → tables
};

TEST_P(ShardCountTest, SameTableOnOneTwoAndEightShards) {
  ASSERT_TRUE(error_.empty()) << error_;
  const TableSchema& schema = Schema(GetParam());
  const auto t = static_cast<size_t>(GetParam());
  const std::vector<Row>& one = (*runs_)[1][t].rows;
  for (uint32_t shards : {2u, 8u}) {
    const std::string name = std::to_string(shards) + " shards";
    const std::string difference = CompareTable(schema, (*runs_)[shards][t].rows, one, name, "1 shard");
    EXPECT_TRUE(difference.empty()) << schema.name << ": " << difference;
  }
}

INSTANTIATE_TEST_SUITE_P(Tables, ShardCountTest, ::testing::ValuesIn(AllTables()), TableName);

}  // namespace
}  // namespace civicflow
