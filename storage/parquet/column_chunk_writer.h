#pragma once
// ColumnChunkWriter: one column's values for the row group being built,
// encoded into data pages as they fill (so a writer holds about one page of
// raw values per column, plus the compressed pages of the row group), and
// assembled into a column chunk when the row group is cut. Owned by a
// ParquetWriter, touched by its thread only. Buffers keep their capacity
// across pages and row groups, so appending allocates nothing once warm.
//
// Dictionary: string and integer columns build a dictionary while values
// arrive (an open-addressing table of ids with hash tags; the dictionary keeps
// its own copy of each distinct value). A page cut while the dictionary is
// live holds ids. The dictionary is abandoned for the rest of the row group
// once it passes max_dictionary_entries or max_dictionary_bytes, or when, at
// the first page cut, it is not smaller than PLAIN; pages from then on are
// PLAIN. If no dictionary page was cut yet, the buffered ids are turned back
// into values and the whole chunk is PLAIN (no dictionary page).
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
  // `zstd` compresses pages when options.codec is kZstd; owned by the caller,
  // who keeps it alive as long as this writer.
  ColumnChunkWriter(ColumnSpec spec, const ParquetWriterOptions& options, ZSTD_CCtx_s* zstd);

  const ColumnSpec& spec() const { return spec_; }
  uint64_t rows() const { return rows_; }

  // REQUIRES: the value matches spec().type (ParquetWriter checks); nulls
  // only for optional columns.
  void AppendNull() {
    defs_.push_back(0);
    ++rows_;
    ++page_rows_;
    page_bits_ += 1;
    if (page_bits_ >= budget_bits_) CutPage();
  }
  void AppendInt(int64_t v) {
    if (dictionary_live_ && TrackInt(v)) return;
    Present();
    ints_.push_back(v);
    page_bits_ += Is32Bit() ? 32 : 64;
    if (page_bits_ >= budget_bits_) CutPage();
  }
  void AppendDouble(double v) {
    Present();
    doubles_.push_back(v);
    page_bits_ += 64;
    if (page_bits_ >= budget_bits_) CutPage();
  }
  void AppendBool(bool v) {
    Present();
    bools_.push_back(v ? 1 : 0);
    page_bits_ += 1;
    if (page_bits_ >= budget_bits_) CutPage();
  }
  void AppendString(std::string_view v) {
    if (dictionary_live_ && TrackString(v)) return;
    Present();
    bytes_.append(v);
    ends_.push_back(bytes_.size());
    page_bits_ += 8 * (4 + v.size());
    if (page_bits_ >= budget_bits_) CutPage();
  }

  // Encodes what is left as the last page and assembles the column chunk
  // starting at `file_offset`: appends its pages to `out`, fills `meta`,
  // clears the row group's state. Reports the first failure of any page.
  Status Flush(int64_t file_offset, std::string* out, ChunkMetadata* meta);

 private:
  void Present() {
    if (spec_.optional) {
      defs_.push_back(1);
      page_bits_ += 1;
    }
    ++rows_;
    ++page_rows_;
  }
  bool Is32Bit() const { return spec_.type == ColumnType::kInt32 || spec_.type == ColumnType::kDate; }
  static uint64_t Hash64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
  }
  // The value was found in or added to the dictionary and appended as an id:
  // true. False when the dictionary has just been abandoned (the caller
  // appends the value PLAIN).
  bool TrackInt(int64_t v);
  bool TrackString(std::string_view v);
  // Probes for a value with hash `hash`; `same(entry)` compares. Returns the
  // slot holding it, or the empty slot where it belongs.
  template <typename Same>
  size_t Probe(uint64_t hash, Same same) const;
  // Records the value just stored in the dictionary at empty slot `slot`; returns its id.
  uint32_t AddEntry(size_t slot, uint64_t hash, size_t entry_bytes);
  void AppendId(uint32_t id);
  void GrowSlots();
  bool DictionaryFull(size_t entry_bytes) const {
    return entries_ >= options_.max_dictionary_entries ||
           dictionary_bytes_ + entry_bytes > options_.max_dictionary_bytes;
  }
  // Leaves dictionary encoding for the rest of the row group (see the class comment).
  void AbandonDictionary();
  // Turns the buffered ids of the current page back into PLAIN values.
  void MaterializeIds();
  // Encodes the buffered rows as one data page into pages_.
  void CutPage();
  void ClearPage();  // the open page's rows and values, after it was written or dropped
  void MergePageStatistics();
  void MergeDictionaryStatistics();
  void StatisticsOf(ChunkMetadata* meta) const;
  void Reset();

  std::string_view StringAt(size_t i) const {
    const size_t begin = i ? ends_[i - 1] : 0;
    return std::string_view(bytes_).substr(begin, ends_[i] - begin);
  }
  std::string_view EntryString(size_t e) const {
    const size_t begin = e ? dict_ends_[e - 1] : 0;
    return std::string_view(dict_bytes_).substr(begin, dict_ends_[e] - begin);
  }
  void AppendPlainValue(size_t index, std::string* out) const;
  void AppendPlainEntry(size_t entry, std::string* out) const;
  // Compresses `page` (unless uncompressed) and appends header + body to `out`.
  Status WritePage(const std::string& page, int32_t page_type, int32_t num_values, int32_t encoding,
                   std::string* out, int64_t* uncompressed_total, int64_t* compressed_total);

  ColumnSpec spec_;
  const ParquetWriterOptions& options_;
  ZSTD_CCtx_s* zstd_;
  size_t budget_bits_;
  Status status_;  // the first failure of a page, reported by Flush

  // The row group.
  uint64_t rows_ = 0;
  uint64_t chunk_values_ = 0;  // non-null values in the pages cut so far
  uint32_t dictionary_pages_ = 0, plain_pages_ = 0;
  std::string pages_;  // the data pages cut so far: headers and (compressed) bodies
  int64_t pages_uncompressed_ = 0, pages_compressed_ = 0;

  // The page being built: definition levels per row (optional columns), and
  // either dictionary ids (while the dictionary is live) or values by type.
  uint64_t page_rows_ = 0;
  size_t page_bits_ = 0;         // estimated encoded size, to cut pages at page_bytes
  size_t page_plain_bytes_ = 0;  // PLAIN size of the ids' values (is the dictionary paying?)
  std::vector<uint8_t> defs_;
  std::vector<uint32_t> ids_;
  std::vector<int64_t> ints_;  // INT32, INT64, DATE, TIMESTAMP
  std::vector<double> doubles_;
  std::vector<uint8_t> bools_;
  std::string bytes_;
  std::vector<size_t> ends_;  // end of each string in bytes_

  // Dictionary: distinct values in id order, and slots of (hash tag << 32 | entry + 1).
  bool dictionary_live_ = false;
  uint32_t entries_ = 0;
  int id_width_ = 1;  // bits of the largest id so far
  std::vector<int64_t> dict_ints_;
  std::string dict_bytes_;
  std::vector<size_t> dict_ends_;
  std::vector<uint64_t> slots_;
  size_t dictionary_bytes_ = 0;  // PLAIN size of the dictionary page

  // Statistics of the PLAIN pages cut so far (dictionary pages: from the dictionary at Flush).
  bool stats_any_ = false;
  int64_t stats_int_min_ = 0, stats_int_max_ = 0;
  double stats_double_min_ = 0, stats_double_max_ = 0;
  bool stats_any_false_ = false, stats_any_true_ = false;
  std::string stats_string_min_, stats_string_max_;

  // One page being encoded (uncompressed, compressed, header) lives in a
  // thread_local scratch shared by every column of every writer of the thread:
  // only one page is encoded at a time.
};

}  // namespace civicflow::storage::parquet
