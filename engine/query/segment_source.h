#pragma once
// SegmentSource: tables read from a data dir's live segment files
// (storage/segments/segment_layout.h) with our Parquet reader. Published
// files never change, so each file is read once per set of columns asked
// (queries ask few: one per endpoint and table) and only those cells are
// kept, cached by path (with its size and mtime, in case a path is ever
// reused); entries of files that are no longer live (compaction merged or
// retention deleted them) are dropped whenever their table is listed again.
// The cache holds at most `cache_bytes` of cells: past that, the least
// recently used projections are dropped (and read again when asked).
// Partitions outside the asked dates are not opened.
// Thread-safe: the cache is guarded by a mutex; files are read outside it.
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "engine/query/table_source.h"

namespace civicflow::query {

class SegmentSource final : public TableSource {
 public:
  explicit SegmentSource(std::filesystem::path data_dir, size_t cache_bytes = size_t{256} << 20)
      : data_dir_(std::move(data_dir)), cache_budget_(cache_bytes) {}

  std::string_view name() const override { return "segments"; }
  Result<std::vector<TextRow>> Rows(operators::Table table, std::span<const std::string_view> columns,
                                    const DateRange& dates) override;
  Result<std::vector<TextRow>> RawRows(std::string_view prefix,
                                       std::span<const std::string_view> columns) override;

  // Files whose rows are cached now, and the bytes of their cells (for tests of the cache).
  size_t cached_files() const;
  size_t cached_bytes() const;

 private:
  // A file's cells of some columns; `complete` is false when it lacks one.
  struct Projection {
    bool complete = false;
    std::vector<TextRow> rows;
    size_t bytes = 0;  // of the cells, roughly
  };
  struct Cached {
    std::shared_ptr<const Projection> projection;
    uint64_t last_used = 0;
  };
  struct CachedFile {
    uintmax_t size = 0;
    std::filesystem::file_time_type mtime;
    std::map<std::string, Cached> by_columns;  // key: names joined by ','
  };
  // A file missing one of `columns` is an error naming it when `strict`,
  // else it contributes no rows. A listed file deleted before it was read
  // (compaction) makes it list again, `attempts` times at most.
  Result<std::vector<TextRow>> TableRows(const std::string& table, std::span<const std::string_view> columns,
                                         const DateRange& dates, bool strict, int attempts = 3);
  Result<std::shared_ptr<const Projection>> Load(const std::string& table, const std::filesystem::path& path,
                                                 std::span<const std::string_view> columns);
  void ForgetAllBut(const std::string& table, const std::set<std::filesystem::path>& live);
  // REQUIRES: mu_ held. Drops least recently used projections until the cache fits its budget.
  void EvictOverBudget();

  const std::filesystem::path data_dir_;
  const size_t cache_budget_;
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::filesystem::path, CachedFile>> cache_;  // table → path → file
  size_t cached_bytes_ = 0;
  uint64_t uses_ = 0;  // the clock of last_used
};

}  // namespace civicflow::query
