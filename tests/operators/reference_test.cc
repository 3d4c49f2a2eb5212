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
#include "storage/csv_reader.h"
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
using Row = std::vector<std::string>;

constexpr size_t kShown = 10;  // differences shown per table

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

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<Row> ParseCsv(std::string_view text) {
  std::vector<Row> rows;
  EXPECT_TRUE(storage::ParseCsv(text, rows)) << "unterminated quote";
  return rows;
}

std::string Join(const Row& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + cells[i];
  return out;
}

Row Columns(const TableSchema& schema) { return Row(schema.columns.begin(), schema.columns.end()); }

// A table as replay wrote it: the rows of every part file, and what was wrong with the files.
struct Loaded {
  std::vector<Row> rows;
  std::vector<std::string> problems;
};

Loaded LoadTable(const fs::path& data_dir, const TableSchema& schema) {
  Loaded out;
  const fs::path dir = data_dir / "tables" / schema.name;
  std::vector<fs::path> parts;
  if (fs::is_directory(dir))
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.path().filename().string().starts_with("part-")) parts.push_back(entry.path());
  std::sort(parts.begin(), parts.end());
  if (parts.empty()) out.problems.push_back("no part files in " + dir.string());
  for (const fs::path& part : parts) {
    std::vector<Row> rows = ParseCsv(ReadFile(part));
    if (rows.empty() || rows[0] != Columns(schema)) {
      out.problems.push_back(part.filename().string() + ": header is not " + Join(Columns(schema)));
      continue;
    }
    for (size_t i = 1; i < rows.size(); ++i) {
      if (rows[i].size() != schema.columns.size()) {
        out.problems.push_back(part.filename().string() + " row " + std::to_string(i) + " has " +
                               std::to_string(rows[i].size()) + " cells: " + Join(rows[i]));
        continue;
      }
      out.rows.push_back(std::move(rows[i]));
    }
  }
  return out;
}

// "-12.5" → -12'500'000 (6 decimals); nullopt unless it is a plain decimal.
std::optional<int64_t> ParseFixed6(std::string_view s) {
  const bool negative = s.starts_with('-');
  if (negative) s.remove_prefix(1);
  const size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  auto digits = [](std::string_view d) {
    return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || whole.size() > 12 || !digits(whole) || fraction.size() > 6 || !digits(fraction) ||
      (dot != std::string_view::npos && fraction.empty()))
    return std::nullopt;
  int64_t v = 0;
  for (char c : whole) v = v * 10 + (c - '0');
  for (size_t i = 0; i < 6; ++i) v = v * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  return negative ? -v : v;
}

// An additive table reduced to SUM per key; keys whose sums are all zero are dropped.
struct Reduced {
  std::map<Row, std::vector<int64_t>> sums;
  std::vector<std::string> problems;  // cells that are not canonical decimals
};

Reduced Reduce(const TableSchema& schema, const std::vector<Row>& rows) {
  std::vector<size_t> keys, values;
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    const bool is_key =
        std::find(schema.key.begin(), schema.key.end(), schema.columns[c]) != schema.key.end();
    (is_key ? keys : values).push_back(c);
  }
  Reduced out;
  for (const Row& row : rows) {
    Row key;
    for (size_t c : keys) key.push_back(row[c]);
    auto& sum = out.sums.try_emplace(key, values.size(), 0).first->second;
    for (size_t i = 0; i < values.size(); ++i) {
      const std::string& cell = row[values[i]];
      const std::optional<int64_t> v = ParseFixed6(cell);
      // Decimals are written exactly, without trailing zeros: "356.75", "5".
      if ((!v || reference::FormatFixed6(*v) != cell) && out.problems.size() < kShown)
        out.problems.push_back(std::string(schema.columns[values[i]]) + " \"" + cell + "\" in " + Join(row));
      sum[i] += v.value_or(0);
    }
  }
  std::erase_if(out.sums, [](const auto& entry) {
    return std::all_of(entry.second.begin(), entry.second.end(), [](int64_t v) { return v == 0; });
  });
  return out;
}

std::string Values(const TableSchema& schema, const std::vector<int64_t>* sums) {
  if (!sums) return "(no row)";
  std::string out;
  size_t i = 0;
  for (std::string_view column : schema.columns) {
    if (std::find(schema.key.begin(), schema.key.end(), column) != schema.key.end()) continue;
    out += (i ? " " : "") + std::string(column) + "=" + reference::FormatFixed6((*sums)[i]);
    ++i;
  }
  return out;
}

// Empty when equal; else how many keys differ and the first few, with both values.
std::string CompareSums(const TableSchema& schema, const Reduced& got, const Reduced& want,
                        std::string_view got_name, std::string_view want_name) {
  std::vector<Row> keys;
  for (const auto& [key, sums] : got.sums) keys.push_back(key);
  for (const auto& [key, sums] : want.sums)
    if (!got.sums.contains(key)) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  size_t differ = 0, only_got = 0, only_want = 0;
  std::string shown;
  for (const Row& key : keys) {
    const auto g = got.sums.find(key), w = want.sums.find(key);
    const std::vector<int64_t>* gv = g == got.sums.end() ? nullptr : &g->second;
    const std::vector<int64_t>* wv = w == want.sums.end() ? nullptr : &w->second;
    if (gv && wv && *gv == *wv) continue;
    ++differ;
    only_got += !wv;
    only_want += !gv;
    if (differ <= kShown)
      shown += "\n  key (" + Join(key) + "): " + std::string(got_name) + " " + Values(schema, gv) + " | " +
               std::string(want_name) + " " + Values(schema, wv);
  }
  if (!differ) return "";
  return std::to_string(differ) + " of " + std::to_string(keys.size()) + " keys differ (" +
         std::to_string(only_want) + " only in " + std::string(want_name) + ", " + std::to_string(only_got) +
         " only in " + std::string(got_name) + "); " + std::string(want_name) + " has " +
         std::to_string(want.sums.size()) + " keys, " + std::string(got_name) + " " +
         std::to_string(got.sums.size()) + ". First keys:" + shown;
}

// Empty when the two are the same multiset of rows; else the first rows found in one only.
std::string CompareRows(std::vector<Row> got, std::vector<Row> want, std::string_view got_name,
                        std::string_view want_name) {
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  std::vector<Row> only_got, only_want;
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(only_got));
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(only_want));
  if (only_got.empty() && only_want.empty()) return "";
  std::string out = std::string(want_name) + " has " + std::to_string(want.size()) + " rows, " +
                    std::string(got_name) + " " + std::to_string(got.size()) + "; " +
                    std::to_string(only_want.size()) + " only in " + std::string(want_name) + ", " +
                    std::to_string(only_got.size()) + " only in " + std::string(got_name) + ".";
  for (size_t i = 0; i < std::min(kShown, only_want.size()); ++i)
    out += "\n  only in " + std::string(want_name) + ": " + Join(only_want[i]);
  for (size_t i = 0; i < std::min(kShown, only_got.size()); ++i)
    out += "\n  only in " + std::string(got_name) + ": " + Join(only_got[i]);
  return out;
}

// Empty when `got` and `want` hold the same table content.
std::string CompareTable(const TableSchema& schema, const std::vector<Row>& got, const std::vector<Row>& want,
                         std::string_view got_name, std::string_view want_name) {
  if (schema.key.empty()) return CompareRows(got, want, got_name, want_name);
  const Reduced g = Reduce(schema, got), w = Reduce(schema, want);
  std::string out;
  for (const std::string& p : g.problems) out += std::string(got_name) + " writes a bad value: " + p + "\n";
  for (const std::string& p : w.problems) out += std::string(want_name) + " writes a bad value: " + p + "\n";
  return out + CompareSums(schema, g, w, got_name, want_name);
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
