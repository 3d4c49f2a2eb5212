#pragma once
// ParquetReader: reads Parquet files like ours (parquet_writer.h draws the
// layout): a flat schema of the ColumnTypes, PLAIN or dictionary-encoded
// v1 data pages, UNCOMPRESSED or ZSTD, optional columns. The whole file is
// held in memory. Not thread-safe; each reading thread opens its own.
//
// Damage is a Status naming the file and, for pages, the column, row group
// and page: "F: column 'c', row group 1, page 3: crc mismatch …". Page CRCs
// are checked whenever a page is read, not only by Verify().
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/base/status.h"
#include "storage/parquet/parquet_format.h"

struct ZSTD_DCtx_s;

namespace civicflow::storage::parquet {

// One cell: null, an integer (INT32, INT64, DATE as days, TIMESTAMP as
// microseconds), a double, a boolean or a string.
using Value = std::variant<std::monostate, int64_t, double, bool, std::string>;

// The text form AppendTextRow accepts: "" for null, "12.5", "true",
// "yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss" (microseconds, if any, are dropped).
std::string ValueText(ColumnType type, const Value& value);
// A PLAIN statistics value (min_value / max_value) as a Value; monostate if malformed.
Value StatisticValue(ColumnType type, std::string_view plain);

struct ColumnChunkInfo {
  Codec codec = Codec::kUncompressed;
  std::vector<int32_t> encodings;  // parquet.thrift Encoding values
  int64_t num_values = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  int64_t total_compressed_size = 0;
  int64_t total_uncompressed_size = 0;
  std::optional<int64_t> null_count;
  std::optional<std::string> min_value, max_value;  // PLAIN bytes
};

struct RowGroupInfo {
  int64_t num_rows = 0;
  int64_t total_byte_size = 0;
  std::vector<ColumnChunkInfo> columns;
};

class ParquetReader {
 public:
  // Reads the file and parses its footer.
  static Result<std::unique_ptr<ParquetReader>> Open(const std::filesystem::path& path);
  // A file already in memory; `name` is used in messages.
  static Result<std::unique_ptr<ParquetReader>> FromBytes(std::string name, std::string bytes);
  ~ParquetReader();
  ParquetReader(const ParquetReader&) = delete;
  ParquetReader& operator=(const ParquetReader&) = delete;

  const std::vector<ColumnSpec>& columns() const { return columns_; }
  const std::vector<RowGroupInfo>& row_groups() const { return row_groups_; }
  int64_t num_rows() const { return num_rows_; }
  const std::string& created_by() const { return created_by_; }

  // One column of one row group, a Value per row.
  Result<std::vector<Value>> ReadColumn(size_t row_group, size_t column);
  // Every row, as text cells (ValueText).
  Result<std::vector<std::vector<std::string>>> ReadTextRows();

  // Checks the whole file: magic, footer, every page's CRC and header, and
  // decodes every value; row counts must agree everywhere.
  Status Verify();

 private:
  ParquetReader(std::string name, std::string bytes) : name_(std::move(name)), bytes_(std::move(bytes)) {}
  Status ParseFooter();
  Status ParseMetadata(std::string_view footer);
  Status DecodeChunk(size_t row_group, size_t column, std::vector<Value>* out);

  std::string name_;
  std::string bytes_;
  std::vector<ColumnSpec> columns_;
  std::vector<RowGroupInfo> row_groups_;
  int64_t num_rows_ = 0;
  std::string created_by_;
  ZSTD_DCtx_s* zstd_ = nullptr;
  std::string page_;  // one decompressed page
};

}  // namespace civicflow::storage::parquet
