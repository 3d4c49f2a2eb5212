#pragma once
// CsvTableParts: the CSV output of a run, one part file per table per shard
// at DIR/tables/<table>/part-NNN.csv, so each shard writes its own files
// without locks. Opened, synced, muted and closed by the owner while no
// shard runs (at start, or at a quiesced engine); Sink(shard, …) is then
// used by that shard's thread only.
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "storage/checkpoint.h"
#include "storage/csv_writer.h"

namespace civicflow::storage {

struct TableColumns {
  std::string_view name;
  std::span<const std::string_view> columns;
};

class CsvTableParts {
 public:
  // Starts every part afresh, or, given a checkpoint, continues each part it
  // lists cut back to the checkpointed length.
  static Result<CsvTableParts> Open(FileSystem& fs, const std::filesystem::path& dir,
                                    std::span<const TableColumns> tables, uint32_t shards,
                                    const Checkpoint* resume = nullptr);

  TableSink* Sink(uint32_t shard, size_t table) { return parts_[shard * tables_ + table].writer.get(); }
  // "DIR/tables/<table>/part-*.csv" for each table.
  const std::vector<std::string>& patterns() const { return patterns_; }

  void SetMuted(bool muted);
  // Makes every row written so far durable; the parts' lengths go into `checkpoint`.
  Status Sync(Checkpoint& checkpoint);
  // Closes every part; the rows written, all tables.
  Result<uint64_t> Close();

 private:
  struct Part {
    std::string path;  // relative to DIR
    std::unique_ptr<CsvWriter> writer;
  };
  size_t tables_ = 0;
  std::vector<Part> parts_;  // shard-major
  std::vector<std::string> patterns_;
};

}  // namespace civicflow::storage
