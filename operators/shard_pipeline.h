#pragma once
// The analytics of one shard, assembled: Deduplicator first, then every
// operator of PLATFORMS.md ("What civicflow computes"), each writing its
// table through the shard's sinks. One place to add an operator.
#include <array>
#include <memory>

#include "engine/base/table_sink.h"
#include "operators/deduplicator.h"
#include "operators/flow_hourly.h"
#include "operators/tables.h"

namespace civicflow::operators {

struct AnalyticsOptions {
  DedupOptions dedup;
  int64_t reconcile_grace_s = 600;  // parking plate lists wait for the watermark to pass list time + this
};

using ShardSinks = std::array<TableSink*, kTableCount>;  // by Table

// The shard's root operator and views of the parts a report reads.
struct ShardPipeline {
  std::unique_ptr<Operator> root;
  const Deduplicator* dedup = nullptr;
};

// `raw_tables`, if given (RawTables), receives every record the
// Deduplicator passes, like the other operators.
ShardPipeline MakeShardPipeline(const AnalyticsOptions& options, const ShardSinks& sinks,
                                std::unique_ptr<Operator> raw_tables = nullptr);

}  // namespace civicflow::operators
