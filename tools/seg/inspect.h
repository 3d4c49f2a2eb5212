#pragma once
// The read-only commands of civicflow-seg over a data dir's segments
// (storage/segments/segment_layout.h): ls, cat, stats, verify. Each writes
// its report to `out` and returns a failure Status for what stops it;
// tables print tab-separated with a header line. Superseded files are
// never read: they are already in a compact file.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "engine/base/status.h"

namespace civicflow::seg {

struct Selection {
  std::filesystem::path data_dir;
  std::string table;  // empty: every table
  std::string date;   // empty: every date
};

// table, date, epoch, shard ("compact" for a compact file), rows (footer), bytes (file size).
Status ListFiles(const Selection& selection, std::FILE* out);

enum class RowFormat { kCsv, kNdjson };
// Every row of the table's live files, in file order. REQUIRES: selection.table set.
Status CatRows(const Selection& selection, RowFormat format, std::FILE* out);

// Per table: files, rows, bytes, uncompressed bytes, ratio, row groups; then a total line.
Status PrintStats(const Selection& selection, std::FILE* out);

struct VerifyReport {
  uint64_t files = 0, rows = 0, problems = 0, superseded = 0, in_progress = 0;
};
// Every live file through ParquetReader::Verify plus the layout checks;
// problems go to `out` as "path: message". An error only if it cannot list.
Result<VerifyReport> VerifySegments(const Selection& selection, bool allow_empty, std::FILE* out);

}  // namespace civicflow::seg
