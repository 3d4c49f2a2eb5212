#pragma once
// Test helper for the HTTP adapters: the real engine with every operator
// behind a LiveIngest (the adapters reach it over real HTTP through
// LoopbackTransport, loopback_transport.h).
#include <gtest/gtest.h>

#include <array>
#include <memory>

#include "engine/engine.h"
#include "engine/live_ingest.h"
#include "operators/shard_pipeline.h"
#include "tests/support/table_capture.h"

namespace civicflow::testing {

// Engine + analytics + LiveIngest; tables captured in memory per shard.
class LivePipeline {
 public:
  explicit LivePipeline(uint32_t shards = 2) : pool_(16), captures_(shards) {
    EngineOptions options;
    options.shards = shards;
    engine_ = std::make_unique<Engine>(options, pool_, [this](ShardId shard) {
      operators::ShardSinks sinks;
      for (size_t t = 0; t < operators::kTableCount; ++t) sinks[t] = &captures_[shard][t];
      return operators::MakeShardPipeline(operators::AnalyticsOptions{}, sinks).root;
    });
    ingest_ = std::make_unique<LiveIngest>(*engine_, pool_);
  }
  ingest::http::RecordSubmitter& submitter() { return *ingest_; }
  // Ends input and flushes every window; then rows() may be read.
  void Drain() { engine_->Drain(); }
  // Every shard's rows of one table.
  std::vector<std::vector<std::string>> rows(operators::Table table) const {
    std::vector<std::vector<std::string>> all;
    for (const auto& shard : captures_) {
      const auto& rows = shard[static_cast<size_t>(table)].rows;
      all.insert(all.end(), rows.begin(), rows.end());
    }
    return all;
  }

 private:
  ChunkPool pool_;
  std::vector<std::array<TableCapture, operators::kTableCount>> captures_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<LiveIngest> ingest_;
};

}  // namespace civicflow::testing
