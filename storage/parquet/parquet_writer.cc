#include "storage/parquet/parquet_writer.h"

#include <zstd.h>

#include <charconv>
#include <cstring>
#include <unordered_set>

#include "storage/parquet/thrift_compact.h"

namespace civicflow::storage::parquet {

namespace {

constexpr std::string_view kMagic = "PAR1";
constexpr int64_t kMicrosPerSecond = 1'000'000;

bool IsInt(ColumnType type) { return type == ColumnType::kInt32 || type == ColumnType::kInt64; }

std::string Quoted(std::string_view s) {
  std::string q = "\"";
  q.append(s.substr(0, 200));
  if (s.size() > 200) q += "…";
  return q + "\"";
}

}  // namespace

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::Create(const std::filesystem::path& path,
                                                             std::vector<ColumnSpec> columns,
                                                             ParquetWriterOptions options) {
  auto file = CreatePosixOutputFile(path);
  if (!file.ok()) return file.status();
  return Create(std::move(file.value()), std::move(columns), options);
}

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::Create(std::unique_ptr<OutputFile> file,
                                                             std::vector<ColumnSpec> columns,
                                                             ParquetWriterOptions options) {
  const std::string& name = file->name();
  if (columns.empty()) return Status::Error(name + ": a Parquet file needs at least one column");
  std::unordered_set<std::string_view> names;
  for (const ColumnSpec& c : columns) {
    if (c.name.empty()) return Status::Error(name + ": a column has no name");
    if (!names.insert(c.name).second) return Status::Error(name + ": column '" + c.name + "' appears twice");
  }
  if (options.row_group_rows == 0) return Status::Error(name + ": row_group_rows must be positive");
  if (options.codec == Codec::kZstd &&
      (options.zstd_level < ZSTD_minCLevel() || options.zstd_level > ZSTD_maxCLevel())) {
    return Status::Error(name + ": zstd level " + std::to_string(options.zstd_level) + " is out of range");
  }
  std::unique_ptr<ParquetWriter> writer(new ParquetWriter(std::move(file), std::move(columns), options));
  if (writer->options_.codec == Codec::kZstd && writer->zstd_ == nullptr) {
    return Status::Error(name + ": cannot create a zstd context");
  }
  if (Status s = writer->Write(kMagic); !s.ok()) return s;
  return writer;
}

ParquetWriter::ParquetWriter(std::unique_ptr<OutputFile> file, std::vector<ColumnSpec> columns,
                             ParquetWriterOptions options)
    : file_(std::move(file)), specs_(std::move(columns)), options_(options) {
  if (options_.codec == Codec::kZstd) zstd_ = ZSTD_createCCtx();
  for (const ColumnSpec& spec : specs_)
    chunks_.push_back(std::make_unique<ColumnChunkWriter>(spec, options_, zstd_));
}

ParquetWriter::~ParquetWriter() { ZSTD_freeCCtx(zstd_); }

bool ParquetWriter::Check(size_t column, bool ok_type, const char* what) {
  if (!error_.ok()) return false;
  if (column >= specs_.size()) {
    error_ = Status::Error(file_->name() + ": no column " + std::to_string(column) + " (the file has " +
                           std::to_string(specs_.size()) + ")");
    return false;
  }
  if (!ok_type) {
    const ColumnSpec& spec = specs_[column];
    error_ = Status::Error(file_->name() + ": column '" + spec.name + "' (" +
                           std::string(ColumnTypeName(spec.type)) + (spec.optional ? "" : ", required") +
                           ") cannot take " + what + " (row " + std::to_string(rows_) + ")");
    return false;
  }
  return true;
}

void ParquetWriter::AppendNull(size_t column) {
  if (Check(column, column < specs_.size() && specs_[column].optional, "a null"))
    chunks_[column]->AppendNull();
}

void ParquetWriter::AppendInt(size_t column, int64_t v) {
  if (!Check(column, column < specs_.size() && IsInt(specs_[column].type), "an integer")) return;
  if (specs_[column].type == ColumnType::kInt32 && (v < INT32_MIN || v > INT32_MAX)) {
    Check(column, false, ("the integer " + std::to_string(v) + ", out of INT32 range").c_str());
    return;
  }
  chunks_[column]->AppendInt(v);
}

void ParquetWriter::AppendDouble(size_t column, double v) {
  if (Check(column, column < specs_.size() && specs_[column].type == ColumnType::kDouble, "a double")) {
    chunks_[column]->AppendDouble(v);
  }
}

void ParquetWriter::AppendBool(size_t column, bool v) {
  if (Check(column, column < specs_.size() && specs_[column].type == ColumnType::kBool, "a boolean")) {
    chunks_[column]->AppendBool(v);
  }
}

void ParquetWriter::AppendString(size_t column, std::string_view v) {
  if (Check(column, column < specs_.size() && specs_[column].type == ColumnType::kString, "a string")) {
    chunks_[column]->AppendString(v);
  }
}

void ParquetWriter::AppendDate(size_t column, LocalTime day) {
  const int64_t days = day.FloorDay().seconds / LocalTime::kDay;
  if (days < INT32_MIN || days > INT32_MAX) {
    Check(column, false, "a date out of range");
    return;
  }
  AppendDays(column, static_cast<int32_t>(days));
}

void ParquetWriter::AppendDays(size_t column, int32_t days_since_epoch) {
  if (Check(column, column < specs_.size() && specs_[column].type == ColumnType::kDate, "a date")) {
    chunks_[column]->AppendInt(days_since_epoch);
  }
}

void ParquetWriter::AppendTimestamp(size_t column, LocalTime t) {
  if (t.seconds > INT64_MAX / kMicrosPerSecond || t.seconds < INT64_MIN / kMicrosPerSecond) {
    Check(column, false, "a timestamp out of range");
    return;
  }
  AppendTimestampMicros(column, t.seconds * kMicrosPerSecond);
}

void ParquetWriter::AppendTimestampMicros(size_t column, int64_t micros_since_epoch) {
  if (Check(column, column < specs_.size() && specs_[column].type == ColumnType::kTimestamp, "a timestamp")) {
    chunks_[column]->AppendInt(micros_since_epoch);
  }
}

Status ParquetWriter::EndRow() {
  if (!error_.ok()) return error_;
  if (closed_) return Status::Error(file_->name() + ": row after Close()");
  for (const auto& chunk : chunks_) {
    if (chunk->rows() != group_rows_ + 1) {
      error_ =
          Status::Error(file_->name() + ": row " + std::to_string(rows_) + ": column '" + chunk->spec().name +
                        "' has " + std::to_string(chunk->rows() - group_rows_) + " values, not 1");
      return error_;
    }
  }
  ++group_rows_;
  ++rows_;
  return group_rows_ >= options_.row_group_rows ? FlushRowGroup() : Status();
}

Status ParquetWriter::AppendTextRow(std::span<const std::string_view> cells) {
  if (!error_.ok()) return error_;
  if (cells.size() != specs_.size()) {
    return Status::Error(file_->name() + ": a row of " + std::to_string(cells.size()) + " cells for " +
                         std::to_string(specs_.size()) + " columns");
  }
  parsed_.resize(cells.size());
  for (size_t c = 0; c < cells.size(); ++c) {
    const ColumnSpec& spec = specs_[c];
    const std::string_view cell = cells[c];
    TextCell& p = parsed_[c];
    p = TextCell{};
    auto bad = [&](const char* expected) {
      return Status::Error(file_->name() + ": column '" + spec.name + "' (" +
                           std::string(ColumnTypeName(spec.type)) + "): cannot parse " + Quoted(cell) +
                           " as " + expected);
    };
    if (cell.empty()) {
      if (!spec.optional) return bad("a value of a required column");
      p.null = true;
      continue;
    }
    const char* end = cell.data() + cell.size();
    switch (spec.type) {
      case ColumnType::kString:
        p.s = cell;
        break;
      case ColumnType::kInt32:
      case ColumnType::kInt64: {
        const auto [ptr, ec] = std::from_chars(cell.data(), end, p.i);
        if (ec != std::errc() || ptr != end) return bad("an integer");
        if (spec.type == ColumnType::kInt32 && (p.i < INT32_MIN || p.i > INT32_MAX))
          return bad("a 32-bit integer");
        break;
      }
      case ColumnType::kDouble: {
        const auto [ptr, ec] = std::from_chars(cell.data(), end, p.d);
        if (ec != std::errc() || ptr != end) return bad("a decimal number");
        break;
      }
      case ColumnType::kBool:
        if (cell == "true") {
          p.i = 1;
        } else if (cell != "false") {
          return bad("true or false");
        }
        break;
      case ColumnType::kDate: {
        const std::optional<LocalTime> day = ParseDate(cell);
        if (!day) return bad("a yyyy-MM-dd date");
        p.i = day->seconds / LocalTime::kDay;
        break;
      }
      case ColumnType::kTimestamp: {
        const std::optional<LocalTime> t = ParseDateTime(cell);
        if (!t) return bad("a yyyy-MM-dd HH:mm:ss time");
        p.i = t->seconds * kMicrosPerSecond;
        break;
      }
    }
  }
  for (size_t c = 0; c < cells.size(); ++c) {
    const TextCell& p = parsed_[c];
    ColumnChunkWriter& chunk = *chunks_[c];
    if (p.null) {
      chunk.AppendNull();
      continue;
    }
    switch (specs_[c].type) {
      case ColumnType::kString:
        chunk.AppendString(p.s);
        break;
      case ColumnType::kDouble:
        chunk.AppendDouble(p.d);
        break;
      case ColumnType::kBool:
        chunk.AppendBool(p.i != 0);
        break;
      default:
        chunk.AppendInt(p.i);
    }
  }
  return EndRow();
}

Status ParquetWriter::Write(std::string_view bytes) {
  if (!error_.ok()) return error_;
  error_ = file_->Write(bytes);
  if (error_.ok()) offset_ += bytes.size();
  return error_;
}

Status ParquetWriter::FlushRowGroup() {
  RowGroupMetadata group;
  group.num_rows = static_cast<int64_t>(group_rows_);
  group.file_offset = static_cast<int64_t>(offset_);
  group.columns.resize(chunks_.size());
  for (size_t c = 0; c < chunks_.size(); ++c) {
    chunk_bytes_.clear();
    Status s = chunks_[c]->Flush(static_cast<int64_t>(offset_), &chunk_bytes_, &group.columns[c]);
    if (!s.ok()) {
      error_ = Status::Error(file_->name() + ": " + s.message());
      return error_;
    }
    if (s = Write(chunk_bytes_); !s.ok()) return s;
  }
  row_groups_.push_back(std::move(group));
  group_rows_ = 0;
  return {};
}

void ParquetWriter::EncodeFooter(std::string* out) const {
  ThriftWriter w(out);
  w.FieldI32(1, 1);  // version
  w.BeginListField(2, ThriftType::kStruct, static_cast<uint32_t>(specs_.size() + 1));
  w.BeginStructElement();  // the root
  w.FieldBinary(4, "schema");
  w.FieldI32(5, static_cast<int32_t>(specs_.size()));
  w.EndStruct();
  for (const ColumnSpec& spec : specs_) {
    w.BeginStructElement();
    w.FieldI32(1, PhysicalTypeOf(spec.type));
    w.FieldI32(3, spec.optional ? format::kOptional : format::kRequired);
    w.FieldBinary(4, spec.name);
    if (spec.type == ColumnType::kString) w.FieldI32(6, format::kUtf8);
    if (spec.type == ColumnType::kDate) w.FieldI32(6, format::kDate);
    // No converted type for local timestamps: TIMESTAMP_MICROS means adjusted to UTC.
    if (spec.type == ColumnType::kString || spec.type == ColumnType::kDate ||
        spec.type == ColumnType::kTimestamp) {
      w.BeginStructField(10);  // LogicalType
      if (spec.type == ColumnType::kString) {
        w.BeginStructField(1);  // StringType
        w.EndStruct();
      } else if (spec.type == ColumnType::kDate) {
        w.BeginStructField(6);  // DateType
        w.EndStruct();
      } else {
        w.BeginStructField(8);  // TimestampType
        w.FieldBool(1, false);  // isAdjustedToUTC
        w.BeginStructField(2);  // unit
        w.BeginStructField(2);  // MICROS
        w.EndStruct();
        w.EndStruct();
        w.EndStruct();
      }
      w.EndStruct();
    }
    w.EndStruct();
  }
  w.FieldI64(3, static_cast<int64_t>(rows_));
  w.BeginListField(4, ThriftType::kStruct, static_cast<uint32_t>(row_groups_.size()));
  for (const RowGroupMetadata& group : row_groups_) {
    w.BeginStructElement();
    w.BeginListField(1, ThriftType::kStruct, static_cast<uint32_t>(specs_.size()));
    int64_t uncompressed = 0, compressed = 0;
    for (size_t c = 0; c < specs_.size(); ++c) {
      const ChunkMetadata& m = group.columns[c];
      uncompressed += m.total_uncompressed_size;
      compressed += m.total_compressed_size;
      w.BeginStructElement();  // ColumnChunk
      w.FieldI64(2, 0);        // file_offset: no metadata outside the footer
      w.BeginStructField(3);   // ColumnMetaData
      w.FieldI32(1, PhysicalTypeOf(specs_[c].type));
      w.BeginListField(2, ThriftType::kI32, static_cast<uint32_t>(m.encodings.size()));
      for (int32_t e : m.encodings) w.ElementI32(e);
      w.BeginListField(3, ThriftType::kBinary, 1);
      w.ElementBinary(specs_[c].name);
      w.FieldI32(4, static_cast<int32_t>(options_.codec));
      w.FieldI64(5, m.num_values);
      w.FieldI64(6, m.total_uncompressed_size);
      w.FieldI64(7, m.total_compressed_size);
      w.FieldI64(9, m.data_page_offset);
      if (m.dictionary_page_offset) w.FieldI64(11, *m.dictionary_page_offset);
      w.BeginStructField(12);  // Statistics
      w.FieldI64(3, m.null_count);
      if (m.min_value && m.max_value) {
        w.FieldBinary(5, *m.max_value);
        w.FieldBinary(6, *m.min_value);
        w.FieldBool(7, true);  // is_max_value_exact
        w.FieldBool(8, true);  // is_min_value_exact
      }
      w.EndStruct();
      w.EndStruct();
      w.EndStruct();
    }
    w.FieldI64(2, uncompressed);  // total_byte_size
    w.FieldI64(3, group.num_rows);
    w.FieldI64(5, group.file_offset);
    w.FieldI64(6, compressed);
    w.EndStruct();
  }
  w.FieldBinary(6, "civicflow");
  w.BeginListField(7, ThriftType::kStruct, static_cast<uint32_t>(specs_.size()));  // column_orders
  for (size_t c = 0; c < specs_.size(); ++c) {
    w.BeginStructElement();
    w.BeginStructField(1);  // TYPE_ORDER
    w.EndStruct();
    w.EndStruct();
  }
  w.EndMessage();
}

Result<ParquetFileStats> ParquetWriter::Close() {
  if (closed_) return Status::Error(file_->name() + ": closed twice");
  closed_ = true;
  if (!error_.ok()) return error_;
  if (group_rows_ > 0) {
    if (Status s = FlushRowGroup(); !s.ok()) return s;
  }
  chunk_bytes_.clear();
  EncodeFooter(&chunk_bytes_);
  const auto footer_size = static_cast<uint32_t>(chunk_bytes_.size());
  AppendLittleEndian(&chunk_bytes_, footer_size);
  chunk_bytes_.append(kMagic);
  if (Status s = Write(chunk_bytes_); !s.ok()) return s;
  if (Status s = file_->Sync(); !s.ok()) return error_ = s;
  if (Status s = file_->Close(); !s.ok()) return error_ = s;
  return ParquetFileStats{rows_, offset_, static_cast<uint32_t>(row_groups_.size())};
}

}  // namespace civicflow::storage::parquet
