#pragma once
// SegmentBatchSource: the PostgreSQL follower's input, read from the
// durable segments: position = segments epoch, and the batches of an epoch
// are the rows of its part files, found through the epoch's manifest
// (segment_layout.h). Only final epochs (≤ the checkpoint's) are offered.
// Each call to Next also records the applied position in DIR/pg_hold, which
// compaction respects (epochs PostgreSQL has not applied keep their own
// files), and deletes the applied epochs' manifests. Used by the follower's
// thread only.
#include <filesystem>
#include <span>

#include "storage/pg/pg_follower.h"
#include "storage/table_layout.h"

namespace civicflow::storage {

class SegmentBatchSource final : public PgBatchSource {
 public:
  // `tables` in the order given to PgSink::Connect.
  SegmentBatchSource(std::filesystem::path data_dir, std::span<const TableLayout> tables);

  std::optional<PositionedBatches> Next(uint64_t after_position) override;
  uint64_t LatestPosition() override { return final_epoch_; }

  // Writes DIR/pg_hold = `epoch` unless it is already there (atomically).
  static Status Hold(const std::filesystem::path& data_dir, uint64_t epoch);

 private:
  void Applied(uint64_t position);
  Result<std::vector<std::filesystem::path>> FilesOf(uint64_t epoch);

  const std::filesystem::path data_dir_;
  const std::span<const TableLayout> tables_;
  uint64_t final_epoch_ = 0;
  std::optional<uint64_t> held_;
};

}  // namespace civicflow::storage
