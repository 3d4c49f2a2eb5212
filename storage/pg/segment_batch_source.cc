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

void SegmentBatchSource::Applied(uint64_t position) {
  if (held_ == position) return;
  if (Status s = Hold(data_dir_, position); !s.ok()) {
    std::fprintf(stderr, "civicflow: %s\n", s.message().c_str());
    return;
  }
  // Manifests of applied epochs are done with.
  for (uint64_t epoch = held_.value_or(0) + 1; epoch <= position; ++epoch)
    (void)FileSystem::Posix().Remove(EpochManifestPath(data_dir_, epoch));
  held_ = position;
}

Result<std::vector<std::filesystem::path>> SegmentBatchSource::FilesOf(uint64_t epoch) {
  std::vector<std::filesystem::path> files;
  Result<std::string> manifest = FileSystem::Posix().ReadFile(EpochManifestPath(data_dir_, epoch));
  if (manifest.ok()) {
    std::string_view rest = *manifest;
    for (size_t eol; (eol = rest.find('\n')) != std::string_view::npos; rest.remove_prefix(eol + 1))
      files.push_back(data_dir_ / rest.substr(0, eol));
    return files;
  }
  // No manifest (published while nothing followed): the slow way.
  Result<SegmentListing> listing = ListSegments(data_dir_);
  if (!listing.ok()) return listing.status();
  for (const SegmentFile& file : listing->live)
    if (file.shard && file.epoch == epoch) files.push_back(file.path);
  return files;
}

std::optional<PositionedBatches> SegmentBatchSource::Next(uint64_t after_position) {
  Applied(after_position);
  Result<std::optional<Checkpoint>> checkpoint = LoadCheckpoint(FileSystem::Posix(), data_dir_);
  if (!checkpoint.ok() || !*checkpoint) return std::nullopt;
  final_epoch_ = (*checkpoint)->epoch;
  // The oldest final epoch not applied yet that has rows; if none has, the
  // final epoch, empty, so the applied position reaches it.
  for (uint64_t epoch = after_position + 1; epoch <= final_epoch_; ++epoch) {
    Result<std::vector<std::filesystem::path>> files = FilesOf(epoch);
    if (!files.ok()) return std::nullopt;  // asked again later
    if (files->empty() && epoch < final_epoch_) continue;
    PositionedBatches out;
    out.position = epoch;
    for (size_t t = 0; t < tables_.size(); ++t) {
      TableRows rows{t, {}};
      for (const std::filesystem::path& path : *files) {
        const std::optional<SegmentFile> file = ParseSegmentPath(path);
        if (!file || file->table != tables_[t].name) continue;
        auto reader = parquet::ParquetReader::Open(path);
        if (!reader.ok()) return std::nullopt;
        auto text = (*reader)->ReadTextRows();
        if (!text.ok()) return std::nullopt;
        for (std::vector<std::string>& row : *text)
          for (std::string& cell : row) rows.cells.push_back(std::move(cell));
      }
      if (!rows.cells.empty()) out.batches.push_back(std::move(rows));
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace civicflow::storage
