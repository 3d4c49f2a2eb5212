#pragma once
// CsvTableParts: the CSV output of a run, one part file per table per shard
// at DIR/tables/<table>/part-NNN.csv, so each shard writes its own files
// without locks. Opened and closed by the owner; Sink(shard, …) is then
// used by that shard's thread only.
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/status.h"
#include "storage/csv_writer.h"

namespace civicflow::storage {

struct TableColumns {
  std::string_view name;
  std::span<const std::string_view> columns;
};

class CsvTableParts {
 public:
  static Result<CsvTableParts> Open(const std::filesystem::path& dir, std::span<const TableColumns> tables,
                                    uint32_t shards);

  TableSink* Sink(uint32_t shard, size_t table) { return parts_[shard * tables_ + table].get(); }
  // "DIR/tables/<table>/part-*.csv" for each table.
  const std::vector<std::string>& patterns() const { return patterns_; }
  // Closes every part; the rows written, all tables.
  Result<uint64_t> Close();

 private:
  size_t tables_ = 0;
  std::vector<std::unique_ptr<CsvWriter>> parts_;  // shard-major
  std::vector<std::string> patterns_;
};

}  // namespace civicflow::storage
