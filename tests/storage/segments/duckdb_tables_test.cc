// Every output table, as a replay of a generated archive wrote its
// segments, read by DuckDB (npm @duckdb/node-api) with hive partitioning:
// DuckDB's SUM per key of the additive tables and its rows of the others
// equal what our own reader gives. Fails if DuckDB cannot run.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <regex>

#include "engine/cli/replay.h"
#include "operators/tables.h"
#include "tests/support/table_compare.h"
#include "tools/datagen/generator.h"

namespace civicflow {
namespace {

namespace fs = std::filesystem;

std::string Quoted(std::string_view s, char quote) {
  std::string out(1, quote);
  for (char c : s) {
    if (c == quote) out += quote;
    out += c;
  }
  return out + quote;
}

// Rows of `sql` as DuckDB prints them; fails the test if node or DuckDB fails.
std::vector<testing::Row> DuckDb(const std::string& sql) {
  std::string shell_quoted = "'";
  for (char c : sql) shell_quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  shell_quoted += "'";
  const std::string command =
      "node " CIVICFLOW_SOURCE_DIR "/tests/storage/segments/duckdb_query.mjs " + shell_quoted;
  std::FILE* pipe = popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  std::string out;
  char buf[65536];
  for (size_t n; pipe && (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  const int status = pipe ? pclose(pipe) : -1;
  EXPECT_EQ(status, 0) << "DuckDB failed: " << command;
  std::vector<testing::Row> rows;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(out).get(doc)) {
    ADD_FAILURE() << "not JSON: " << out.substr(0, 200);
    return rows;
  }
  static const std::regex kWholeDouble("-?[0-9]+\\.0");
  for (simdjson::dom::element row : doc.get_array()) {
    testing::Row& r = rows.emplace_back();
    for (simdjson::dom::element cell : row.get_array()) {
      std::string text = cell.is_null() ? "" : std::string(cell.get_string().value());
      if (std::regex_match(text, kWholeDouble)) text.resize(text.size() - 2);  // DuckDB's "7.0" is our "7"
      r.push_back(std::move(text));
    }
  }
  return rows;
}

// DuckDB's view of a table: SUM per key when additive, every row otherwise.
std::string TableQuery(const fs::path& dir, const operators::TableSchema& schema) {
  const std::string files = Quoted((dir / "segments" / schema.name / "*" / "*.parquet").string(), '\'');
  std::string select, group;
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    const std::string column = Quoted(schema.columns[c], '"');
    const bool key = std::find(schema.key.begin(), schema.key.end(), schema.columns[c]) != schema.key.end();
    std::string value = column;
    if (!schema.key.empty() && !key)
      value = schema.types[c] == storage::ColumnType::kDecimal ? "ROUND(SUM(" + column + "), 6)"
                                                               : "SUM(" + column + ")";
    if (schema.types[c] == storage::ColumnType::kTimestamp)
      value = "strftime(" + value + ", '%Y-%m-%d %H:%M:%S')";
    if (!select.empty()) select += ", ";
    select += "CAST(" + value + " AS VARCHAR)";
    if (key) group += (group.empty() ? "" : ", ") + column;
  }
  std::string sql = "SELECT " + select + " FROM read_parquet(" + files + ", hive_partitioning = true)";
  if (!schema.key.empty()) sql += " GROUP BY " + group;
  return sql;
}

TEST(DuckDbTablesTest, DuckDbReadsEveryTableAsWeDo) {
  const fs::path dir = fs::temp_directory_path() / ("civicflow-duckdb-tables-" + std::to_string(getpid()));
  fs::remove_all(dir);
  datagen::GeneratorOptions generate;
  generate.out_path = (dir / "archive.ndjson").string();
  generate.records = 20'000;
  generate.seed = 5;
  generate.duplicate_rate = 0.02;
  generate.correction_rate = 0.01;
  generate.late_rate = 0.02;
  fs::create_directories(dir);
  ASSERT_TRUE(datagen::Generate(generate).ok());
  ReplayOptions replay;
  replay.data_dir = (dir / "data").string();
  replay.files = {generate.out_path};
  ASSERT_TRUE(RunReplay(replay).ok());

  for (size_t t = 0; t < operators::kTableCount; ++t) {
    const operators::TableSchema& schema = operators::Schema(static_cast<operators::Table>(t));
    testing::Loaded ours = testing::LoadTable(dir / "data", schema);
    for (const std::string& p : ours.problems) ADD_FAILURE() << p;
    ASSERT_FALSE(ours.rows.empty()) << schema.name << ": the archive must give every table rows";
    const std::vector<testing::Row> duck = DuckDb(TableQuery(dir / "data", schema));
    const std::string difference = testing::CompareTable(schema, duck, ours.rows, "DuckDB", "civicflow");
    EXPECT_TRUE(difference.empty()) << schema.name << ": " << difference;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace civicflow
