#pragma once
// CsvWriter: an append-only CSV table file (RFC 4180 quoting), buffered.
// Interim output format for aggregate tables until Parquet segments land.
// Owned by one thread.
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "engine/base/status.h"
#include "engine/base/table_sink.h"

namespace civicflow::storage {

class CsvWriter final : public TableSink {
 public:
  // Creates parent directories; truncates `path`; writes the header row.
  static Result<std::unique_ptr<CsvWriter>> Open(const std::string& path,
                                                 std::span<const std::string_view> columns);
  ~CsvWriter();
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  // Cells of one row, in column order.
  void Row(std::span<const std::string_view> cells) override;
  Status Close();
  uint64_t rows() const { return rows_; }

 private:
  explicit CsvWriter(std::FILE* file) : file_(file) {}
  void Cell(std::string_view cell);
  std::FILE* file_;
  std::string line_;
  uint64_t rows_ = 0;
};

}  // namespace civicflow::storage
