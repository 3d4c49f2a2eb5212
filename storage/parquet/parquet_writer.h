#pragma once
// ParquetWriter: writes one Parquet file of a flat schema, row by row into
// column buffers that are encoded and compressed a data page at a time as they
// fill; a row group's column chunks are written when it is cut. Memory: about
// one page of raw values per column plus the row group's compressed pages.
// Owned and used by one thread.
//
// The file we write:
//
//   "PAR1"
//   row group 0:
//     column chunk 0:  [dictionary page]  data page  data page …
//     column chunk 1:  …
//   row group 1: …
//   FileMetaData (thrift compact): schema, row groups → column chunks →
//                ColumnMetaData (offsets, sizes, codec, encodings, statistics)
//   footer length (4 bytes, little-endian)
//   "PAR1"
//
//   page = PageHeader (thrift compact: type, sizes, crc, data/dictionary header)
//          body (ZSTD-compressed unless Codec::kUncompressed; the CRC-32 covers it as stored)
//   data page v1 body, before compression:
//          [definition levels: u32 length, RLE/bit-packed hybrid, width 1]   optional columns only
//          values: PLAIN, or for dictionary pages u8 bit width + RLE/bit-packed ids
//   dictionary page body: the distinct values, PLAIN, in id order
//   A chunk whose dictionary overflowed after pages were cut holds dictionary
//   pages first and PLAIN pages after (as parquet-mr writes them).
//
// Row groups are cut every `row_group_rows` rows; data pages at about
// `page_bytes` of encoded values. Statistics (min_value, max_value,
// null_count) are per column chunk. created_by is "civicflow".
//
// Use: Append* one value to every column (any order), then EndRow(); or
// AppendTextRow() for a whole row of text cells. Close() writes the footer,
// syncs and publishes the file. A value of the wrong type, a null in a
// required column or an incomplete row is reported by EndRow(); after any
// error every later call returns it. Errors are Status values.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/local_time.h"
#include "engine/base/status.h"
#include "storage/parquet/column_chunk_writer.h"
#include "storage/parquet/output_file.h"
#include "storage/parquet/parquet_format.h"

namespace civicflow::storage::parquet {

struct ParquetFileStats {
  uint64_t rows = 0;
  uint64_t bytes = 0;  // file size
  uint32_t row_groups = 0;
};

class ParquetWriter {
 public:
  // A file at `path` (written as path.tmp, renamed by Close()).
  static Result<std::unique_ptr<ParquetWriter>> Create(const std::filesystem::path& path,
                                                       std::vector<ColumnSpec> columns,
                                                       ParquetWriterOptions options = {});
  // Any output. REQUIRES: columns non-empty, names unique and non-empty.
  static Result<std::unique_ptr<ParquetWriter>> Create(std::unique_ptr<OutputFile> file,
                                                       std::vector<ColumnSpec> columns,
                                                       ParquetWriterOptions options = {});
  ~ParquetWriter();
  ParquetWriter(const ParquetWriter&) = delete;
  ParquetWriter& operator=(const ParquetWriter&) = delete;

  const std::vector<ColumnSpec>& columns() const { return specs_; }

  // One value of the current row for `column`.
  void AppendNull(size_t column);
  void AppendInt(size_t column, int64_t v);  // INT32 (range-checked) or INT64
  void AppendDouble(size_t column, double v);
  void AppendBool(size_t column, bool v);
  void AppendString(size_t column, std::string_view v);
  void AppendDate(size_t column, LocalTime day);  // the calendar day of `day`
  void AppendDays(size_t column, int32_t days_since_epoch);
  void AppendTimestamp(size_t column, LocalTime t);
  void AppendTimestampMicros(size_t column, int64_t micros_since_epoch);
  // Ends the row; writes a row group when it is full.
  Status EndRow();

  // A whole row of text cells in column order, as TableSink rows carry them:
  // "" is null; INT32/INT64 decimal integers; DOUBLE a decimal ("12.5");
  // BOOLEAN "true"/"false"; DATE "yyyy-MM-dd"; TIMESTAMP "yyyy-MM-dd HH:mm:ss".
  // A cell that does not parse is an error naming column and text, and
  // appends nothing.
  Status AppendTextRow(std::span<const std::string_view> cells);

  // Writes the last row group and the footer, syncs and closes the file.
  Result<ParquetFileStats> Close();

  uint64_t rows() const { return rows_; }
  uint64_t bytes_written() const { return offset_; }

 private:
  ParquetWriter(std::unique_ptr<OutputFile> file, std::vector<ColumnSpec> columns,
                ParquetWriterOptions options);
  bool Check(size_t column, bool ok_type, const char* what);
  Status FlushRowGroup();
  Status Write(std::string_view bytes);
  void EncodeFooter(std::string* out) const;

  std::unique_ptr<OutputFile> file_;
  std::vector<ColumnSpec> specs_;
  ParquetWriterOptions options_;
  std::vector<std::unique_ptr<ColumnChunkWriter>> chunks_;
  ZSTD_CCtx_s* zstd_ = nullptr;
  Status error_;  // sticky: the first failure
  bool closed_ = false;
  uint64_t rows_ = 0;        // rows ended, all row groups
  uint64_t group_rows_ = 0;  // rows ended in the row group being built
  uint64_t offset_ = 0;      // bytes written so far
  std::string chunk_bytes_;  // one column chunk's pages, reused

  struct RowGroupMetadata {
    int64_t num_rows = 0;
    int64_t file_offset = 0;
    std::vector<ChunkMetadata> columns;
  };
  std::vector<RowGroupMetadata> row_groups_;

  struct TextCell {
    bool null = false;
    int64_t i = 0;
    double d = 0;
    std::string_view s;
  };
  std::vector<TextCell> parsed_;  // AppendTextRow's scratch
};

}  // namespace civicflow::storage::parquet
