#include "operators/shard_pipeline.h"

namespace civicflow::operators {

ShardPipeline MakeShardPipeline(const AnalyticsOptions& options, const ShardSinks& sinks) {
  ShardPipeline pipeline;
  std::vector<std::unique_ptr<Operator>> downstream;
  auto flow = std::make_unique<FlowHourly>(
      DefaultFlowSources(), *sinks[static_cast<size_t>(Table::kFlowHourly)], options.dedup.horizon_s);
  pipeline.flow = flow.get();
  downstream.push_back(std::move(flow));
  auto dedup = std::make_unique<Deduplicator>(options.dedup, std::move(downstream));
  pipeline.dedup = dedup.get();
  pipeline.root = std::move(dedup);
  return pipeline;
}

}  // namespace civicflow::operators
