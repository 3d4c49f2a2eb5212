#include "storage/parquet/parquet_reader.h"

#include <zstd.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "engine/base/local_time.h"
#include "storage/parquet/thrift_compact.h"

namespace civicflow::storage::parquet {

namespace {

constexpr std::string_view kMagic = "PAR1";
constexpr int64_t kMaxPageBytes = int64_t{1} << 30;  // larger is damage, not data

// Decodes `count` PLAIN values of `type` from `in` at `*pos`, appending to `out`.
bool DecodePlain(ColumnType type, std::string_view in, size_t* pos, size_t count, std::vector<Value>* out) {
  size_t p = *pos;
  switch (type) {
    case ColumnType::kBool:
      if ((count + 7) / 8 > in.size() - p) return false;
      for (size_t i = 0; i < count; ++i)
        out->emplace_back(((static_cast<uint8_t>(in[p + i / 8]) >> (i % 8)) & 1) != 0);
      p += (count + 7) / 8;
      break;
    case ColumnType::kInt32:
    case ColumnType::kDate:
      if (count > (in.size() - p) / 4) return false;
      for (size_t i = 0; i < count; ++i, p += 4)
        out->emplace_back(int64_t{LoadLittleEndian<int32_t>(in.data() + p)});
      break;
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      if (count > (in.size() - p) / 8) return false;
      for (size_t i = 0; i < count; ++i, p += 8) out->emplace_back(LoadLittleEndian<int64_t>(in.data() + p));
      break;
    case ColumnType::kDouble:
      if (count > (in.size() - p) / 8) return false;
      for (size_t i = 0; i < count; ++i, p += 8) out->emplace_back(LoadLittleEndian<double>(in.data() + p));
      break;
    case ColumnType::kString:
      for (size_t i = 0; i < count; ++i) {
        if (in.size() - p < 4) return false;
        const uint32_t size = LoadLittleEndian<uint32_t>(in.data() + p);
        p += 4;
        if (size > in.size() - p) return false;
        out->emplace_back(std::string(in.substr(p, size)));
        p += size;
      }
      break;
  }
  *pos = p;
  return true;
}

// The parts of parquet.thrift's SchemaElement we read.
struct SchemaElement {
  std::optional<int32_t> type, repetition, num_children, converted;
  std::string name;
  int logical = 0;         // LogicalType union field id, 0 if none
  bool utc = false;        // TimestampType.isAdjustedToUTC
  int timestamp_unit = 0;  // TimeUnit union field id: 1 millis, 2 micros, 3 nanos
};

// Reads a struct-valued field's fields with `on_field`, skipping what it does not take.
template <typename OnField>
void ReadStruct(ThriftReader& r, OnField on_field) {
  r.BeginStruct();
  int16_t id;
  ThriftType type;
  while (r.NextField(&id, &type)) {
    if (!on_field(id, type)) r.Skip(type);
  }
  if (r.ok()) r.EndStruct();
}

// A union's one field id (its value skipped, or read by `on_field`).
template <typename OnField>
int ReadUnion(ThriftReader& r, OnField on_field) {
  int which = 0;
  ReadStruct(r, [&](int16_t id, ThriftType type) {
    which = id;
    return on_field(id, type);
  });
  return which;
}

bool IsInt(ThriftType t) { return t == ThriftType::kI32 || t == ThriftType::kI64 || t == ThriftType::kI16; }

Result<ColumnType> ColumnTypeOf(const SchemaElement& e) {
  const std::string where = "column '" + e.name + "': ";
  if (!e.type) return Status::Error(where + "no physical type (nested schemas are not supported)");
  switch (*e.type) {
    case format::kByteArray:
      return ColumnType::kString;
    case format::kBoolean:
      return ColumnType::kBool;
    case format::kDouble:
      return ColumnType::kDouble;
    case format::kInt32:
      if (e.logical == 6 || e.converted == format::kDate) return ColumnType::kDate;
      if (e.logical != 0 && e.logical != 10) return Status::Error(where + "unsupported INT32 logical type");
      return ColumnType::kInt32;
    case format::kInt64:
      if (e.logical == 8 || e.converted == format::kTimestampMicros) {
        if (e.logical == 8 && e.timestamp_unit != 2)
          return Status::Error(where + "only MICROS timestamps are supported");
        return ColumnType::kTimestamp;
      }
      if (e.logical != 0 && e.logical != 10) return Status::Error(where + "unsupported INT64 logical type");
      return ColumnType::kInt64;
    default:
      return Status::Error(where + "unsupported physical type " + std::to_string(*e.type));
  }
}

}  // namespace

std::string ValueText(ColumnType type, const Value& value) {
  char buf[64];
  if (const auto* i = std::get_if<int64_t>(&value)) {
    if (type == ColumnType::kDate) return LocalTime{*i * LocalTime::kDay}.DateString();
    if (type == ColumnType::kTimestamp) return LocalTime{FloorDiv(*i, 1'000'000)}.ToString();
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, *i).ptr);
  }
  if (const auto* d = std::get_if<double>(&value)) {
    // Decimals as the engine writes them ("0.000001", "356.75", "7"); the
    // shortest form that reads back the same double either way.
    const double magnitude = std::fabs(*d);
    const auto format = magnitude == 0 || (magnitude >= 1e-9 && magnitude < 1e15)
                            ? std::chars_format::fixed
                            : std::chars_format::general;
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, *d, format).ptr);
  }
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  return "";
}

Value StatisticValue(ColumnType type, std::string_view plain) {
  switch (type) {
    case ColumnType::kString:
      return std::string(plain);
    case ColumnType::kBool:
      return plain.size() == 1 ? Value(plain[0] != 0) : Value();
    case ColumnType::kInt32:
    case ColumnType::kDate:
      return plain.size() == 4 ? Value(int64_t{LoadLittleEndian<int32_t>(plain.data())}) : Value();
    case ColumnType::kDouble:
      return plain.size() == 8 ? Value(LoadLittleEndian<double>(plain.data())) : Value();
    default:
      return plain.size() == 8 ? Value(LoadLittleEndian<int64_t>(plain.data())) : Value();
  }
}

Result<std::unique_ptr<ParquetReader>> ParquetReader::Open(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(path.string() + ": cannot open");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return Status::Error(path.string() + ": read failed");
  return FromBytes(path.string(), std::move(bytes).str());
}

Result<std::unique_ptr<ParquetReader>> ParquetReader::FromBytes(std::string name, std::string bytes) {
  std::unique_ptr<ParquetReader> reader(new ParquetReader(std::move(name), std::move(bytes)));
  reader->zstd_ = ZSTD_createDCtx();
  if (reader->zstd_ == nullptr) return Status::Error(reader->name_ + ": cannot create a zstd context");
  if (Status s = reader->ParseFooter(); !s.ok()) return s;
  return reader;
}

ParquetReader::~ParquetReader() { ZSTD_freeDCtx(zstd_); }

Status ParquetReader::ParseFooter() {
  const std::string_view file = bytes_;
  if (file.size() < 12)
    return Status::Error(name_ + ": not a Parquet file (" + std::to_string(file.size()) + " bytes)");
  if (file.substr(0, 4) != kMagic)
    return Status::Error(name_ + ": not a Parquet file (no PAR1 at the start)");
  if (file.substr(file.size() - 4) != kMagic) {
    return Status::Error(name_ + ": footer damaged or truncated (no PAR1 at the end)");
  }
  const uint32_t footer_size = LoadLittleEndian<uint32_t>(file.data() + file.size() - 8);
  if (footer_size > file.size() - 12) {
    return Status::Error(name_ + ": footer damaged or truncated (footer length " +
                         std::to_string(footer_size) + " for a file of " + std::to_string(file.size()) +
                         " bytes)");
  }
  if (Status s = ParseMetadata(file.substr(file.size() - 8 - footer_size, footer_size)); !s.ok()) {
    return Status::Error(name_ + ": footer: " + s.message());
  }
  return {};
}

Status ParquetReader::ParseMetadata(std::string_view footer) {
  ThriftReader r(footer);
  std::vector<SchemaElement> schema;
  bool have_rows = false;
  int16_t id;
  ThriftType type;
  while (r.NextField(&id, &type)) {
    if (id == 2 && type == ThriftType::kList) {
      ThriftType element;
      uint32_t size;
      r.ReadListHeader(&element, &size);
      for (uint32_t i = 0; i < size && r.ok(); ++i) {
        SchemaElement& e = schema.emplace_back();
        ReadStruct(r, [&](int16_t f, ThriftType t) {
          if (f == 1 && IsInt(t))
            e.type = r.ReadI32();
          else if (f == 3 && IsInt(t))
            e.repetition = r.ReadI32();
          else if (f == 4 && t == ThriftType::kBinary)
            e.name = r.ReadBinary();
          else if (f == 5 && IsInt(t))
            e.num_children = r.ReadI32();
          else if (f == 6 && IsInt(t))
            e.converted = r.ReadI32();
          else if (f == 10 && t == ThriftType::kStruct) {
            e.logical = ReadUnion(r, [&](int16_t which, ThriftType wt) {
              if (which != 8 || wt != ThriftType::kStruct) return false;
              ReadStruct(r, [&](int16_t tf, ThriftType tt) {
                if (tf == 1 && (tt == ThriftType::kBoolTrue || tt == ThriftType::kBoolFalse)) {
                  e.utc = ThriftReader::BoolValue(tt);
                  return true;
                }
                if (tf == 2 && tt == ThriftType::kStruct) {
                  e.timestamp_unit = ReadUnion(r, [](int16_t, ThriftType) { return false; });
                  return true;
                }
                return false;
              });
              return true;
            });
          } else
            return false;
          return true;
        });
      }
    } else if (id == 3 && IsInt(type)) {
      num_rows_ = r.ReadI64();
      have_rows = true;
    } else if (id == 4 && type == ThriftType::kList) {
      ThriftType element;
      uint32_t size;
      r.ReadListHeader(&element, &size);
      for (uint32_t i = 0; i < size && r.ok(); ++i) {
        RowGroupInfo& group = row_groups_.emplace_back();
        ReadStruct(r, [&](int16_t f, ThriftType t) {
          if (f == 2 && IsInt(t)) {
            group.total_byte_size = r.ReadI64();
          } else if (f == 3 && IsInt(t)) {
            group.num_rows = r.ReadI64();
          } else if (f == 1 && t == ThriftType::kList) {
            ThriftType ce;
            uint32_t chunks;
            r.ReadListHeader(&ce, &chunks);
            for (uint32_t c = 0; c < chunks && r.ok(); ++c) {
              ColumnChunkInfo& chunk = group.columns.emplace_back();
              chunk.num_values = -1;
              ReadStruct(r, [&](int16_t cf, ThriftType ct) {
                if (cf != 3 || ct != ThriftType::kStruct) return false;
                ReadStruct(r, [&](int16_t m, ThriftType mt) {
                  if (m == 2 && mt == ThriftType::kList) {
                    ThriftType ee;
                    uint32_t n;
                    r.ReadListHeader(&ee, &n);
                    for (uint32_t k = 0; k < n && r.ok(); ++k) chunk.encodings.push_back(r.ReadI32());
                  } else if (m == 4 && IsInt(mt)) {
                    chunk.codec = static_cast<Codec>(r.ReadI32());
                  } else if (m == 5 && IsInt(mt)) {
                    chunk.num_values = r.ReadI64();
                  } else if (m == 6 && IsInt(mt)) {
                    chunk.total_uncompressed_size = r.ReadI64();
                  } else if (m == 7 && IsInt(mt)) {
                    chunk.total_compressed_size = r.ReadI64();
                  } else if (m == 9 && IsInt(mt)) {
                    chunk.data_page_offset = r.ReadI64();
                  } else if (m == 11 && IsInt(mt)) {
                    chunk.dictionary_page_offset = r.ReadI64();
                  } else if (m == 12 && mt == ThriftType::kStruct) {
                    ReadStruct(r, [&](int16_t s, ThriftType st) {
                      if (s == 3 && IsInt(st))
                        chunk.null_count = r.ReadI64();
                      else if (s == 5 && st == ThriftType::kBinary)
                        chunk.max_value = std::string(r.ReadBinary());
                      else if (s == 6 && st == ThriftType::kBinary)
                        chunk.min_value = std::string(r.ReadBinary());
                      else
                        return false;
                      return true;
                    });
                  } else {
                    return false;
                  }
                  return true;
                });
                return true;
              });
            }
          } else {
            return false;
          }
          return true;
        });
      }
    } else if (id == 6 && type == ThriftType::kBinary) {
      created_by_ = r.ReadBinary();
    } else {
      r.Skip(type);
    }
  }
  if (!r.ok()) return r.status();

  if (schema.empty() || !have_rows) return Status::Error("no schema or no row count");
  const SchemaElement& root = schema[0];
  if (!root.num_children || static_cast<size_t>(*root.num_children) != schema.size() - 1) {
    return Status::Error("only flat schemas are supported (root has " +
                         std::to_string(root.num_children.value_or(0)) + " children, " +
                         std::to_string(schema.size() - 1) + " leaves)");
  }
  for (size_t i = 1; i < schema.size(); ++i) {
    const SchemaElement& e = schema[i];
    if (e.num_children && *e.num_children > 0) return Status::Error("column '" + e.name + "' is a group");
    if (e.repetition != format::kRequired && e.repetition != format::kOptional) {
      return Status::Error("column '" + e.name + "' is repeated");
    }
    Result<ColumnType> t = ColumnTypeOf(e);
    if (!t.ok()) return t.status();
    columns_.push_back(ColumnSpec{e.name, *t, e.repetition == format::kOptional});
  }
  int64_t rows = 0;
  for (size_t g = 0; g < row_groups_.size(); ++g) {
    const RowGroupInfo& group = row_groups_[g];
    if (group.columns.size() != columns_.size()) {
      return Status::Error("row group " + std::to_string(g) + " has " + std::to_string(group.columns.size()) +
                           " column chunks for " + std::to_string(columns_.size()) + " columns");
    }
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (group.columns[c].num_values < 0) {
        return Status::Error("row group " + std::to_string(g) + ", column '" + columns_[c].name +
                             "': no metadata");
      }
    }
    rows += group.num_rows;
  }
  if (rows != num_rows_) {
    return Status::Error("row groups hold " + std::to_string(rows) + " rows, the file says " +
                         std::to_string(num_rows_));
  }
  return {};
}

Status ParquetReader::DecodeChunk(size_t row_group, size_t column, std::vector<Value>* out) {
  const ColumnSpec& spec = columns_[column];
  const ColumnChunkInfo& info = row_groups_[row_group].columns[column];
  const std::string where = name_ + ": column '" + spec.name + "', row group " + std::to_string(row_group);
  size_t page_no = 0;
  auto fail = [&](const std::string& what) {
    return Status::Error(where + ", page " + std::to_string(page_no) + ": " + what);
  };
  if (info.codec != Codec::kUncompressed && info.codec != Codec::kZstd) {
    return Status::Error(where + ": unsupported codec " + std::to_string(static_cast<int>(info.codec)));
  }
  const int64_t start = info.dictionary_page_offset.value_or(info.data_page_offset);
  const auto file_size = static_cast<int64_t>(bytes_.size());
  if (start < 4 || info.total_compressed_size < 0 || info.total_compressed_size > file_size - 8 - start) {
    return Status::Error(where + ": column chunk at " + std::to_string(start) + " of " +
                         std::to_string(info.total_compressed_size) + " bytes lies outside the file");
  }
  const std::string_view region = std::string_view(bytes_).substr(start, info.total_compressed_size);

  out->clear();
  out->reserve(static_cast<size_t>(info.num_values));
  std::vector<Value> dictionary, values;
  std::vector<uint32_t> levels, ids;
  size_t pos = 0;
  int64_t rows = 0;
  for (; rows < info.num_values || pos < region.size(); ++page_no) {
    if (pos >= region.size()) {
      return fail("the pages end after " + std::to_string(rows) + " of " + std::to_string(info.num_values) +
                  " values");
    }
    // PageHeader.
    ThriftReader r(region.substr(pos));
    int32_t page_type = -1, uncompressed = -1, compressed = -1, page_values = -1, encoding = -1;
    std::optional<int32_t> crc;
    int16_t id;
    ThriftType type;
    while (r.NextField(&id, &type)) {
      if (id == 1 && IsInt(type))
        page_type = r.ReadI32();
      else if (id == 2 && IsInt(type))
        uncompressed = r.ReadI32();
      else if (id == 3 && IsInt(type))
        compressed = r.ReadI32();
      else if (id == 4 && IsInt(type))
        crc = r.ReadI32();
      else if ((id == 5 || id == 7) && type == ThriftType::kStruct) {
        ReadStruct(r, [&](int16_t f, ThriftType t) {
          if (f == 1 && IsInt(t))
            page_values = r.ReadI32();
          else if (f == 2 && IsInt(t))
            encoding = r.ReadI32();
          else
            return false;
          return true;
        });
      } else
        r.Skip(type);
    }
    if (!r.ok()) return fail("bad page header: " + r.status().message());
    const size_t body_at = pos + r.position();
    if (compressed < 0 || uncompressed < 0 || static_cast<size_t>(compressed) > region.size() - body_at) {
      return fail("page size " + std::to_string(compressed) + " runs past the column chunk");
    }
    const std::string_view body = region.substr(body_at, static_cast<size_t>(compressed));
    pos = body_at + static_cast<size_t>(compressed);
    if (crc && static_cast<uint32_t>(*crc) != Crc32(body)) {
      return fail("crc mismatch (stored " + std::to_string(static_cast<uint32_t>(*crc)) + ", computed " +
                  std::to_string(Crc32(body)) + ")");
    }
    if (page_type != format::kDataPage && page_type != format::kDictionaryPage) {
      if (page_type == format::kDataPageV2) return fail("DATA_PAGE_V2 pages are not supported");
      continue;  // index pages and others carry no values
    }

    std::string_view data = body;
    if (info.codec == Codec::kZstd) {
      if (uncompressed > kMaxPageBytes) return fail("uncompressed size " + std::to_string(uncompressed));
      page_.resize(static_cast<size_t>(uncompressed));
      const size_t n = ZSTD_decompressDCtx(zstd_, page_.data(), page_.size(), body.data(), body.size());
      if (ZSTD_isError(n)) return fail(std::string("zstd: ") + ZSTD_getErrorName(n));
      if (n != page_.size())
        return fail("decompressed to " + std::to_string(n) + " bytes, header says " +
                    std::to_string(uncompressed));
      data = page_;
    } else if (uncompressed != compressed) {
      return fail("uncompressed page with two sizes");
    }
    if (page_values < 0) return fail("page header has no value count");

    if (page_type == format::kDictionaryPage) {
      if (!dictionary.empty() || rows > 0) return fail("dictionary page after the first page");
      if (encoding != format::kPlain && encoding != format::kPlainDictionary) {
        return fail("dictionary encoding " + std::to_string(encoding));
      }
      size_t p = 0;
      if (!DecodePlain(spec.type, data, &p, static_cast<size_t>(page_values), &dictionary) ||
          p != data.size()) {
        return fail("dictionary values do not fill the page");
      }
      continue;
    }

    if (page_values > info.num_values - rows) return fail("more values than the column chunk holds");
    const auto n = static_cast<size_t>(page_values);
    size_t present = n;
    if (spec.optional) {
      if (data.size() < 4) return fail("no definition levels");
      const uint32_t size = LoadLittleEndian<uint32_t>(data.data());
      if (size > data.size() - 4) return fail("definition levels run past the page");
      levels.assign(n, 0);
      size_t used = 0;
      if (!DecodeRleHybrid(data.substr(4, size), 1, levels, &used) || used != size) {
        return fail("bad definition levels");
      }
      present = 0;
      for (uint32_t level : levels) present += level;
      data.remove_prefix(4 + size);
    }
    values.clear();
    if (encoding == format::kPlain) {
      size_t p = 0;
      if (!DecodePlain(spec.type, data, &p, present, &values)) return fail("values run past the page");
      if (p != data.size()) return fail(std::to_string(data.size() - p) + " bytes after the values");
    } else if (encoding == format::kRleDictionary || encoding == format::kPlainDictionary) {
      if (dictionary.empty() && present > 0) return fail("dictionary-encoded page without a dictionary");
      if (data.empty() && present > 0) return fail("no dictionary id width");
      const int width = data.empty() ? 1 : static_cast<uint8_t>(data[0]);
      ids.assign(present, 0);
      size_t used = 0;
      if (present > 0 && (!DecodeRleHybrid(data.substr(1), width, ids, &used) || 1 + used != data.size())) {
        return fail("bad dictionary ids");
      }
      for (uint32_t i : ids) {
        if (i >= dictionary.size()) return fail("dictionary id " + std::to_string(i) + " out of range");
        values.push_back(dictionary[i]);
      }
    } else {
      return fail("unsupported encoding " + std::to_string(encoding));
    }
    size_t next = 0;
    for (size_t i = 0; i < n; ++i) {
      if (spec.optional && levels[i] == 0) {
        out->emplace_back();
      } else {
        out->push_back(std::move(values[next++]));
      }
    }
    rows += page_values;
  }
  if (rows != info.num_values) {
    return Status::Error(where + ": pages hold " + std::to_string(rows) + " values, the footer says " +
                         std::to_string(info.num_values));
  }
  return {};
}

Result<std::vector<Value>> ParquetReader::ReadColumn(size_t row_group, size_t column) {
  if (row_group >= row_groups_.size() || column >= columns_.size()) {
    return Status::Error(name_ + ": no row group " + std::to_string(row_group) + " column " +
                         std::to_string(column));
  }
  std::vector<Value> values;
  if (Status s = DecodeChunk(row_group, column, &values); !s.ok()) return s;
  return values;
}

Result<std::vector<std::vector<std::string>>> ParquetReader::ReadTextRows() {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(static_cast<size_t>(num_rows_));
  std::vector<Value> values;
  for (size_t g = 0; g < row_groups_.size(); ++g) {
    const size_t first = rows.size();
    rows.resize(first + static_cast<size_t>(row_groups_[g].num_rows),
                std::vector<std::string>(columns_.size()));
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (Status s = DecodeChunk(g, c, &values); !s.ok()) return s;
      if (values.size() != static_cast<size_t>(row_groups_[g].num_rows)) {
        return Status::Error(name_ + ": column '" + columns_[c].name + "', row group " + std::to_string(g) +
                             ": " + std::to_string(values.size()) + " values for " +
                             std::to_string(row_groups_[g].num_rows) + " rows");
      }
      for (size_t i = 0; i < values.size(); ++i) rows[first + i][c] = ValueText(columns_[c].type, values[i]);
    }
  }
  return rows;
}

Status ParquetReader::Verify() {
  std::vector<Value> values;
  for (size_t g = 0; g < row_groups_.size(); ++g) {
    for (size_t c = 0; c < columns_.size(); ++c) {
      const ColumnChunkInfo& info = row_groups_[g].columns[c];
      const std::string where = name_ + ": column '" + columns_[c].name + "', row group " + std::to_string(g);
      if (info.num_values != row_groups_[g].num_rows) {
        return Status::Error(where + ": " + std::to_string(info.num_values) + " values for " +
                             std::to_string(row_groups_[g].num_rows) + " rows");
      }
      if (Status s = DecodeChunk(g, c, &values); !s.ok()) return s;
      int64_t nulls = 0;
      for (const Value& v : values) nulls += std::holds_alternative<std::monostate>(v);
      if (info.null_count && *info.null_count != nulls) {
        return Status::Error(where + ": statistics say " + std::to_string(*info.null_count) +
                             " nulls, pages hold " + std::to_string(nulls));
      }
    }
  }
  return {};
}

}  // namespace civicflow::storage::parquet
