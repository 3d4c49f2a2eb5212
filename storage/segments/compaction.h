#pragma once
// Compaction and retention of a data dir's segments: merges each
// partition's final files into one compact file and deletes what it
// supersedes; optionally drops partitions past a retention. Run by
// `civicflow-seg compact` and by `civicflow serve` in the background. Safe
// against a crash at any point and against a server publishing at the same
// time, because it only ever touches final epochs (segment_layout.h):
//
//   0. take DIR/compact.lock (compact_lock.h) for the whole run, or fail:
//      one compaction per data dir at a time
//   limit = min(CHECKPOINT's epoch, DIR/pg_hold if present)
//   1. retention: in each partition dated before today − D (UTC+8), delete
//      the files of epochs ≤ limit, then the directory once it is empty;
//      files above limit (and the server's ".tmp" files) stay until a later
//      run finds them final
//   2. delete superseded files (an earlier compaction's leftovers)
//   3. per partition with ≥ min_files live files of epoch ≤ limit: write
//      them, in listing order, into compact-<their max epoch>.parquet
//      (.tmp, fsync, read back and verify, rename, directory fsync); files
//      above limit are never read, merged or deleted
//   4. delete what the new compact files supersede
//
// A crash after 3 leaves superseded files that readers already skip and
// the next run deletes.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "engine/base/local_time.h"
#include "engine/base/status.h"

namespace civicflow::storage {

struct CompactOptions {
  std::filesystem::path data_dir;
  std::string table;  // empty: every table
  uint32_t min_files = 4;
  std::optional<uint32_t> retention_days;
  LocalTime today;  // the local day retention counts back from
  // When set and true, partitions not yet merged are left for the next run
  // (what was merged is still cleaned up): a server stopping.
  const std::atomic<bool>* stop = nullptr;
};

struct CompactReport {
  uint64_t limit = 0;  // the highest epoch compaction could touch
  uint64_t partitions_merged = 0, files_merged = 0, rows_merged = 0;
  uint64_t files_deleted = 0, partitions_expired = 0;
};

// Prints one line per action to `log` (nullptr: silent). A partition that
// cannot be merged (unreadable file, differing schemas) is reported and
// skipped; the result is then an error naming how many failed and the first
// reason, after the others were done. Fails at once, touching nothing, when
// another compaction holds the lock or no epoch is final yet.
Result<CompactReport> Compact(const CompactOptions& options, std::FILE* log);

// The epoch in DIR/pg_hold (one decimal number), nullopt if the file is absent.
Result<std::optional<uint64_t>> LoadPgHold(const std::filesystem::path& data_dir);

}  // namespace civicflow::storage
