// DuckDB as the real reader of our Parquet files: tests/storage/parquet/
// duckdb_read.mjs (npm @duckdb/node-api, scripts/setup-node.sh) prints what
// DuckDB sees as JSON; these tests hold it against what we wrote. If node or
// DuckDB is missing, they fail: they are the proof that others can read us.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/parquet/parquet_reader.h"
#include "storage/parquet/parquet_writer.h"

namespace civicflow::storage::parquet {
namespace {

namespace fs = std::filesystem;

const std::vector<ColumnSpec> kColumns = {
    {"id", ColumnType::kInt64, false},    {"site", ColumnType::kString, true},
    {"flow", ColumnType::kInt32, true},   {"energy", ColumnType::kDouble, true},
    {"open", ColumnType::kBool, true},    {"day", ColumnType::kDate, true},
    {"at", ColumnType::kTimestamp, true}, {"plate", ColumnType::kString, true},
};
const std::vector<std::string> kDuckDbTypes = {"BIGINT",  "VARCHAR", "INTEGER",   "DOUBLE",
                                               "BOOLEAN", "DATE",    "TIMESTAMP", "VARCHAR"};

// Row i as text cells: low-cardinality columns (dictionary) and a unique
// plate per row (PLAIN once the dictionary limit is passed); nulls scattered.
std::vector<std::string> TextRow(int i) {
  auto null_every = [&](int k, std::string v) { return i % k == 1 ? std::string() : std::move(v); };
  char at[32];
  std::snprintf(at, sizeof at, "2026-03-%02d %02d:%02d:%02d", 1 + i % 28, i % 24, (i * 7) % 60,
                (i * 13) % 60);
  char day[16];
  std::snprintf(day, sizeof day, "2025-12-%02d", 1 + i % 31);
  return {
      std::to_string(i),
      null_every(7, "体育馆-" + std::to_string(i % 12)),
      null_every(5, std::to_string((i % 50) * 3 - 20)),
      null_every(6, i % 4 == 0 ? std::to_string(i / 4 - 100) : std::to_string(i % 97) + ".125"),
      null_every(9, i % 3 ? "true" : "false"),
      null_every(4, day),
      null_every(8, at),
      null_every(3, "粤B" + std::to_string(100000 + i * 7)),
  };
}

struct DuckDbView {
  std::string json;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
};

fs::path TempDir() {
  const fs::path dir = fs::temp_directory_path() / ("civicflow_parquet_duckdb_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

// Runs duckdb_read.mjs on `file`; fails the test if DuckDB cannot be run.
bool ReadWithDuckDb(const fs::path& file, DuckDbView* view) {
  const std::string script = std::string(CIVICFLOW_SOURCE_DIR) + "/tests/storage/parquet/duckdb_read.mjs";
  const std::string command = "node '" + script + "' '" + file.string() + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run: " << command;
    return false;
  }
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) view->json.append(buf, n);
  const int status = ::pclose(pipe);
  if (status != 0) {
    ADD_FAILURE() << "DuckDB (node + @duckdb/node-api) is needed: run scripts/setup-node.sh\n"
                  << command << " exited with " << status << ":\n"
                  << view->json.substr(0, 4000);
    return false;
  }
  auto parsed = view->parser.parse(view->json);
  if (parsed.error()) {
    ADD_FAILURE() << "not JSON: " << view->json.substr(0, 2000);
    return false;
  }
  view->root = parsed.value();
  return true;
}

std::string Text(simdjson::dom::element e) {
  if (e.is_null()) return "";
  if (e.is_string()) return std::string(std::string_view(e.get_string()));
  return simdjson::to_string(e);
}

std::unique_ptr<ParquetWriter> Writer(const fs::path& path, const ParquetWriterOptions& options) {
  auto writer = ParquetWriter::Create(path, kColumns, options);
  EXPECT_TRUE(writer.ok()) << writer.status().message();
  return writer.ok() ? std::move(writer.value()) : nullptr;
}

// Writes `rows` text rows and checks DuckDB sees types, values, nulls and our metadata.
void CheckFile(const fs::path& path, const ParquetWriterOptions& options, int rows, const char* compression) {
  auto writer = Writer(path, options);
  ASSERT_TRUE(writer);
  std::vector<std::vector<std::string>> expected;
  for (int i = 0; i < rows; ++i) {
    expected.push_back(TextRow(i));
    std::vector<std::string_view> cells(expected.back().begin(), expected.back().end());
    ASSERT_TRUE(writer->AppendTextRow(cells).ok());
  }
  auto stats = writer->Close();
  ASSERT_TRUE(stats.ok()) << stats.status().message();

  DuckDbView duck;
  ASSERT_TRUE(ReadWithDuckDb(path, &duck));
  const auto& root = duck.root;

  // Types.
  simdjson::dom::array describe = root["describe"];
  ASSERT_EQ(describe.size(), kColumns.size());
  size_t c = 0;
  for (simdjson::dom::element column : describe) {
    EXPECT_EQ(std::string_view(column["name"]), kColumns[c].name);
    EXPECT_EQ(std::string_view(column["type"]), kDuckDbTypes[c]) << kColumns[c].name;
    ++c;
  }

  // Values and nulls, row by row, as VARCHAR (our text forms are DuckDB's).
  simdjson::dom::array got = root["rows"];
  ASSERT_EQ(got.size(), expected.size());
  size_t r = 0;
  for (simdjson::dom::element row : got) {
    simdjson::dom::array cells = row;
    c = 0;
    for (simdjson::dom::element cell : cells) {
      EXPECT_EQ(cell.is_null(), expected[r][c].empty()) << "row " << r << " column " << kColumns[c].name;
      if (kColumns[c].type == ColumnType::kDouble && !cell.is_null()) {
        // DuckDB prints whole doubles as "7.0", we as "7" (as TableSink rows do).
        EXPECT_EQ(std::stod(Text(cell)), std::stod(expected[r][c])) << "row " << r;
      } else {
        EXPECT_EQ(Text(cell), expected[r][c]) << "row " << r << " column " << kColumns[c].name;
      }
      ++c;
    }
    ++r;
  }
  EXPECT_EQ(int64_t(root["counts"]["rows"]), rows);
  c = 0;
  for (simdjson::dom::element non_null : root["counts"]["non_null"].get_array()) {
    int64_t want = 0;
    for (const auto& row : expected) want += !row[c].empty();
    EXPECT_EQ(int64_t(non_null), want) << kColumns[c].name;
    ++c;
  }

  // parquet_metadata(): codec, encodings and our statistics, per column chunk.
  auto reader = ParquetReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  ASSERT_TRUE((*reader)->Verify().ok());
  const auto& groups = (*reader)->row_groups();
  EXPECT_EQ(int64_t(root["file_metadata"]["num_row_groups"]), static_cast<int64_t>(groups.size()));
  EXPECT_EQ(int64_t(root["file_metadata"]["num_rows"]), rows);
  EXPECT_EQ(std::string_view(root["file_metadata"]["created_by"]), "civicflow");
  simdjson::dom::array metadata = root["metadata"];
  ASSERT_EQ(metadata.size(), groups.size() * kColumns.size());
  for (simdjson::dom::element m : metadata) {
    const auto g = static_cast<size_t>(int64_t(m["row_group"]));
    c = static_cast<size_t>(int64_t(m["column"]));
    ASSERT_LT(g, groups.size());
    ASSERT_LT(c, kColumns.size());
    const ColumnChunkInfo& ours = groups[g].columns[c];
    const std::string where = "row group " + std::to_string(g) + " column " + kColumns[c].name;
    EXPECT_EQ(std::string_view(m["compression"]), compression) << where;
    EXPECT_EQ(int64_t(m["num_values"]), groups[g].num_rows) << where;
    EXPECT_EQ(int64_t(m["null_count"]), ours.null_count.value()) << where;
    const std::string encodings = Text(m["encodings"]);
    EXPECT_EQ(encodings.find("RLE_DICTIONARY") != std::string::npos, ours.dictionary_page_offset.has_value())
        << where << ": " << encodings;
    ASSERT_TRUE(ours.min_value && ours.max_value) << where;
    const Value min = StatisticValue(kColumns[c].type, *ours.min_value);
    const Value max = StatisticValue(kColumns[c].type, *ours.max_value);
    if (kColumns[c].type == ColumnType::kDouble) {
      EXPECT_EQ(std::stod(Text(m["stats_min_value"])), std::get<double>(min)) << where;
      EXPECT_EQ(std::stod(Text(m["stats_max_value"])), std::get<double>(max)) << where;
    } else {
      EXPECT_EQ(Text(m["stats_min_value"]), ValueText(kColumns[c].type, min)) << where;
      EXPECT_EQ(Text(m["stats_max_value"]), ValueText(kColumns[c].type, max)) << where;
    }
  }
  // And the statistics are right: DuckDB's own min/max over the rows of the first row group.
  const ColumnChunkInfo& flow = groups[0].columns[2];
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (int i = 0; i < groups[0].num_rows; ++i) {
    if (expected[i][2].empty()) continue;
    lo = std::min<int64_t>(lo, std::stoll(expected[i][2]));
    hi = std::max<int64_t>(hi, std::stoll(expected[i][2]));
  }
  EXPECT_EQ(std::get<int64_t>(StatisticValue(ColumnType::kInt32, *flow.min_value)), lo);
  EXPECT_EQ(std::get<int64_t>(StatisticValue(ColumnType::kInt32, *flow.max_value)), hi);
}

TEST(ParquetDuckDb, ZstdDictionaryAndPlainSeveralRowGroups) {
  const fs::path dir = TempDir();
  ParquetWriterOptions options;
  options.row_group_rows = 1500;
  options.page_bytes = 4096;            // several data pages per chunk
  options.max_dictionary_entries = 64;  // 'plate' and 'id' fall back to PLAIN
  CheckFile(dir / "zstd.parquet", options, 4000, "ZSTD");
  fs::remove_all(dir);
}

TEST(ParquetDuckDb, UncompressedWithoutDictionaries) {
  const fs::path dir = TempDir();
  ParquetWriterOptions options;
  options.codec = Codec::kUncompressed;
  options.dictionary = false;
  CheckFile(dir / "plain.parquet", options, 700, "UNCOMPRESSED");
  fs::remove_all(dir);
}

TEST(ParquetDuckDb, TypedAppendsAndAggregates) {
  // Typed appends (no text), checked through DuckDB's own aggregates.
  const fs::path dir = TempDir();
  const fs::path path = dir / "typed.parquet";
  auto writer = Writer(path, {});
  ASSERT_TRUE(writer);
  for (int i = 0; i < 1000; ++i) {
    writer->AppendInt(0, i);
    writer->AppendString(1, i % 2 ? "A" : "B");
    i % 10 == 0 ? writer->AppendNull(2) : writer->AppendInt(2, i);
    writer->AppendDouble(3, i / 8.0);
    writer->AppendBool(4, i % 4 == 0);
    writer->AppendDate(5,
                       LocalTime{DaysFromCivil(2026, 1, 1) * LocalTime::kDay} + (i % 100) * LocalTime::kDay);
    writer->AppendTimestamp(6, LocalTime{DaysFromCivil(2026, 1, 1) * LocalTime::kDay} + i * 3600);
    writer->AppendNull(7);
    ASSERT_TRUE(writer->EndRow().ok());
  }
  ASSERT_TRUE(writer->Close().ok());
  DuckDbView duck;
  ASSERT_TRUE(ReadWithDuckDb(path, &duck));
  simdjson::dom::array rows = duck.root["rows"];
  ASSERT_EQ(rows.size(), 1000u);
  std::vector<int64_t> non_null;
  for (auto v : duck.root["counts"]["non_null"].get_array()) non_null.push_back(int64_t(v));
  EXPECT_EQ(non_null, (std::vector<int64_t>{1000, 1000, 900, 1000, 1000, 1000, 1000, 0}));
  simdjson::dom::array last = rows.at(999);
  EXPECT_EQ(Text(last.at(3)), "124.875");
  EXPECT_EQ(Text(last.at(5)), "2026-04-10");           // 2026-01-01 + 99 days
  EXPECT_EQ(Text(last.at(6)), "2026-02-11 15:00:00");  // 2026-01-01 + 999 h
  fs::remove_all(dir);
}

}  // namespace
}  // namespace civicflow::storage::parquet
