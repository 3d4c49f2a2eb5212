#pragma once
// SegmentTables: the output tables of a run as Parquet segments (layout and
// epochs: segment_layout.h). One sink per table per shard, used by that
// shard's thread only; a sink keeps one open file per date partition it has
// rows for, writing "<part>.tmp" as row groups fill. Publish(), by the owner
// while no shard runs (a quiesced engine), closes every open file — footer,
// fsync, rename — so readers only ever see whole epochs; later rows go to
// files of the next epoch. Muted sinks drop their rows (recovery rebuilding
// state from records whose rows were published before).
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/base/table_sink.h"
#include "storage/parquet/parquet_writer.h"
#include "storage/table_layout.h"

namespace civicflow::storage {

class SegmentTables {
 public:
  // Continues after `final_epoch` (a checkpoint's; 0 for a fresh start):
  // files of later epochs and unpublished ".tmp" files are deleted — their
  // rows are produced again by whatever follows the checkpoint.
  static Result<std::unique_ptr<SegmentTables>> Open(const std::filesystem::path& data_dir,
                                                     std::span<const TableLayout> tables, uint32_t shards,
                                                     uint64_t final_epoch);
  ~SegmentTables();

  TableSink* Sink(uint32_t shard, size_t table);
  void SetMuted(bool muted);
  // Publishes the rows of the current epoch; returns that epoch, after which
  // everything written so far is durable. The first error of any sink
  // (a cell its column type rejects, a failed write) fails it.
  Result<uint64_t> Publish();
  uint64_t epoch() const { return epoch_; }  // the one being written
  uint64_t rows() const;                     // published and pending, all tables

 private:
  class PartitionedSink;
  SegmentTables(std::filesystem::path data_dir, uint64_t epoch);

  std::filesystem::path data_dir_;
  uint64_t epoch_;
  size_t tables_ = 0;
  std::vector<std::unique_ptr<PartitionedSink>> sinks_;  // shard-major
};

// The Parquet column of each column type: kDecimal → DOUBLE, kInt → INT64.
std::vector<parquet::ColumnSpec> ParquetColumns(const TableLayout& table);

}  // namespace civicflow::storage
