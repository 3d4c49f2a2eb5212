#include "storage/pg/segment_batch_source.h"

#include <cstdio>

#include "storage/checkpoint.h"
#include "storage/file_system.h"
#include "storage/parquet/parquet_reader.h"
#include "storage/segments/segment_layout.h"

namespace civicflow::storage {

SegmentBatchSource::SegmentBatchSource(std::filesystem::path data_dir, std::span<const TableLayout> tables)
    : data_dir_(std::move(data_dir)), tables_(tables) {}

Status SegmentBatchSource::Hold(const std::filesystem::path& data_dir, uint64_t epoch) {
  return FileSystem::Posix().WriteAtomically(data_dir / "pg_hold", std::to_string(epoch) + "\n");
}

std::optional<PositionedBatches> SegmentBatchSource::Next(uint64_t after_position) {
  if (held_ != after_position) {
    if (Status s = Hold(data_dir_, after_position); s.ok())
      held_ = after_position;
    else
      std::fprintf(stderr, "civicflow: %s\n", s.message().c_str());
  }
  Result<std::optional<Checkpoint>> checkpoint = LoadCheckpoint(FileSystem::Posix(), data_dir_);
  if (!checkpoint.ok() || !*checkpoint) return std::nullopt;
  final_epoch_ = (*checkpoint)->epoch;
  if (final_epoch_ <= after_position) return std::nullopt;
  Result<SegmentListing> listing = ListSegments(data_dir_);
  if (!listing.ok()) return std::nullopt;
  // The oldest final epoch not applied yet that has files; if none has, the
  // final epoch, empty, so the applied position reaches it.
  uint64_t epoch = final_epoch_;
  for (const SegmentFile& file : listing->live)
    if (file.shard && file.epoch > after_position && file.epoch < epoch) epoch = file.epoch;
  PositionedBatches out;
  out.position = epoch;
  for (size_t t = 0; t < tables_.size(); ++t) {
    TableRows rows{t, {}};
    for (const SegmentFile& file : listing->live) {
      if (file.epoch != epoch || !file.shard || file.table != tables_[t].name) continue;
      auto reader = parquet::ParquetReader::Open(file.path);
      if (!reader.ok()) return std::nullopt;  // retried on the next call
      auto text = (*reader)->ReadTextRows();
      if (!text.ok()) return std::nullopt;
      for (std::vector<std::string>& row : *text)
        for (std::string& cell : row) rows.cells.push_back(std::move(cell));
    }
    if (!rows.cells.empty()) out.batches.push_back(std::move(rows));
  }
  return out;
}

}  // namespace civicflow::storage
