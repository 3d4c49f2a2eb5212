#pragma once
// CsvWriter: an append-only CSV table file (RFC 4180 quoting), buffered,
// written through a FileSystem so its length can be checkpointed and cut
// back on recovery. Interim output format for aggregate tables until
// Parquet segments land. Owned by one thread.
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "engine/base/status.h"
#include "engine/base/table_sink.h"
#include "storage/file_system.h"

namespace civicflow::storage {

class CsvWriter final : public TableSink {
 public:
  // Starts `path` afresh (parent directories created) with the header row.
  static Result<std::unique_ptr<CsvWriter>> Create(FileSystem& fs, const std::filesystem::path& path,
                                                   std::span<const std::string_view> columns);
  // Continues `path` cut back to `length` bytes (a checkpoint's).
  static Result<std::unique_ptr<CsvWriter>> Resume(FileSystem& fs, const std::filesystem::path& path,
                                                   uint64_t length);
  ~CsvWriter() override;
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  // Cells of one row, in column order. Dropped while muted (recovery
  // rebuilding state from records whose rows are already in the file).
  void Row(std::span<const std::string_view> cells) override;
  void set_muted(bool muted) { muted_ = muted; }
  // Every row so far written and durable; the first write error otherwise.
  Status Sync();
  Status Close();
  uint64_t rows() const { return rows_; }
  uint64_t length() const { return file_->size() + buffer_.size(); }  // bytes, buffered ones included

 private:
  explicit CsvWriter(std::unique_ptr<AppendFile> file) : file_(std::move(file)) {}
  void Cell(std::string_view cell);
  void Spill();

  std::unique_ptr<AppendFile> file_;
  std::string buffer_;
  Status error_;
  uint64_t rows_ = 0;
  bool muted_ = false;
};

}  // namespace civicflow::storage
