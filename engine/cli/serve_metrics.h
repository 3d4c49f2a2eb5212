#pragma once
// ServeMetrics: what `civicflow serve` reports on /metrics (README,
// "Monitoring"). The hot paths write per-thread counter cells, never a lock:
// the server's replies (RequestObserver), uploads' record outcomes
// (MeteredSubmitter), the records each shard applied (ShardObserver), the
// WAL's fsyncs. Gauges are read at scrape time from the parts Watch() is
// given.
//
// Threads: every method may be called from any thread. Attach() comes
// before the first record; a scrape before Watch() lacks the gauges.
#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/base/clock.h"
#include "engine/engine.h"
#include "engine/metrics/metrics.h"
#include "engine/query/queries.h"
#include "ingest/http/platform_handler.h"
#include "ingest/http/record_submitter.h"
#include "ingest/http/server.h"
#include "ingest/registry/registry.h"

namespace civicflow {

class AnalyticsRuntime;
class DurableIngest;
class PgExport;
class PlatformAdapters;

class ServeMetrics final : public ingest::http::RequestObserver, public ShardObserver {
 public:
  explicit ServeMetrics(const Clock& clock);
  ~ServeMetrics() override;

  void OnReply(std::string_view route, const ingest::http::Exchange& exchange,
               std::chrono::nanoseconds elapsed) override;
  void OnApplied(ShardId shard, std::span<const ingest::Record* const> records) override;
  void CountUpload(ingest::InterfaceId id, const ingest::http::SubmitOutcome& outcome);
  void CountRejected(ingest::InterfaceId id, uint32_t records);
  void CountWalSync(std::chrono::nanoseconds elapsed);
  void CountStateSave(std::chrono::nanoseconds elapsed, uint64_t bytes);

  // The shards' deduplicators are read on their own threads, once attached.
  void Attach(const AnalyticsRuntime& runtime);
  // End-to-end latency is observed only from here on: records replayed from
  // the WAL at start are not new.
  void GoLive() { live_.store(true, std::memory_order_relaxed); }

  struct Parts {
    const AnalyticsRuntime* runtime = nullptr;
    const DurableIngest* ingest = nullptr;
    const PlatformAdapters* adapters = nullptr;
    const PgExport* pg = nullptr;  // nullptr without --pg
    const ingest::http::HttpServer* server = nullptr;
  };
  void Watch(const Parts& parts);

  // The requests of the platforms' paths (and of paths nobody answers) by
  // platform, interface, code and outcome: the query API's `ingest`.
  std::vector<query::IngestCount> RequestCounts() const;
  std::string Render() const { return registry_.Render(); }

 private:
  struct RequestSeries;
  // The series of a label tuple, created on first use.
  RequestSeries& SeriesOf(std::string_view platform, std::string_view interface, std::string_view code,
                          std::string_view outcome);

  const Clock& clock_;
  const uint64_t instance_;  // tells this registry's series apart in the I/O threads' caches
  metrics::Registry registry_;
  metrics::Family<metrics::Counter>& requests_;
  metrics::Family<metrics::Histogram>& request_seconds_;
  metrics::Family<metrics::Counter>& records_;
  metrics::Family<metrics::Histogram>& end_to_end_;
  metrics::Histogram& wal_sync_seconds_;
  metrics::Histogram& state_save_seconds_;
  metrics::Gauge& state_bytes_;
  std::atomic<bool> live_{false};
  const AnalyticsRuntime* runtime_ = nullptr;
  std::vector<std::unique_ptr<std::atomic<uint64_t>>> dedup_keys_;  // by shard, stored by the shard
  // Per interface: accepted, duplicate, corrected, rejected; per platform: end-to-end latency.
  std::vector<std::array<metrics::Counter*, 4>> record_counters_;
  std::vector<metrics::Histogram*> end_to_end_by_interface_;
  mutable std::mutex series_mu_;
  std::vector<std::unique_ptr<RequestSeries>> request_series_;
};

// GET /metrics: the registry in the text exposition format.
class MetricsHandler final : public ingest::http::PlatformHandler {
 public:
  explicit MetricsHandler(const ServeMetrics& metrics) : metrics_(metrics) {}
  size_t BodyLimit(std::string_view) const override { return 0; }
  void Handle(ingest::http::Exchange& exchange) override;
  void RejectOversize(ingest::http::Exchange& exchange) override;
  // Nothing to keep across a restart: it reads live counters.
  void SaveState(StateWriter&) const override {}
  void LoadState(StateReader&) override {}

 private:
  const ServeMetrics& metrics_;
};

// A RecordSubmitter that counts every upload's records by outcome, then
// hands the upload on.
class MeteredSubmitter final : public ingest::http::RecordSubmitter {
 public:
  MeteredSubmitter(ingest::http::RecordSubmitter& inner, ServeMetrics& metrics)
      : inner_(inner), metrics_(metrics) {}
  std::optional<ingest::ValidationError> Submit(ingest::InterfaceId id, std::string_view json,
                                                int64_t request_ts_ms, Done done) override;

 private:
  ingest::http::RecordSubmitter& inner_;
  ServeMetrics& metrics_;
};

}  // namespace civicflow
