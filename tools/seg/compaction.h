#pragma once
// `civicflow-seg compact`: merges each partition's final files into one
// compact file and deletes what it supersedes; optionally drops partitions
// past a retention. Safe against a crash at any point and against a server
// publishing at the same time (segment_layout.h):
//
//   limit = min(CHECKPOINT's epoch, DIR/pg_hold if present)
//   1. retention: delete the partitions dated before today − D (UTC+8)
//   2. delete superseded files (an earlier compaction's leftovers)
//   3. per partition with ≥ min_files live files of epoch ≤ limit: write
//      them, in listing order, into compact-<their max epoch>.parquet
//      (.tmp, fsync, rename, directory fsync); files above limit are never
//      read, merged or deleted
//   4. delete what the new compact files supersede
//
// A crash after 3 leaves superseded files that readers already skip and
// the next run deletes. Run one compaction at a time per data dir.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "engine/base/local_time.h"
#include "engine/base/status.h"

namespace civicflow::seg {

struct CompactOptions {
  std::filesystem::path data_dir;
  std::string table;  // empty: every table
  uint32_t min_files = 4;
  std::optional<uint32_t> retention_days;
  LocalTime today;  // the local day retention counts back from
};

struct CompactReport {
  uint64_t limit = 0;  // the highest epoch compaction could touch
  uint64_t partitions_merged = 0, files_merged = 0, rows_merged = 0;
  uint64_t files_deleted = 0, partitions_expired = 0;
};

// Prints one line per action to `out`. A partition that cannot be merged
// (unreadable file, differing schemas) is reported and skipped; the result
// is then an error naming how many failed, after the others were done.
Result<CompactReport> Compact(const CompactOptions& options, std::FILE* out);

// The epoch in DIR/pg_hold (one decimal number), nullopt if the file is absent.
Result<std::optional<uint64_t>> LoadPgHold(const std::filesystem::path& data_dir);

}  // namespace civicflow::seg
