#pragma once
// SegmentTables: the output tables of a run as Parquet segments (layout and
// epochs: segment_layout.h). Each shard has its own files — one per table
// and day partition it has rows for, "<part>.tmp" while open, row groups
// written as they fill — touched by that shard's thread only. Publish(), by
// the owner while no shard runs (a quiesced engine), closes every open
// file — footer, fsync, rename, directory fsync — so readers only ever see
// whole epochs; later rows go to files of the next epoch. While muted (set
// by the owner, recovery rebuilding state from records whose rows were
// published before) rows are dropped.
//
// Two ways in: Sink(shard, table) for the text rows of the tables given to
// Open, and ShardFile() for tables written as typed values (raw records).
#include <atomic>
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
  // With `manifests`, each Publish() also writes the epoch's manifest
  // (EpochManifestPath) for a follower.
  static Result<std::unique_ptr<SegmentTables>> Open(const std::filesystem::path& data_dir,
                                                     std::span<const TableLayout> tables, uint32_t shards,
                                                     uint64_t final_epoch, bool manifests = false);
  ~SegmentTables();

  TableSink* Sink(uint32_t shard, size_t table);
  // Shard `shard`'s file of `table` for the day `date` (yyyy-MM-dd) in the
  // current epoch, created with `columns` on first use; valid until the next
  // Publish(). nullptr after an error, which Publish() reports.
  parquet::ParquetWriter* ShardFile(uint32_t shard, std::string_view table,
                                    const std::vector<parquet::ColumnSpec>& columns,
                                    const parquet::ParquetWriterOptions& options, std::string_view date);
  // A shard's failure to write a row (e.g. a cell its column type rejects);
  // Publish() reports the first.
  void Fail(uint32_t shard, Status status);

  void SetMuted(bool muted) { muted_ = muted; }
  bool muted() const { return muted_; }
  // Publishes the rows of the current epoch; returns that epoch, after which
  // everything written so far is durable.
  Result<uint64_t> Publish();
  uint64_t epoch() const { return epoch_; }  // the one being written
  uint64_t rows() const;                     // text rows, published and pending
  // For metrics, from any thread: bytes of the files published since Open(),
  // and the last epoch published (the final epoch Open() continued after).
  uint64_t published_bytes() const { return published_bytes_.load(std::memory_order_relaxed); }
  uint64_t published_epoch() const { return published_epoch_.load(std::memory_order_relaxed); }

 private:
  class TextSink;
  struct ShardFiles;
  SegmentTables(std::filesystem::path data_dir, uint64_t epoch);

  std::filesystem::path data_dir_;
  uint64_t epoch_;
  std::atomic<uint64_t> published_bytes_{0}, published_epoch_{0};
  bool muted_ = false;
  bool manifests_ = false;
  size_t tables_ = 0;
  std::vector<std::unique_ptr<ShardFiles>> shards_;
  std::vector<std::unique_ptr<TextSink>> sinks_;  // shard-major
};

// The Parquet column of each column type: kDecimal → DOUBLE, kInt → INT64.
std::vector<parquet::ColumnSpec> ParquetColumns(const TableLayout& table);

}  // namespace civicflow::storage
