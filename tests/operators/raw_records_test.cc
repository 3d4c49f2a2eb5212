// Raw record tables (operators/raw_records.h), table-driven over every
// interface of the registry: its example (tests/ingest/examples/) parsed by
// the real validator, written with our Parquet writer, read back with our
// reader, every cell held against the example's JSON itself; the flat JSON
// rows; column names; and DuckDB's view of the types.
#include "operators/raw_records.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ingest/registry/record_parser.h"
#include "ingest/registry/registry.h"
#include "storage/parquet/parquet_reader.h"
#include "storage/parquet/parquet_writer.h"
#include "tests/support/examples.h"

namespace civicflow::operators {
namespace {

namespace fs = std::filesystem;
namespace dom = simdjson::dom;
using ingest::FieldSpec;
using ingest::FieldType;
using ingest::InterfaceId;
using ingest::InterfaceSpec;
using ingest::Registry;
using storage::parquet::ColumnType;
using storage::parquet::ParquetReader;
using storage::parquet::ParquetWriter;
using Cell = storage::parquet::Value;

constexpr int64_t kRequestTs = 1'795'168'800'123;  // 2026-11-20 18:00:00.123 +08:00
constexpr int64_t kRequestMicros = (kRequestTs + 8 * 3'600'000) * 1000;

std::vector<InterfaceId> AllIds() {
  std::vector<InterfaceId> ids(Registry::Get().All().size());
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<InterfaceId>(i);
  return ids;
}

std::string ParamName(const ::testing::TestParamInfo<InterfaceId>& info) {
  std::string name;
  for (char c : RawTableOf(info.param).name) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

fs::path TempDir() {
  const fs::path dir = fs::temp_directory_path() / ("civicflow_raw_records_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The example's records, parsed by the real validator (the test fails on an error).
struct ParsedExample {
  std::string body;
  Arena arena;
  std::vector<ingest::Record> records;
};

void Parse(InterfaceId id, ParsedExample* out) {
  const InterfaceSpec& spec = Registry::Get().At(id);
  out->body = civicflow::testing::ExampleBody(spec.platform, spec.name);
  ASSERT_FALSE(out->body.empty()) << "no example for " << RawTableOf(id).name;
  const auto outcome = ingest::ParseBodyText(id, out->body, kRequestTs, out->arena, out->records);
  ASSERT_FALSE(outcome.error) << outcome.error->Message();
  ASSERT_FALSE(out->records.empty());
}

// ---- What a cell must be, from the example's JSON (not from the Record) ----

// The JSON value of `name` in `object`; nullopt when absent or null.
using Json = std::optional<dom::element>;
Json Member(dom::object object, std::string_view name) {
  dom::element e;
  if (object[name].get(e) || e.is_null()) return std::nullopt;
  return e;
}

bool Absent(const Json& e) { return !e.has_value(); }
bool Absent(dom::element e) { return e.is_null(); }

int64_t Micros(const std::string& text) {
  const auto t = text.size() == 16 ? ParseDateMinute(text) : ParseDateTime(text);
  EXPECT_TRUE(t) << text;
  return t ? t->seconds * 1'000'000 : 0;
}

double Number(dom::element e) {
  if (e.is_string()) return std::stod(std::string(std::string_view(e)));
  return e.is_double() ? double(e) : e.is_int64() ? double(int64_t(e)) : double(uint64_t(e));
}

// Our JSON of a nested value equals the example's: same keys (null members of
// the example are absent), numbers compared as numbers (Decimals may be sent
// as strings), everything else exactly.
::testing::AssertionResult SameJson(dom::element ours, dom::element theirs, const std::string& where) {
  if (theirs.is_object()) {
    if (!ours.is_object()) return ::testing::AssertionFailure() << where << ": not an object";
    size_t members = 0;
    for (auto [key, value] : dom::object(theirs)) {
      if (Absent(value)) continue;
      ++members;
      dom::element mine;
      if (dom::object(ours)[key].get(mine))
        return ::testing::AssertionFailure() << where << ": no key " << key;
      if (auto r = SameJson(mine, value, where + "." + std::string(key)); !r) return r;
    }
    if (dom::object(ours).size() != members)
      return ::testing::AssertionFailure()
             << where << ": " << dom::object(ours).size() << " keys, want " << members;
    return ::testing::AssertionSuccess();
  }
  if (theirs.is_array()) {
    if (!ours.is_array() || dom::array(ours).size() != dom::array(theirs).size())
      return ::testing::AssertionFailure() << where << ": not an array of the same size";
    size_t i = 0;
    for (dom::element value : dom::array(theirs)) {
      if (auto r = SameJson(dom::array(ours).at(i), value, where + "[" + std::to_string(i) + "]"); !r)
        return r;
      ++i;
    }
    return ::testing::AssertionSuccess();
  }
  if (ours.is_number() || theirs.is_number()) {
    if (Number(ours) == Number(theirs)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << where << ": " << simdjson::to_string(ours) << " != " << simdjson::to_string(theirs);
  }
  if (simdjson::to_string(ours) == simdjson::to_string(theirs)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << where << ": " << simdjson::to_string(ours) << " != " << simdjson::to_string(theirs);
}

// Checks one cell read back against the example's JSON value of its field.
void ExpectCell(const FieldSpec& field, const Json& present, const Cell& cell, const std::string& where) {
  if (!present) {
    EXPECT_TRUE(std::holds_alternative<std::monostate>(cell)) << where << ": want null";
    return;
  }
  const dom::element json = *present;
  ASSERT_FALSE(std::holds_alternative<std::monostate>(cell)) << where << ": null, want " << json;
  switch (field.type) {
    case FieldType::kString:
    case FieldType::kTime:
      EXPECT_EQ(std::get<std::string>(cell), std::string_view(json)) << where;
      return;
    case FieldType::kInt:
    case FieldType::kLong:
    case FieldType::kEpochMillis:
      EXPECT_EQ(std::get<int64_t>(cell), int64_t(json)) << where;
      return;
    case FieldType::kDecimal:
    case FieldType::kDouble:
      EXPECT_EQ(std::get<double>(cell), Number(json)) << where;
      return;
    case FieldType::kBool:
      EXPECT_EQ(std::get<bool>(cell), bool(json)) << where;
      return;
    case FieldType::kDate:
      EXPECT_EQ(std::get<int64_t>(cell), ParseDate(std::string_view(json))->seconds / LocalTime::kDay)
          << where;
      return;
    case FieldType::kDateTime:
    case FieldType::kDateMinute:
      EXPECT_EQ(std::get<int64_t>(cell), Micros(std::string(std::string_view(json)))) << where;
      return;
    case FieldType::kList:
    case FieldType::kObject:
    case FieldType::kStringList: {
      dom::parser parser;
      dom::element ours;
      ASSERT_EQ(parser.parse(std::get<std::string>(cell)).get(ours), simdjson::SUCCESS)
          << where << ": not JSON: " << std::get<std::string>(cell);
      EXPECT_TRUE(SameJson(ours, json, where));
      return;
    }
  }
}

// The JSON values of row `r`'s spec columns, from the example body.
std::vector<Json> ExampleCells(const InterfaceSpec& spec, dom::object body, size_t r) {
  std::vector<Json> cells;
  dom::object element;
  for (const FieldSpec& field : spec.fields) {
    if (!spec.record_list.empty() && field.name == spec.record_list) {
      element = dom::array(*Member(body, field.name)).at(r);
      continue;
    }
    cells.push_back(Member(body, field.name));
  }
  if (!spec.record_list.empty()) {
    for (size_t i = spec.fields.size(); i < ingest::FlatFieldCount(spec); ++i)
      cells.push_back(Member(element, ingest::FlatField(spec, i).name));
  }
  return cells;
}

// ---- Every interface: example -> Parquet file -> our reader ----

class RawRecordsTest : public ::testing::TestWithParam<InterfaceId> {
 protected:
  const InterfaceSpec& spec() const { return Registry::Get().At(GetParam()); }
};

TEST_P(RawRecordsTest, ExampleRoundTripsThroughParquet) {
  ParsedExample example;
  ASSERT_NO_FATAL_FAILURE(Parse(GetParam(), &example));
  example.records.back().fate = ingest::Fate::kCorrection;
  const RawTable& table = RawTableOf(GetParam());

  const fs::path dir = TempDir();
  const fs::path path = dir / (table.name + ".parquet");
  {
    auto writer = ParquetWriter::Create(path, table.columns);
    ASSERT_TRUE(writer.ok()) << writer.status().message();
    for (const ingest::Record& record : example.records) {
      const Status s = AppendRawRow(**writer, record);
      ASSERT_TRUE(s.ok()) << s.message();
    }
    auto stats = (*writer)->Close();
    ASSERT_TRUE(stats.ok()) << stats.status().message();
    EXPECT_EQ(stats->rows, example.records.size());
  }

  auto reader = ParquetReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  ASSERT_TRUE((*reader)->Verify().ok());
  ASSERT_EQ((*reader)->columns().size(), table.columns.size());
  for (size_t c = 0; c < table.columns.size(); ++c) {
    EXPECT_EQ((*reader)->columns()[c].name, table.columns[c].name);
    EXPECT_EQ((*reader)->columns()[c].type, table.columns[c].type) << table.columns[c].name;
    EXPECT_TRUE((*reader)->columns()[c].optional) << table.columns[c].name;
  }
  ASSERT_EQ((*reader)->num_rows(), static_cast<int64_t>(example.records.size()));
  ASSERT_EQ((*reader)->row_groups().size(), 1u);
  std::vector<std::vector<Cell>> columns;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    auto column = (*reader)->ReadColumn(0, c);
    ASSERT_TRUE(column.ok()) << column.status().message();
    columns.push_back(std::move(*column));
  }

  dom::parser parser;
  dom::object body;
  ASSERT_EQ(parser.parse(example.body).get(body), simdjson::SUCCESS);
  std::vector<const FieldSpec*> fields;
  for (size_t i = 0; i < ingest::FlatFieldCount(spec()); ++i)
    if (i >= spec().fields.size() || ingest::FlatField(spec(), i).name != spec().record_list)
      fields.push_back(&ingest::FlatField(spec(), i));
  ASSERT_EQ(fields.size() + 2, table.columns.size());
  int present = 0;
  for (size_t r = 0; r < example.records.size(); ++r) {
    const std::vector<Json> cells = ExampleCells(spec(), body, r);
    ASSERT_EQ(cells.size(), fields.size());
    for (size_t c = 0; c < fields.size(); ++c) {
      present += !Absent(cells[c]);
      ExpectCell(*fields[c], cells[c], columns[c][r],
                 table.name + " row " + std::to_string(r) + " column " + table.columns[c].name);
    }
    EXPECT_EQ(std::get<int64_t>(columns[fields.size()][r]), kRequestMicros);
    EXPECT_EQ(std::get<bool>(columns[fields.size() + 1][r]), r + 1 == example.records.size());
  }
  if (!fields.empty()) {
    EXPECT_GT(present, 0);
  }
  fs::remove_all(dir);
}

TEST_P(RawRecordsTest, JsonRowHasTheColumnsAndValues) {
  ParsedExample example;
  ASSERT_NO_FATAL_FAILURE(Parse(GetParam(), &example));
  const RawTable& table = RawTableOf(GetParam());
  std::string text;
  for (const ingest::Record& record : example.records) AppendRawJsonRow(text, record);
  ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), static_cast<long>(example.records.size()));

  dom::parser example_parser;
  dom::object body;
  ASSERT_EQ(example_parser.parse(example.body).get(body), simdjson::SUCCESS);
  size_t r = 0, start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1, ++r) {
    dom::parser parser;
    dom::object row;
    ASSERT_EQ(parser.parse(text.substr(start, end - start)).get(row), simdjson::SUCCESS)
        << text.substr(start, end - start);
    ASSERT_EQ(row.size(), table.columns.size());
    size_t c = 0;
    const std::vector<Json> cells = ExampleCells(spec(), body, r);
    for (auto [key, value] : row) {
      EXPECT_EQ(key, table.columns[c].name);
      if (c < cells.size()) {
        EXPECT_EQ(Absent(value), Absent(cells[c])) << key;
        if (!Absent(value) && (table.columns[c].type == ColumnType::kString || value.is_string()))
          if (cells[c]->is_string()) {
            // Times and texts are sent as the spec writes them; we write them back the same way
            // (DateMinute with ":00", as TIMESTAMP text).
            const std::string_view want = *cells[c];
            EXPECT_EQ(std::string_view(value).substr(0, want.size()), want) << key;
          }
      }
      ++c;
    }
    EXPECT_EQ(std::string_view(row["request_time"]), "2026-11-20 18:00:00.123");
    EXPECT_FALSE(bool(row["correction"]));
  }
  EXPECT_EQ(r, example.records.size());
}

TEST_P(RawRecordsTest, PartitionTimeIsTheEventTimeElseTheRequestTime) {
  ParsedExample example;
  ASSERT_NO_FATAL_FAILURE(Parse(GetParam(), &example));
  for (const ingest::Record& record : example.records) {
    if (spec().event_time.empty())
      EXPECT_EQ(RawPartitionTime(record), LocalTime::FromEpochMillis(kRequestTs));
    else
      EXPECT_EQ(RawPartitionTime(record), record.event_time);
    EXPECT_NE(RawPartitionTime(record), LocalTime::Min());
  }
}

INSTANTIATE_TEST_SUITE_P(AllInterfaces, RawRecordsTest, ::testing::ValuesIn(AllIds()), ParamName);

// ---- Names ----

TEST(RawTableNamesTest, TableAndColumnNamesAreUniqueAndAsSpecified) {
  std::set<std::string> tables;
  for (InterfaceId id : AllIds()) {
    const InterfaceSpec& spec = Registry::Get().At(id);
    const RawTable& table = RawTableOf(id);
    // '/' and any other character that is not a letter or digit become one '_'.
    std::string want = "raw_" + std::string(ingest::PlatformName(spec.platform)) + "_";
    for (char c : spec.name)
      if (std::isalnum(static_cast<unsigned char>(c)))
        want += c;
      else if (want.back() != '_')
        want += '_';
    while (want.back() == '_') want.pop_back();
    EXPECT_EQ(table.name, want);
    EXPECT_TRUE(std::all_of(table.name.begin(), table.name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    })) << table.name;
    EXPECT_TRUE(tables.insert(Lower(table.name)).second) << table.name;
    EXPECT_EQ(&RawTableOf(id), &table);  // built once

    std::set<std::string> names;
    for (const auto& column : table.columns) {
      EXPECT_FALSE(column.name.empty());
      EXPECT_TRUE(names.insert(Lower(column.name)).second) << table.name << ": " << column.name << " repeats";
      EXPECT_TRUE(column.optional);
    }
    ASSERT_GE(table.columns.size(), 2u);  // a query without parameters has no spec columns
    EXPECT_EQ(table.columns[table.columns.size() - 2].name, "request_time");
    EXPECT_EQ(table.columns[table.columns.size() - 2].type, ColumnType::kTimestamp);
    EXPECT_EQ(table.columns.back().name, "correction");
    EXPECT_EQ(table.columns.back().type, ColumnType::kBool);
    // Spec columns are named as in the spec, in FlatField order; only a repeated element name is suffixed.
    size_t c = 0;
    for (size_t i = 0; i < ingest::FlatFieldCount(spec); ++i) {
      const FieldSpec& field = ingest::FlatField(spec, i);
      if (i < spec.fields.size() && field.name == spec.record_list) continue;
      const std::string& name = table.columns[c++].name;
      EXPECT_TRUE(name == field.name || name == std::string(field.name) + "_item" ||
                  name == std::string(field.name) + "_2")
          << table.name << ": " << name;
    }
    EXPECT_EQ(c + 2, table.columns.size());
  }
}

TEST(RawTableNamesTest, TypesFollowTheFieldSpec) {
  std::set<std::pair<FieldType, ColumnType>> seen;
  for (InterfaceId id : AllIds()) {
    const InterfaceSpec& spec = Registry::Get().At(id);
    const RawTable& table = RawTableOf(id);
    size_t c = 0;
    for (size_t i = 0; i < ingest::FlatFieldCount(spec); ++i) {
      const FieldSpec& field = ingest::FlatField(spec, i);
      if (i < spec.fields.size() && field.name == spec.record_list) continue;
      seen.insert({field.type, table.columns[c++].type});
    }
  }
  const std::set<std::pair<FieldType, ColumnType>> allowed = {
      {FieldType::kString, ColumnType::kString},      {FieldType::kInt, ColumnType::kInt64},
      {FieldType::kLong, ColumnType::kInt64},         {FieldType::kEpochMillis, ColumnType::kInt64},
      {FieldType::kDecimal, ColumnType::kDouble},     {FieldType::kDouble, ColumnType::kDouble},
      {FieldType::kBool, ColumnType::kBool},          {FieldType::kDate, ColumnType::kDate},
      {FieldType::kDateTime, ColumnType::kTimestamp}, {FieldType::kDateMinute, ColumnType::kTimestamp},
      {FieldType::kTime, ColumnType::kString},        {FieldType::kList, ColumnType::kString},
      {FieldType::kObject, ColumnType::kString},      {FieldType::kStringList, ColumnType::kString},
  };
  for (const auto& pair : seen)
    EXPECT_TRUE(allowed.count(pair)) << static_cast<int>(pair.first) << " -> "
                                     << static_cast<int>(pair.second);
  // The registry exercises the mapping broadly (not every type need occur).
  EXPECT_GE(seen.size(), 8u);
}

// ---- DuckDB reads raw tables with the types we mean ----

std::string DuckDbType(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return "VARCHAR";
    case ColumnType::kInt32:
      return "INTEGER";
    case ColumnType::kInt64:
      return "BIGINT";
    case ColumnType::kDouble:
      return "DOUBLE";
    case ColumnType::kBool:
      return "BOOLEAN";
    case ColumnType::kDate:
      return "DATE";
    case ColumnType::kTimestamp:
      return "TIMESTAMP";
  }
  return "";
}

TEST(RawRecordsDuckDbTest, DuckDbSeesTheTypes) {
  // A few tables that between them hold every column type, list elements as rows, a nested list as
  // JSON text, and a name with braces (orienteering paths).
  const std::vector<std::pair<ingest::Platform, std::string_view>> interfaces = {
      {ingest::Platform::kParking, "enterRecord"},
      {ingest::Platform::kFitness, "syncEnergyConsumptionData"},
      {ingest::Platform::kFitness, "syncUserData"},
      {ingest::Platform::kTicketing, "report/ticket"},
      {ingest::Platform::kCommunity, "stk/rytxjl"},
      {ingest::Platform::kOrienteering, "sessions/{session_id}/finish"},
  };
  const fs::path dir = TempDir();
  std::set<std::string> duck_types;
  for (const auto& [platform, name] : interfaces) {
    const ingest::InterfaceSpec* spec = Registry::Get().Find(platform, name);
    ASSERT_NE(spec, nullptr) << name;
    const InterfaceId id = Registry::Get().IdOf(*spec);
    ParsedExample example;
    ASSERT_NO_FATAL_FAILURE(Parse(id, &example));
    const RawTable& table = RawTableOf(id);
    const fs::path path = dir / (table.name + ".parquet");
    auto writer = ParquetWriter::Create(path, table.columns);
    ASSERT_TRUE(writer.ok()) << writer.status().message();
    for (const ingest::Record& record : example.records) ASSERT_TRUE(AppendRawRow(**writer, record).ok());
    ASSERT_TRUE((*writer)->Close().ok());

    const std::string script = std::string(CIVICFLOW_SOURCE_DIR) + "/tests/storage/parquet/duckdb_read.mjs";
    const std::string command = "node '" + script + "' '" + path.string() + "' 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buf[65536];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
    ASSERT_EQ(::pclose(pipe), 0) << "DuckDB (node + @duckdb/node-api) is needed: run scripts/setup-node.sh\n"
                                 << command << "\n"
                                 << out.substr(0, 4000);
    dom::parser parser;
    dom::element root;
    ASSERT_EQ(parser.parse(out).get(root), simdjson::SUCCESS) << out.substr(0, 2000);
    dom::array describe = root["describe"];
    ASSERT_EQ(describe.size(), table.columns.size()) << table.name;
    size_t c = 0;
    for (dom::element column : describe) {
      EXPECT_EQ(std::string_view(column["name"]), table.columns[c].name) << table.name;
      EXPECT_EQ(std::string_view(column["type"]), DuckDbType(table.columns[c].type))
          << table.name << "." << table.columns[c].name;
      duck_types.insert(std::string(std::string_view(column["type"])));
      ++c;
    }
    EXPECT_EQ(int64_t(root["counts"]["rows"]), static_cast<int64_t>(example.records.size())) << table.name;
    // request_time keeps its milliseconds; correction is false for new records.
    dom::array first = root["rows"].at(0);
    EXPECT_EQ(std::string_view(first.at(table.columns.size() - 2)), "2026-11-20 18:00:00.123") << table.name;
    EXPECT_EQ(std::string_view(first.at(table.columns.size() - 1)), "false") << table.name;
  }
  EXPECT_EQ(duck_types,
            (std::set<std::string>{"VARCHAR", "BIGINT", "DOUBLE", "BOOLEAN", "DATE", "TIMESTAMP"}));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace civicflow::operators
