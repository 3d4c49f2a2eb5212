#include "tools/seg/compaction.h"

#include <algorithm>
#include <charconv>
#include <memory>
#include <set>
#include <vector>

#include "storage/checkpoint.h"
#include "storage/file_system.h"
#include "storage/parquet/parquet_reader.h"
#include "storage/parquet/parquet_writer.h"
#include "storage/segments/segment_layout.h"
#include "tools/seg/segment_schema.h"

namespace civicflow::seg {
namespace {

namespace fs = std::filesystem;
using storage::SegmentFile;
using storage::parquet::ColumnType;
using storage::parquet::ParquetReader;
using storage::parquet::ParquetWriter;
using storage::parquet::Value;

storage::FileSystem& Disk() { return storage::FileSystem::Posix(); }

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
Status CopyRows(const fs::path& path, const std::vector<storage::parquet::ColumnSpec>& schema,
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
  const fs::path target = dir / storage::CompactFileName(max_epoch);
  const fs::path staged = target.string() + ".merge.tmp";

  Result<std::unique_ptr<ParquetReader>> first = ParquetReader::Open(files.front().path);
  if (!first.ok()) return first.status();
  const std::vector<storage::parquet::ColumnSpec> schema = (*first)->columns();
  first = Status::Error("closed");  // hold one input in memory at a time
  Result<std::unique_ptr<ParquetWriter>> writer = ParquetWriter::Create(staged, schema);
  if (!writer.ok()) return writer.status();
  uint64_t rows = 0;
  for (const SegmentFile& f : files)
    if (Status copied = CopyRows(f.path, schema, files.front().path.string(), **writer, &rows); !copied.ok())
      return copied;
  Result<storage::parquet::ParquetFileStats> closed = (*writer)->Close();
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

  std::fprintf(out, "merged %s/date=%s: %zu files (epochs %llu..%llu, %llu rows) into %s (%llu bytes)\n",
               files.front().table.c_str(), files.front().date.c_str(), files.size(),
               static_cast<unsigned long long>(files.front().epoch),
               static_cast<unsigned long long>(max_epoch), static_cast<unsigned long long>(rows),
               target.filename().c_str(), static_cast<unsigned long long>(closed->bytes));
  ++report->partitions_merged;
  report->files_merged += files.size();
  report->rows_merged += rows;
  return {};
}

// Deletes the files a compact file supersedes (never one above the limit).
Status DeleteSuperseded(const CompactOptions& options, uint64_t limit, CompactReport* report,
                        std::FILE* out) {
  Result<storage::SegmentListing> listing = storage::ListSegments(options.data_dir, options.table);
  if (!listing.ok()) return listing.status();
  std::set<fs::path> dirs;
  for (const SegmentFile& f : listing->superseded) {
    if (f.epoch > limit) continue;
    if (Status removed = Disk().Remove(f.path); !removed.ok()) return removed;
    std::fprintf(out, "deleted superseded %s\n", f.path.c_str());
    ++report->files_deleted;
    dirs.insert(f.path.parent_path());
  }
  for (const fs::path& dir : dirs)
    if (Status synced = Disk().SyncDir(dir); !synced.ok()) return synced;
  return {};
}

// Deletes whole partitions dated before `cutoff` (YYYY-MM-DD).
Status ExpirePartitions(const CompactOptions& options, const std::string& cutoff, CompactReport* report,
                        std::FILE* out) {
  const fs::path root = storage::SegmentsDir(options.data_dir);
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
    for (const fs::path& partition : expired) {
      const auto removed = fs::remove_all(partition, ec);
      if (ec) return Status::Error("cannot delete " + partition.string() + ": " + ec.message());
      std::fprintf(out, "deleted partition %s (%llu entries, older than %s)\n", partition.c_str(),
                   static_cast<unsigned long long>(removed > 0 ? removed - 1 : 0), cutoff.c_str());
      ++report->partitions_expired;
    }
    if (!expired.empty())
      if (Status synced = Disk().SyncDir(table); !synced.ok()) return synced;
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
  Result<std::optional<storage::Checkpoint>> checkpoint = storage::LoadCheckpoint(Disk(), options.data_dir);
  if (!checkpoint.ok()) return checkpoint.status();
  if (!*checkpoint)
    return Status::Error("no checkpoint in " + options.data_dir.string() +
                         " (no CHECKPOINT file): no epoch is final yet, so nothing may be compacted");
  Result<std::optional<uint64_t>> hold = LoadPgHold(options.data_dir);
  if (!hold.ok()) return hold.status();
  CompactReport report;
  report.limit = std::min((*checkpoint)->epoch, hold->value_or(UINT64_MAX));
  std::fprintf(out, "final epoch %llu%s; compacting epochs <= %llu\n",
               static_cast<unsigned long long>((*checkpoint)->epoch),
               *hold ? (", pg_hold " + std::to_string(**hold)).c_str() : "",
               static_cast<unsigned long long>(report.limit));

  if (options.retention_days) {
    const LocalTime cutoff = options.today.FloorDay() - int64_t{*options.retention_days} * LocalTime::kDay;
    if (Status expired = ExpirePartitions(options, cutoff.DateString(), &report, out); !expired.ok())
      return expired;
  }
  if (Status cleaned = DeleteSuperseded(options, report.limit, &report, out); !cleaned.ok()) return cleaned;

  Result<storage::SegmentListing> listing = storage::ListSegments(options.data_dir, options.table);
  if (!listing.ok()) return listing.status();
  uint64_t failed = 0;
  const std::vector<SegmentFile>& live = listing->live;
  for (size_t begin = 0; begin < live.size();) {
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
      std::fprintf(out, "cannot merge %s/date=%s: %s\n", final_files.front().table.c_str(),
                   final_files.front().date.c_str(), merged.message().c_str());
      ++failed;
    }
  }
  if (Status cleaned = DeleteSuperseded(options, report.limit, &report, out); !cleaned.ok()) return cleaned;
  std::fprintf(
      out, "%llu partitions merged (%llu files, %llu rows), %llu files deleted, %llu partitions expired\n",
      static_cast<unsigned long long>(report.partitions_merged),
      static_cast<unsigned long long>(report.files_merged),
      static_cast<unsigned long long>(report.rows_merged),
      static_cast<unsigned long long>(report.files_deleted),
      static_cast<unsigned long long>(report.partitions_expired));
  if (failed > 0) return Status::Error(std::to_string(failed) + " partitions could not be merged");
  return report;
}

}  // namespace civicflow::seg
