#pragma once
// AnalyticsRuntime: what `replay` and `serve` share — the engine, every
// shard's analytics pipeline, and the table outputs under the data dir.
// Owned by the command's main thread; records come in through engine()
// (replay) or a LiveIngest over it (serve).
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "operators/shard_pipeline.h"
#include "storage/checkpoint.h"
#include "storage/segments/segment_tables.h"

namespace civicflow {

struct RuntimeOptions {
  std::string data_dir;
  uint32_t shards = 2;
  uint32_t ingest_threads = 2;
  int64_t allowed_lateness_s = 3600;
  size_t chunks = 16;  // chunk pool size: ingest units in flight
  size_t queue_batches = 2;
  operators::AnalyticsOptions analytics;
  // Optional thread-safe sinks that also receive every row of a table (by
  // operators::Table), e.g. live query state; rows arrive from every shard.
  std::array<TableSink*, operators::kTableCount> tees{};
  // Continue the segments after this checkpoint's epoch instead of starting afresh.
  const storage::Checkpoint* resume = nullptr;
  // Write each epoch's manifest, for PostgreSQL to follow (--pg).
  bool epoch_manifests = false;
  ShardObserver* observer = nullptr;  // see EngineOptions
};

// What the shards counted, read when the runtime closes.
struct RuntimeTotals {
  std::vector<uint64_t> duplicates, corrections;  // by InterfaceId
  uint64_t late = 0;                              // records behind their shard's watermark on arrival
  uint64_t late_rows = 0;                         // rows for windows already emitted
  uint64_t rows = 0;                              // output rows, all tables
  uint64_t epoch = 0;                             // the segments epoch that holds the last rows
};

class AnalyticsRuntime {
 public:
  static Result<std::unique_ptr<AnalyticsRuntime>> Open(const RuntimeOptions& options);
  ~AnalyticsRuntime();

  Engine& engine() { return *engine_; }
  const Engine& engine() const { return *engine_; }
  ChunkPool& pool() { return pool_; }
  storage::SegmentTables& segments() { return *segments_; }
  const storage::SegmentTables& segments() const { return *segments_; }
  // The shard's deduplicator: read it only on that shard's thread (ShardObserver).
  const operators::Deduplicator& dedup(ShardId shard) const { return *pipelines_[shard].dedup; }
  // "DIR/segments/<table>" for each table.
  std::vector<std::string> outputs() const;

  // Ends input: drains the engine (every window flushes), then publishes the
  // last segments. Call once, after the last record was submitted.
  Result<RuntimeTotals> Close();

 private:
  class TeeSink;
  AnalyticsRuntime(const RuntimeOptions& options, std::unique_ptr<storage::SegmentTables> segments);

  RuntimeOptions options_;
  std::unique_ptr<storage::SegmentTables> segments_;
  std::vector<std::unique_ptr<TableSink>> tee_sinks_;
  std::vector<operators::ShardPipeline> pipelines_;
  ChunkPool pool_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace civicflow
