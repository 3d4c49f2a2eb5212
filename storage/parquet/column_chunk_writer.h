#pragma once
// ColumnChunkWriter: one column's values for the row group being built, and
// their encoding into a column chunk (dictionary page, data pages) when the
// row group is cut. Owned by a ParquetWriter, touched by its thread only.
// Buffers keep their capacity across row groups, so appending allocates
// nothing once warm.
//
// Dictionary: string and integer columns build a dictionary while values
// arrive (an open-addressing table of ids, values kept once in the buffers).
// It is abandoned for the rest of the row group once it passes
// max_dictionary_entries or max_dictionary_bytes; the chunk is then PLAIN.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "storage/parquet/parquet_format.h"

struct ZSTD_CCtx_s;

namespace civicflow::storage::parquet {

struct ParquetWriterOptions {
  uint64_t row_group_rows = 1'000'000;  // a row group is cut when it has this many rows
  size_t page_bytes = 1 << 20;          // target encoded size of a data page, before compression
  Codec codec = Codec::kZstd;
  int zstd_level = 3;
  bool dictionary = true;  // try dictionary encoding for string and integer columns
  uint32_t max_dictionary_entries = 1 << 16;
  size_t max_dictionary_bytes = 1 << 20;  // PLAIN size of the dictionary page
  size_t max_statistics_bytes = 4096;     // string min/max longer than this are left out
};

// What the footer needs to know about a written column chunk.
struct ChunkMetadata {
  int64_t num_values = 0;  // rows, nulls included
  int64_t null_count = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  int64_t total_uncompressed_size = 0;  // pages with their headers
  int64_t total_compressed_size = 0;
  std::vector<int32_t> encodings;
  std::optional<std::string> min_value, max_value;  // PLAIN, strings without length prefix
};

class ColumnChunkWriter {
 public:
  ColumnChunkWriter(ColumnSpec spec, const ParquetWriterOptions& options);

  const ColumnSpec& spec() const { return spec_; }
  uint64_t rows() const { return rows_; }

  // REQUIRES: the value matches spec().type (ParquetWriter checks); nulls
  // only for optional columns.
  void AppendNull() {
    defs_.push_back(0);
    ++rows_;
  }
  void AppendInt(int64_t v) {
    Present();
    ints_.push_back(v);
    if (dictionary_live_) Track(Hash64(static_cast<uint64_t>(v)), ints_.size() - 1);
  }
  void AppendDouble(double v) {
    Present();
    doubles_.push_back(v);
  }
  void AppendBool(bool v) {
    Present();
    bools_.push_back(v ? 1 : 0);
  }
  void AppendString(std::string_view v);

  // Encodes the buffered rows as one column chunk starting at `file_offset`:
  // appends its pages to `out`, fills `meta`, clears the buffers.
  Status Flush(int64_t file_offset, ZSTD_CCtx_s* zstd, std::string* out, ChunkMetadata* meta);

 private:
  void Present() {
    if (spec_.optional) defs_.push_back(1);
    ++rows_;
  }
  static uint64_t Hash64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
  }
  size_t values() const;
  std::string_view StringAt(size_t i) const {
    const size_t begin = i ? ends_[i - 1] : 0;
    return std::string_view(bytes_).substr(begin, ends_[i] - begin);
  }
  bool SameValue(size_t a, size_t b) const;
  // Records the dictionary id of value `index` (the one just appended).
  void Track(uint64_t hash, size_t index);
  uint64_t HashAt(size_t index) const;
  void GrowSlots();
  void Reset();

  void AppendPlain(size_t index, std::string* out) const;
  void ComputeStatistics(ChunkMetadata* meta) const;
  Status WritePage(int32_t page_type, int32_t num_values, int32_t encoding, ZSTD_CCtx_s* zstd,
                   std::string* out, ChunkMetadata* meta);

  ColumnSpec spec_;
  const ParquetWriterOptions& options_;
  uint64_t rows_ = 0;
  std::vector<uint8_t> defs_;  // optional columns: 1 value, 0 null, per row
  // Non-null values, by type: integers (INT32, INT64, DATE, TIMESTAMP), doubles, bools, strings.
  std::vector<int64_t> ints_;
  std::vector<double> doubles_;
  std::vector<uint8_t> bools_;
  std::string bytes_;
  std::vector<size_t> ends_;  // end of each string in bytes_

  // Dictionary being built: ids_ per value, first_ = value index of each entry.
  bool dictionary_live_ = false;
  std::vector<uint32_t> ids_;
  std::vector<uint32_t> first_;
  std::vector<uint32_t> slots_;  // entry + 1; 0 = empty
  size_t dictionary_bytes_ = 0;

  std::string page_;        // one page, uncompressed
  std::string compressed_;  // one page, compressed
  std::string header_;      // one page header
};

}  // namespace civicflow::storage::parquet
