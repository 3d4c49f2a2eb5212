#pragma once
// CsvWriter: an append-only CSV table file (RFC 4180 quoting), buffered.
// Interim output format for aggregate tables until Parquet segments land.
// Owned by one thread.
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "engine/base/status.h"

namespace civicflow::storage {

class CsvWriter {
 public:
  // Creates parent directories; truncates `path`; writes the header row.
  static Result<std::unique_ptr<CsvWriter>> Open(const std::string& path,
                                                 std::initializer_list<std::string_view> columns);
  ~CsvWriter();
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  // Cells of one row, in column order. Numbers are formatted by the caller.
  void Row(std::initializer_list<std::string_view> cells);
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
