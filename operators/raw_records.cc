#include "operators/raw_records.h"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <string_view>

#include "engine/base/json_escape.h"
#include "ingest/registry/registry.h"

namespace civicflow::operators {
namespace {

using ingest::FieldSpec;
using ingest::FieldType;
using ingest::Value;
using storage::parquet::ColumnSpec;
using storage::parquet::ColumnType;

constexpr int64_t kMicros = 1'000'000;

// Where a spec column's value comes from.
struct ColumnSource {
  int flat = 0;  // index into Record::values
  const FieldSpec* field = nullptr;
};

struct RawTablePlan {
  RawTable table;
  std::vector<ColumnSource> sources;  // one per spec column; request_time and correction follow
};

ColumnType ColumnTypeOf(FieldType type) {
  switch (type) {
    case FieldType::kInt:
    case FieldType::kLong:
    case FieldType::kEpochMillis:
      return ColumnType::kInt64;
    case FieldType::kDecimal:
    case FieldType::kDouble:
      return ColumnType::kDouble;
    case FieldType::kBool:
      return ColumnType::kBool;
    case FieldType::kDate:
      return ColumnType::kDate;
    case FieldType::kDateTime:
    case FieldType::kDateMinute:
      return ColumnType::kTimestamp;
    case FieldType::kString:
    case FieldType::kTime:
    case FieldType::kList:
    case FieldType::kObject:
    case FieldType::kStringList:
      return ColumnType::kString;
  }
  return ColumnType::kString;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool Taken(const std::vector<ColumnSpec>& columns, std::string_view name) {
  const std::string lower = Lower(name);
  for (const ColumnSpec& c : columns)
    if (Lower(c.name) == lower) return true;
  return false;
}

RawTablePlan PlanOf(const ingest::InterfaceSpec& spec) {
  RawTablePlan plan;
  // A plain identifier: '/' (and an orienteering path's "{session_id}" and
  // '-') become '_', runs of '_' collapse, none trails.
  plan.table.name = "raw_" + std::string(ingest::PlatformName(spec.platform)) + "_";
  for (char c : spec.name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (plain)
      plan.table.name += c;
    else if (plan.table.name.back() != '_')
      plan.table.name += '_';
  }
  while (plan.table.name.back() == '_') plan.table.name.pop_back();
  const int list = spec.record_list.empty() ? -1 : ingest::FlatFieldIndex(spec, spec.record_list);
  const size_t parent = spec.fields.size();
  for (size_t i = 0; i < ingest::FlatFieldCount(spec); ++i) {
    if (static_cast<int>(i) == list) continue;  // its elements are the rows
    const FieldSpec& field = ingest::FlatField(spec, i);
    std::string name(field.name);
    if (name == "request_time" || name == "correction") name += "_field";
    if (i >= parent && Taken(plan.table.columns, name)) name += "_item";
    // Spellings the spec repeats with another case (fitness User3rdPlatformId / user3rdPlatformId).
    const std::string base = name;
    for (int n = 2; Taken(plan.table.columns, name); ++n) name = base + "_" + std::to_string(n);
    plan.table.columns.push_back({std::move(name), ColumnTypeOf(field.type), true});
    plan.sources.push_back({static_cast<int>(i), &field});
  }
  plan.table.columns.push_back({"request_time", ColumnType::kTimestamp, true});
  plan.table.columns.push_back({"correction", ColumnType::kBool, true});
  return plan;
}

const std::vector<RawTablePlan>& Plans() {
  static const std::vector<RawTablePlan> plans = [] {
    std::vector<RawTablePlan> out;
    for (const ingest::InterfaceSpec* spec : ingest::Registry::Get().All()) out.push_back(PlanOf(*spec));
    return out;
  }();
  return plans;
}

// ---- Text forms, written into caller buffers (no allocation) ----

char* TwoDigits(char* p, int64_t v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

// "yyyy-MM-dd" of a day number (years 0–9999: what the validator accepts).
char* FormatDate(char* p, int64_t days) {
  const CivilDate date = CivilFromDays(days);
  p = TwoDigits(p, date.year / 100 % 100);
  p = TwoDigits(p, date.year % 100);
  *p++ = '-';
  p = TwoDigits(p, date.month);
  *p++ = '-';
  return TwoDigits(p, date.day);
}

// "HH:mm:ss" of seconds within a day.
char* FormatClock(char* p, int64_t secs) {
  p = TwoDigits(p, secs / 3600);
  *p++ = ':';
  p = TwoDigits(p, secs / 60 % 60);
  *p++ = ':';
  return TwoDigits(p, secs % 60);
}

// "yyyy-MM-dd HH:mm:ss".
char* FormatDateTime(char* p, int64_t local_seconds) {
  const int64_t days = FloorDiv(local_seconds, LocalTime::kDay);
  p = FormatDate(p, days);
  *p++ = ' ';
  return FormatClock(p, local_seconds - days * LocalTime::kDay);
}

// A time-typed value as the spec writes it.
std::string_view TimeText(char* buf, FieldType type, int64_t v) {
  char* end;
  switch (type) {
    case FieldType::kDate:
      end = FormatDate(buf, FloorDiv(v, LocalTime::kDay));
      break;
    case FieldType::kTime:
      end = FormatClock(buf, v);
      break;
    default:  // DateTime, DateMinute: both are TIMESTAMP columns, written with seconds
      end = FormatDateTime(buf, v);
      break;
  }
  return std::string_view(buf, static_cast<size_t>(end - buf));
}

void AppendInteger(std::string& out, int64_t v) {
  char buf[24];
  out.append(buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf));
}

// Exact decimal text of a fixed-point value: "356.75", "-0.5", "12".
void AppendDecimal(std::string& out, int64_t scaled) {
  uint64_t magnitude = scaled < 0 ? 0 - static_cast<uint64_t>(scaled) : static_cast<uint64_t>(scaled);
  if (scaled < 0) out += '-';
  const uint64_t scale = static_cast<uint64_t>(Value::kDecimalScale);
  char buf[24];
  out.append(buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, magnitude / scale).ptr - buf));
  uint64_t fraction = magnitude % scale;
  if (fraction == 0) return;
  char digits[6];
  for (int i = 5; i >= 0; --i, fraction /= 10) digits[i] = static_cast<char>('0' + fraction % 10);
  int n = 6;
  while (digits[n - 1] == '0') --n;
  out += '.';
  out.append(digits, static_cast<size_t>(n));
}

void AppendDouble(std::string& out, double d) {
  char buf[32];
  out.append(buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, d).ptr - buf));
}

void AppendValueJson(std::string& out, const FieldSpec& field, const Value& v);

void AppendObjectJson(std::string& out, std::span<const FieldSpec> fields, const Value* values) {
  out += '{';
  bool first = true;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!values[i].present()) continue;
    if (!first) out += ',';
    first = false;
    AppendJsonString(out, fields[i].name);
    out += ':';
    AppendValueJson(out, fields[i], values[i]);
  }
  out += '}';
}

// A nested value (List, Object, StringList) as compact JSON.
void AppendNestedJson(std::string& out, const FieldSpec& field, const Value& v) {
  if (field.type == FieldType::kObject) {
    AppendObjectJson(out, field.children, v.rows);
    return;
  }
  out += '[';
  const size_t width = field.type == FieldType::kStringList ? 1 : field.children.size();
  for (uint32_t r = 0; r < v.size; ++r) {
    if (r) out += ',';
    if (field.type == FieldType::kStringList)
      AppendJsonString(out, v.rows[r].AsText());
    else
      AppendObjectJson(out, field.children, v.rows + r * width);
  }
  out += ']';
}

void AppendValueJson(std::string& out, const FieldSpec& field, const Value& v) {
  switch (field.type) {
    case FieldType::kString:
      AppendJsonString(out, v.AsText());
      return;
    case FieldType::kInt:
    case FieldType::kLong:
    case FieldType::kEpochMillis:
      AppendInteger(out, v.i);
      return;
    case FieldType::kDecimal:
      AppendDecimal(out, v.i);
      return;
    case FieldType::kDouble:
      AppendDouble(out, v.d);
      return;
    case FieldType::kBool:
      out += v.i ? "true" : "false";
      return;
    case FieldType::kDate:
    case FieldType::kDateTime:
    case FieldType::kDateMinute:
    case FieldType::kTime: {
      char buf[32];
      out += '"';
      out += TimeText(buf, field.type, v.i);
      out += '"';
      return;
    }
    case FieldType::kList:
    case FieldType::kObject:
    case FieldType::kStringList:
      AppendNestedJson(out, field, v);
      return;
  }
}

bool IsNested(FieldType type) {
  return type == FieldType::kList || type == FieldType::kObject || type == FieldType::kStringList;
}

// Rendering buffer of nested values; keeps its capacity.
std::string& Scratch() {
  thread_local std::string scratch;
  scratch.clear();
  return scratch;
}

int64_t RequestMicros(const ingest::Record& record) {
  return record.request_ts_ms * 1000 + LocalTime::kUtcOffset * kMicros;
}

}  // namespace

const RawTable& RawTableOf(ingest::InterfaceId id) { return Plans()[id].table; }

storage::parquet::ParquetWriterOptions RawTableWriterOptions() {
  storage::parquet::ParquetWriterOptions options;
  options.codec = storage::parquet::Codec::kZstd;
  options.zstd_level = 3;
  options.page_bytes = 4 << 20;
  return options;
}

Status AppendRawRow(storage::parquet::ParquetWriter& writer, const ingest::Record& record) {
  const RawTablePlan& plan = Plans()[record.interface];
  const size_t n = plan.sources.size();
  for (size_t c = 0; c < n; ++c) {
    const ColumnSource& source = plan.sources[c];
    const Value& v = record.values[source.flat];
    if (!v.present()) {
      writer.AppendNull(c);
      continue;
    }
    switch (source.field->type) {
      case FieldType::kString:
        writer.AppendString(c, v.AsText());
        break;
      case FieldType::kInt:
      case FieldType::kLong:
      case FieldType::kEpochMillis:
        writer.AppendInt(c, v.i);
        break;
      case FieldType::kDecimal:
        writer.AppendDouble(c, static_cast<double>(v.i) / static_cast<double>(Value::kDecimalScale));
        break;
      case FieldType::kDouble:
        writer.AppendDouble(c, v.d);
        break;
      case FieldType::kBool:
        writer.AppendBool(c, v.i != 0);
        break;
      case FieldType::kDate:
        writer.AppendDate(c, v.AsTime());
        break;
      case FieldType::kDateTime:
      case FieldType::kDateMinute:
        writer.AppendTimestamp(c, v.AsTime());
        break;
      case FieldType::kTime: {
        char buf[16];
        writer.AppendString(c, TimeText(buf, FieldType::kTime, v.i));
        break;
      }
      case FieldType::kList:
      case FieldType::kObject:
      case FieldType::kStringList: {
        std::string& json = Scratch();
        AppendNestedJson(json, *source.field, v);
        writer.AppendString(c, json);
        break;
      }
    }
  }
  writer.AppendTimestampMicros(n, RequestMicros(record));
  writer.AppendBool(n + 1, record.fate == ingest::Fate::kCorrection);
  return writer.EndRow();
}

void AppendRawJsonRow(std::string& out, const ingest::Record& record) {
  const RawTablePlan& plan = Plans()[record.interface];
  const auto& columns = plan.table.columns;
  out += '{';
  for (size_t c = 0; c < plan.sources.size(); ++c) {
    const ColumnSource& source = plan.sources[c];
    const Value& v = record.values[source.flat];
    AppendJsonString(out, columns[c].name);
    out += ':';
    if (!v.present()) {
      out += "null";
    } else if (IsNested(source.field->type)) {
      std::string& json = Scratch();
      AppendNestedJson(json, *source.field, v);
      AppendJsonString(out, json);
    } else {
      AppendValueJson(out, *source.field, v);
    }
    out += ',';
  }
  // request_time with its milliseconds: "yyyy-MM-dd HH:mm:ss.mmm".
  const int64_t micros = RequestMicros(record);
  const int64_t seconds = FloorDiv(micros, kMicros);
  const int64_t millis = (micros - seconds * kMicros) / 1000;
  char buf[40];
  char* p = FormatDateTime(buf, seconds);
  *p++ = '.';
  *p++ = static_cast<char>('0' + millis / 100);
  p = TwoDigits(p, millis % 100);
  out += "\"request_time\":\"";
  out.append(buf, static_cast<size_t>(p - buf));
  out += "\",\"correction\":";
  out += record.fate == ingest::Fate::kCorrection ? "true" : "false";
  out += "}\n";
}

LocalTime RawPartitionTime(const ingest::Record& record) {
  if (record.event_time != LocalTime::Min()) return record.event_time;
  return LocalTime::FromEpochMillis(record.request_ts_ms);
}

}  // namespace civicflow::operators
