#include "operators/shard_pipeline.h"

#include "operators/community_passages.h"
#include "operators/device_status.h"
#include "operators/energy_totals.h"
#include "operators/parking_reconciler.h"
#include "operators/ticket_sessions.h"

namespace civicflow::operators {

ShardPipeline MakeShardPipeline(const AnalyticsOptions& options, const ShardSinks& sinks,
                                std::unique_ptr<Operator> raw_tables) {
  auto sink = [&](Table table) -> TableSink& { return *sinks[static_cast<size_t>(table)]; };
  const int64_t horizon = options.dedup.horizon_s;
  std::vector<std::unique_ptr<Operator>> downstream;
  downstream.push_back(std::make_unique<FlowHourly>(DefaultFlowSources(), sink(Table::kFlowHourly), horizon));
  downstream.push_back(std::make_unique<EnergyTotals>(DefaultEnergySources(), sink(Table::kEnergyHourly),
                                                      sink(Table::kEnergyDaily), horizon));
  downstream.push_back(std::make_unique<TicketSessions>(sink(Table::kTicketSessions), horizon));
  downstream.push_back(std::make_unique<CommunityPassages>(sink(Table::kCommunityPassages), horizon));
  downstream.push_back(std::make_unique<DeviceStatus>(sink(Table::kSiteStatus)));
  downstream.push_back(std::make_unique<ParkingReconciler>(
      sink(Table::kParkingReconciliation), sink(Table::kParkingProblemPlates), sink(Table::kSiteStatus),
      options.reconcile_grace_s, horizon));
  if (raw_tables) downstream.push_back(std::move(raw_tables));
  ShardPipeline pipeline;
  auto dedup = std::make_unique<Deduplicator>(options.dedup, std::move(downstream));
  pipeline.dedup = dedup.get();
  pipeline.root = std::move(dedup);
  return pipeline;
}

}  // namespace civicflow::operators
