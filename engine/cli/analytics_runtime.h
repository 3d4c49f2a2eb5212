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
#include "storage/csv_table_parts.h"

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
  // Continue the table parts from this checkpoint instead of starting afresh.
  const storage::Checkpoint* resume = nullptr;
};

// What the shards counted, read when the runtime closes.
struct RuntimeTotals {
  std::vector<uint64_t> duplicates, corrections;  // by InterfaceId
  uint64_t late = 0;                              // records behind their shard's watermark on arrival
  uint64_t late_rows = 0;                         // rows for windows already emitted
  uint64_t rows = 0;                              // output rows, all tables
};

class AnalyticsRuntime {
 public:
  static Result<std::unique_ptr<AnalyticsRuntime>> Open(const RuntimeOptions& options);
  ~AnalyticsRuntime();

  Engine& engine() { return *engine_; }
  ChunkPool& pool() { return pool_; }
  storage::CsvTableParts& parts() { return parts_; }
  // "DIR/tables/<table>/part-*.csv" for each table.
  const std::vector<std::string>& outputs() const { return parts_.patterns(); }

  // Ends input: drains the engine (every window flushes), then closes the
  // outputs. Call once, after the last record was submitted.
  Result<RuntimeTotals> Close();

 private:
  class TeeSink;
  AnalyticsRuntime(const RuntimeOptions& options, storage::CsvTableParts parts);

  RuntimeOptions options_;
  storage::CsvTableParts parts_;
  std::vector<std::unique_ptr<TableSink>> tee_sinks_;
  std::vector<operators::ShardPipeline> pipelines_;
  ChunkPool pool_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace civicflow
