#include "storage/segments/compaction.h"

#include <algorithm>
#include <charconv>
#include <cstdarg>
#include <memory>
#include <set>
#include <vector>

#include "storage/checkpoint.h"
#include "storage/file_system.h"
#include "storage/parquet/parquet_reader.h"
#include "storage/parquet/parquet_writer.h"
#include "storage/segments/compact_lock.h"
#include "storage/segments/segment_layout.h"
#include "storage/segments/segment_schema.h"

namespace civicflow::storage {
namespace {

namespace fs = std::filesystem;
using parquet::ColumnType;
using parquet::ParquetReader;
using parquet::ParquetWriter;
using parquet::Value;

FileSystem& Disk() { return FileSystem::Posix(); }

// fprintf to the log, if there is one.
__attribute__((format(printf, 2, 3))) void Log(std::FILE* log, const char* format, ...) {
  if (log == nullptr) return;
  va_list args;
  va_start(args, format);
  std::vfprintf(log, format, args);
  va_end(args);
}

void AppendValue(ParquetWriter& writer, size_t column, ColumnType type, const Value& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) {
    if (type == ColumnType::kDate) {
      writer.AppendDays(column, static_cast<int32_t>(*i));
    } else if (type == ColumnType::kTimestamp) {
      writer.AppendTimestampMicros(column, *i);
    } else {
      writer.AppendInt(column, *i);
    }
  } else if (const auto* d = std::get_if<double>(&value)) {
    writer.AppendDouble(column, *d);
  } else if (const auto* b = std::get_if<bool>(&value)) {
    writer.AppendBool(column, *b);
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    writer.AppendString(column, *s);
  } else {
    writer.AppendNull(column);
  }
}

// Appends every row of `path` (whose schema must be `schema`) to `writer`.
Status CopyRows(const fs::path& path, const std::vector<parquet::ColumnSpec>& schema,
                const std::string& schema_path, ParquetWriter& writer, uint64_t* rows) {
  Result<std::unique_ptr<ParquetReader>> opened = ParquetReader::Open(path);
  if (!opened.ok()) return opened.status();
  ParquetReader& reader = **opened;
  if (!SameSchema(schema, reader.columns()))
    return Status::Error(path.string() + ": schema " + SchemaText(reader.columns()) + " differs from " +
                         schema_path + "'s " + SchemaText(schema));
  std::vector<std::vector<Value>> columns(schema.size());
  for (size_t g = 0; g < reader.row_groups().size(); ++g) {
    const auto group_rows = static_cast<size_t>(reader.row_groups()[g].num_rows);
    for (size_t c = 0; c < schema.size(); ++c) {
      Result<std::vector<Value>> values = reader.ReadColumn(g, c);
      if (!values.ok()) return values.status();
      if (values->size() != group_rows)
        return Status::Error(path.string() + ": column '" + schema[c].name + "', row group " +
                             std::to_string(g) + " holds " + std::to_string(values->size()) + " values for " +
                             std::to_string(group_rows) + " rows");
      columns[c] = std::move(*values);
    }
    for (size_t r = 0; r < group_rows; ++r) {
      for (size_t c = 0; c < schema.size(); ++c) AppendValue(writer, c, schema[c].type, columns[c][r]);
      if (Status ended = writer.EndRow(); !ended.ok()) return ended;
    }
    *rows += group_rows;
  }
  return {};
}

// Merges `files` (one partition, epochs ≤ the limit) into compact-<max epoch>.parquet:
// written and verified under a ".tmp" name readers ignore, then renamed into place.
Status MergePartition(const std::vector<SegmentFile>& files, CompactReport* report, std::FILE* out) {
  const fs::path dir = files.front().path.parent_path();
  uint64_t max_epoch = 0;
  for (const SegmentFile& f : files) max_epoch = std::max(max_epoch, f.epoch);
  const fs::path target = dir / CompactFileName(max_epoch);
  const fs::path staged = target.string() + ".merge.tmp";

  Result<std::unique_ptr<ParquetReader>> first = ParquetReader::Open(files.front().path);
  if (!first.ok()) return first.status();
  const std::vector<parquet::ColumnSpec> schema = (*first)->columns();
  first = Status::Error("closed");  // hold one input in memory at a time
  Result<std::unique_ptr<ParquetWriter>> writer = ParquetWriter::Create(staged, schema);
  if (!writer.ok()) return writer.status();
  uint64_t rows = 0;
  for (const SegmentFile& f : files)
    if (Status copied = CopyRows(f.path, schema, files.front().path.string(), **writer, &rows); !copied.ok())
      return copied;
  Result<parquet::ParquetFileStats> closed = (*writer)->Close();
  if (!closed.ok()) return closed.status();

  // Nothing is deleted on the strength of a file we have not read back.
  const auto discard = [&](Status why) {
    std::error_code ignored;
    fs::remove(staged, ignored);
    return why;
  };
  Result<std::unique_ptr<ParquetReader>> check = ParquetReader::Open(staged);
  if (!check.ok()) return discard(check.status());
  if (Status verified = (*check)->Verify(); !verified.ok()) return discard(verified);
  if (static_cast<uint64_t>((*check)->num_rows()) != rows)
    return discard(Status::Error(staged.string() + ": holds " + std::to_string((*check)->num_rows()) +
                                 " rows, merged " + std::to_string(rows)));
  std::error_code ec;
  fs::rename(staged, target, ec);
  if (ec) return discard(Status::Error("cannot rename " + staged.string() + ": " + ec.message()));
  if (Status synced = Disk().SyncDir(dir); !synced.ok()) return synced;

  Log(out, "merged %s/date=%s: %zu files (epochs %llu..%llu, %llu rows) into %s (%llu bytes)\n",
      files.front().table.c_str(), files.front().date.c_str(), files.size(),
      static_cast<unsigned long long>(files.front().epoch), static_cast<unsigned long long>(max_epoch),
      static_cast<unsigned long long>(rows), target.filename().c_str(),
      static_cast<unsigned long long>(closed->bytes));
  ++report->partitions_merged;
  report->files_merged += files.size();
  report->rows_merged += rows;
  return {};
}

// Deletes the files a compact file supersedes (never one above the limit).
Status DeleteSuperseded(const CompactOptions& options, uint64_t limit, CompactReport* report,
                        std::FILE* out) {
  Result<SegmentListing> listing = ListSegments(options.data_dir, options.table);
  if (!listing.ok()) return listing.status();
  std::set<fs::path> dirs;
  for (const SegmentFile& f : listing->superseded) {
    if (f.epoch > limit) continue;
    if (Status removed = Disk().Remove(f.path); !removed.ok()) return removed;
    Log(out, "deleted superseded %s\n", f.path.c_str());
    ++report->files_deleted;
    dirs.insert(f.path.parent_path());
  }
  for (const fs::path& dir : dirs)
    if (Status synced = Disk().SyncDir(dir); !synced.ok()) return synced;
  return {};
}

// Empties one expired partition of its final files (epoch ≤ `limit`, live or
// superseded, and staged merges a crashed compaction left), then deletes the
// directory if nothing else is left in it. A server may still be writing a
// later epoch's file there (late rows): those stay until they are final.
Status ExpirePartition(const fs::path& partition, uint64_t limit, const std::string& cutoff,
                       CompactReport* report, std::FILE* out) {
  std::vector<fs::path> final_files;
  uint64_t kept = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator(partition, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const fs::path& path = it->path();
    const std::string name = path.filename().string();
    std::optional<SegmentFile> file = ParseSegmentPath(path);
    if (!file && name.ends_with(".merge.tmp"))
      file = ParseSegmentPath(path.parent_path() / name.substr(0, name.size() - 10));
    if (file && file->epoch <= limit)
      final_files.push_back(path);
    else
      ++kept;
  }
  if (ec) return Status::Error("cannot list " + partition.string() + ": " + ec.message());
  std::sort(final_files.begin(), final_files.end());
  for (const fs::path& path : final_files)
    if (Status removed = Disk().Remove(path); !removed.ok()) return removed;
  if (kept == 0 && fs::remove(partition, ec) && !ec) {
    Log(out, "deleted partition %s (%zu entries, older than %s)\n", partition.c_str(), final_files.size(),
        cutoff.c_str());
    ++report->partitions_expired;
    return Disk().SyncDir(partition.parent_path());
  }
  // Something appeared or was kept: the directory stays, without its final files.
  if (!final_files.empty()) {
    Log(out, "expired %zu files of partition %s (older than %s); kept %llu of later epochs\n",
        final_files.size(), partition.c_str(), cutoff.c_str(), static_cast<unsigned long long>(kept));
    report->files_deleted += final_files.size();
    return Disk().SyncDir(partition);
  }
  return {};
}

// Expires every partition dated before `cutoff` (YYYY-MM-DD).
Status ExpirePartitions(const CompactOptions& options, uint64_t limit, const std::string& cutoff,
                        CompactReport* report, std::FILE* out) {
  const fs::path root = SegmentsDir(options.data_dir);
  std::vector<fs::path> tables;
  std::error_code ec;
  if (!options.table.empty()) {
    tables.push_back(root / options.table);
  } else {
    for (auto it = fs::directory_iterator(root, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
      if (it->is_directory()) tables.push_back(it->path());
  }
  for (const fs::path& table : tables) {
    std::vector<fs::path> expired;
    for (auto it = fs::directory_iterator(table, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (!it->is_directory() || !name.starts_with("date=")) continue;
      const std::string date = name.substr(5);
      if (ParseDate(date) && date < cutoff) expired.push_back(it->path());
    }
    if (ec && ec != std::errc::no_such_file_or_directory)
      return Status::Error("cannot list " + table.string() + ": " + ec.message());
    ec.clear();
    std::sort(expired.begin(), expired.end());
    for (const fs::path& partition : expired)
      if (Status expired_one = ExpirePartition(partition, limit, cutoff, report, out); !expired_one.ok())
        return expired_one;
  }
  if (ec && ec != std::errc::no_such_file_or_directory)
    return Status::Error("cannot list " + root.string() + ": " + ec.message());
  return {};
}

}  // namespace

Result<std::optional<uint64_t>> LoadPgHold(const fs::path& data_dir) {
  const fs::path path = data_dir / "pg_hold";
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::optional<uint64_t>();
  Result<std::string> text = Disk().ReadFile(path);
  if (!text.ok()) return text.status();
  std::string_view digits = *text;
  while (!digits.empty() && (digits.back() == '\n' || digits.back() == '\r' || digits.back() == ' '))
    digits.remove_suffix(1);
  uint64_t hold = 0;
  const auto [end, parse] = std::from_chars(digits.data(), digits.data() + digits.size(), hold);
  if (digits.empty() || parse != std::errc() || end != digits.data() + digits.size())
    return Status::Error(path.string() + " does not hold one decimal epoch: \"" + std::string(digits) + "\"");
  return std::optional<uint64_t>(hold);
}

Result<CompactReport> Compact(const CompactOptions& options, std::FILE* out) {
  Result<CompactLock> lock = CompactLock::TryAcquire(options.data_dir);
  if (!lock.ok()) return lock.status();
  Result<std::optional<Checkpoint>> checkpoint = LoadCheckpoint(Disk(), options.data_dir);
  if (!checkpoint.ok()) return checkpoint.status();
  if (!*checkpoint)
    return Status::Error("no checkpoint in " + options.data_dir.string() +
                         " (no CHECKPOINT file): no epoch is final yet, so nothing may be compacted");
  Result<std::optional<uint64_t>> hold = LoadPgHold(options.data_dir);
  if (!hold.ok()) return hold.status();
  CompactReport report;
  report.limit = std::min((*checkpoint)->epoch, hold->value_or(UINT64_MAX));
  Log(out, "final epoch %llu%s; compacting epochs <= %llu\n",
      static_cast<unsigned long long>((*checkpoint)->epoch),
      *hold ? (", pg_hold " + std::to_string(**hold)).c_str() : "",
      static_cast<unsigned long long>(report.limit));

  if (options.retention_days) {
    const LocalTime cutoff = options.today.FloorDay() - int64_t{*options.retention_days} * LocalTime::kDay;
    if (Status expired = ExpirePartitions(options, report.limit, cutoff.DateString(), &report, out);
        !expired.ok())
      return expired;
  }
  if (Status cleaned = DeleteSuperseded(options, report.limit, &report, out); !cleaned.ok()) return cleaned;

  Result<SegmentListing> listing = ListSegments(options.data_dir, options.table);
  if (!listing.ok()) return listing.status();
  uint64_t failed = 0;
  std::string first_failure;
  const std::vector<SegmentFile>& live = listing->live;
  for (size_t begin = 0; begin < live.size();) {
    if (options.stop != nullptr && options.stop->load(std::memory_order_relaxed)) break;
    size_t end = begin;
    std::vector<SegmentFile> final_files;
    while (end < live.size() && live[end].table == live[begin].table && live[end].date == live[begin].date) {
      if (live[end].epoch <= report.limit) final_files.push_back(live[end]);
      ++end;
    }
    begin = end;
    const bool already_one = final_files.size() == 1 && !final_files.front().shard;
    if (final_files.size() < std::max<uint32_t>(options.min_files, 1) || already_one) continue;
    if (Status merged = MergePartition(final_files, &report, out); !merged.ok()) {
      Log(out, "cannot merge %s/date=%s: %s\n", final_files.front().table.c_str(),
          final_files.front().date.c_str(), merged.message().c_str());
      if (failed++ == 0)
        first_failure =
            final_files.front().table + "/date=" + final_files.front().date + ": " + merged.message();
    }
  }
  if (Status cleaned = DeleteSuperseded(options, report.limit, &report, out); !cleaned.ok()) return cleaned;
  Log(out, "%llu partitions merged (%llu files, %llu rows), %llu files deleted, %llu partitions expired\n",
      static_cast<unsigned long long>(report.partitions_merged),
      static_cast<unsigned long long>(report.files_merged),
      static_cast<unsigned long long>(report.rows_merged),
      static_cast<unsigned long long>(report.files_deleted),
      static_cast<unsigned long long>(report.partitions_expired));
  if (failed > 0)
    return Status::Error(std::to_string(failed) + " partitions could not be merged (first: " + first_failure +
                         ")");
  return report;
}

}  // namespace civicflow::storage
