#include "engine/cli/analytics_runtime.h"

#include <filesystem>

#include "operators/raw_tables.h"

namespace civicflow {

// Writes each row to the shard's own sink and to a shared one.
class AnalyticsRuntime::TeeSink final : public TableSink {
 public:
  TeeSink(TableSink& own, TableSink& shared) : own_(own), shared_(shared) {}
  void Row(std::span<const std::string_view> cells) override {
    own_.Row(cells);
    shared_.Row(cells);
  }

 private:
  TableSink& own_;
  TableSink& shared_;
};

Result<std::unique_ptr<AnalyticsRuntime>> AnalyticsRuntime::Open(const RuntimeOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) return Status::Error("cannot create data dir " + options.data_dir + ": " + ec.message());
  std::vector<storage::TableLayout> tables;
  for (size_t t = 0; t < operators::kTableCount; ++t)
    tables.push_back(operators::Schema(static_cast<operators::Table>(t)));
  auto segments =
      storage::SegmentTables::Open(options.data_dir, tables, options.shards,
                                   options.resume ? options.resume->epoch : 0, options.epoch_manifests);
  if (!segments.ok()) return segments.status();
  return std::unique_ptr<AnalyticsRuntime>(new AnalyticsRuntime(options, std::move(*segments)));
}

AnalyticsRuntime::AnalyticsRuntime(const RuntimeOptions& options,
                                   std::unique_ptr<storage::SegmentTables> segments)
    : options_(options), segments_(std::move(segments)), pipelines_(options.shards), pool_(options.chunks) {
  EngineOptions engine_options;
  engine_options.shards = options.shards;
  engine_options.allowed_lateness_s = options.allowed_lateness_s;
  engine_options.ingest_threads = options.ingest_threads;
  engine_options.queue_batches = options.queue_batches;
  engine_options.observer = options.observer;
  engine_ =
      std::make_unique<Engine>(engine_options, pool_, [this](ShardId shard) -> std::unique_ptr<Operator> {
        operators::ShardSinks sinks;
        for (size_t t = 0; t < operators::kTableCount; ++t) {
          sinks[t] = segments_->Sink(shard, t);
          if (TableSink* shared = options_.tees[t]) {
            tee_sinks_.push_back(std::make_unique<TeeSink>(*sinks[t], *shared));
            sinks[t] = tee_sinks_.back().get();
          }
        }
        pipelines_[shard] = operators::MakeShardPipeline(
            options_.analytics, sinks, std::make_unique<operators::RawTables>(*segments_, shard));
        return std::move(pipelines_[shard].root);
      });
}

AnalyticsRuntime::~AnalyticsRuntime() = default;

std::vector<std::string> AnalyticsRuntime::outputs() const {
  std::vector<std::string> out;
  for (size_t t = 0; t < operators::kTableCount; ++t)
    out.push_back((std::filesystem::path(options_.data_dir) / "segments" /
                   operators::Schema(static_cast<operators::Table>(t)).name)
                      .string());
  return out;
}

Result<RuntimeTotals> AnalyticsRuntime::Close() {
  engine_->Drain();
  RuntimeTotals totals;
  const size_t interfaces = ingest::Registry::Get().All().size();
  totals.duplicates.assign(interfaces, 0);
  totals.corrections.assign(interfaces, 0);
  for (ShardId s = 0; s < engine_->shard_count(); ++s) totals.late += engine_->stats(s).late;
  for (const auto& p : pipelines_) {
    totals.late_rows += p.dedup->late_rows();
    for (size_t id = 0; id < interfaces; ++id) {
      totals.duplicates[id] += p.dedup->duplicates()[id];
      totals.corrections[id] += p.dedup->corrections()[id];
    }
  }
  engine_.reset();  // the operators die here; their state was read above
  auto epoch = segments_->Publish();
  if (!epoch.ok()) return epoch.status();
  totals.epoch = *epoch;
  totals.rows = segments_->rows();
  return totals;
}

}  // namespace civicflow
