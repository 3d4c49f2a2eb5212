#include "engine/cli/serve_metrics.h"

#include <algorithm>
#include <unordered_map>

#include "engine/cli/analytics_runtime.h"
#include "engine/cli/durable_ingest.h"
#include "engine/cli/pg_export.h"
#include "engine/cli/platform_routes.h"

#ifndef CIVICFLOW_VERSION
#define CIVICFLOW_VERSION "unknown"
#endif
#ifndef CIVICFLOW_BUILD_TYPE
#define CIVICFLOW_BUILD_TYPE "unknown"
#endif

namespace civicflow {
namespace {

using ingest::http::Exchange;
using metrics::Writer;

constexpr const char* kRecordOutcomes[] = {"accepted", "duplicate", "corrected", "rejected"};
enum RecordOutcome { kAccepted, kDuplicate, kCorrected, kRejected };

// What a reply meant: our failure (storage, or an HTTP 5xx), success or a
// duplicate by the platform's own codes (each adapter's README), and
// otherwise a rejection. Routes that are not platforms answer with HTTP
// statuses.
std::string_view ReplyOutcome(std::string_view platform, std::string_view code, const Exchange& exchange) {
  struct Codes {
    std::string_view platform, ok, duplicate;
  };
  static constexpr Codes kCodes[] = {
      {"fitness", "0", "403"},  {"parking", "0", "1200"},   {"community", "0", ""},
      {"ticketing", "200", ""}, {"orienteering", "ok", ""},
  };
  if (exchange.storage_failed || exchange.status >= 500) return "error";
  for (const Codes& c : kCodes)
    if (c.platform == platform) return code == c.ok ? "ok" : code == c.duplicate ? "duplicate" : "rejected";
  return exchange.status < 400 ? "ok" : "rejected";  // 304 Not Modified answered the request
}

uint64_t NextInstance() {
  static std::atomic<uint64_t> instances{0};
  return ++instances;
}

std::string Compiler() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "gcc " __VERSION__;
#else
  return "unknown";
#endif
}

double Seconds(std::chrono::nanoseconds elapsed) { return std::chrono::duration<double>(elapsed).count(); }

// What tells a reply's series apart, as the server hands it over.
struct ReplyKey {
  std::string route, code;
  int interface_id;
  unsigned status;
  bool storage_failed;
  bool operator==(const ReplyKey&) const = default;
  struct Hash {
    size_t operator()(const ReplyKey& k) const {
      const std::hash<std::string> text;
      return text(k.route) ^ (text(k.code) * 31) ^ (static_cast<size_t>(k.interface_id) << 20) ^
             (k.status << 4) ^ k.storage_failed;
    }
  };
};

}  // namespace

// One series of civicflow_http_requests_total with its latency histogram.
struct ServeMetrics::RequestSeries {
  query::IngestCount labels;
  metrics::Counter* requests;
  metrics::Histogram* seconds;
};

ServeMetrics::ServeMetrics(const Clock& clock)
    : clock_(clock),
      instance_(NextInstance()),
      requests_(registry_.AddCounter("civicflow_http_requests_total",
                                     "HTTP requests answered, by platform, interface, reply code and outcome",
                                     {"platform", "interface", "code", "outcome"})),
      request_seconds_(registry_.AddHistogram("civicflow_http_request_duration_seconds",
                                              "From a request fully read to its reply", {"platform"},
                                              metrics::LatencySeconds())),
      records_(registry_.AddCounter("civicflow_records_total",
                                    "Records of uploads, by platform, interface and outcome",
                                    {"platform", "interface", "outcome"})),
      end_to_end_(registry_.AddHistogram("civicflow_end_to_end_latency_seconds",
                                         "From a record's event time to its shard applying it", {"platform"},
                                         metrics::LagSeconds())),
      wal_sync_seconds_(registry_
                            .AddHistogram("civicflow_wal_fsync_duration_seconds", "Each fdatasync of the WAL",
                                          {}, metrics::LatencySeconds())
                            .With({})),
      state_save_seconds_(
          registry_
              .AddHistogram("civicflow_state_save_duration_seconds",
                            "Each save of the operators' and adapters' state with a checkpoint "
                            "(ingest waits meanwhile)",
                            {}, metrics::LatencySeconds())
              .With({})),
      state_bytes_(registry_.AddGauge("civicflow_state_bytes", "Size of the last state saved", {}).With({})) {
  registry_.AddGauge("civicflow_build_info", "The running build", {"version", "compiler", "build_type"})
      .With({CIVICFLOW_VERSION, Compiler(), CIVICFLOW_BUILD_TYPE})
      .Set(1);
  const auto& registry = ingest::Registry::Get();
  for (ingest::InterfaceId id = 0; id < registry.All().size(); ++id) {
    const ingest::InterfaceSpec& spec = registry.At(id);
    const std::string_view platform = ingest::PlatformName(spec.platform);
    // Series for what carries records: uploads, and parking heartbeats (site_status).
    const bool carries_records = spec.direction == ingest::Direction::kUpload || !spec.partition_key.empty();
    std::array<metrics::Counter*, 4> counters{};
    for (size_t o = 0; o < counters.size() && carries_records; ++o)
      counters[o] = &records_.With({platform, spec.name, kRecordOutcomes[o]});
    record_counters_.push_back(counters);
    end_to_end_by_interface_.push_back(&end_to_end_.With({platform}));
  }
}

ServeMetrics::~ServeMetrics() = default;

void ServeMetrics::OnReply(std::string_view route, const Exchange& exchange,
                           std::chrono::nanoseconds elapsed) {
  // Each I/O thread keeps the series it has answered with; a miss (a new
  // combination) takes the lock once. Keys are short: no allocation.
  thread_local std::unordered_map<ReplyKey, RequestSeries*, ReplyKey::Hash> known;
  thread_local uint64_t known_instance = 0;
  if (known_instance != instance_) {
    known.clear();
    known_instance = instance_;
  }
  ReplyKey key{std::string(route), exchange.reply_code, exchange.interface_id, exchange.status,
               exchange.storage_failed};
  auto it = known.find(key);
  if (it == known.end()) {
    const std::string_view platform = route.empty() ? std::string_view("none") : route;
    const std::string_view interface = exchange.interface_id >= 0
                                           ? ingest::Registry::Get().At(exchange.interface_id).name
                                           : std::string_view("-");
    const std::string code =
        exchange.reply_code.empty() ? std::to_string(exchange.status) : exchange.reply_code;
    it = known
             .emplace(std::move(key),
                      &SeriesOf(platform, interface, code, ReplyOutcome(platform, code, exchange)))
             .first;
  }
  it->second->requests->Add();
  it->second->seconds->Observe(Seconds(elapsed));
}

ServeMetrics::RequestSeries& ServeMetrics::SeriesOf(std::string_view platform, std::string_view interface,
                                                    std::string_view code, std::string_view outcome) {
  std::lock_guard lock(series_mu_);
  for (const auto& series : request_series_)
    if (series->labels.platform == platform && series->labels.interface == interface &&
        series->labels.code == code && series->labels.outcome == outcome)
      return *series;
  auto series = std::make_unique<RequestSeries>();
  series->labels = {std::string(platform), std::string(interface), std::string(code), std::string(outcome),
                    0};
  series->requests = &requests_.With({platform, interface, code, outcome});
  series->seconds = &request_seconds_.With({platform});
  request_series_.push_back(std::move(series));
  return *request_series_.back();
}

std::vector<query::IngestCount> ServeMetrics::RequestCounts() const {
  std::vector<query::IngestCount> counts;
  std::lock_guard lock(series_mu_);
  for (const auto& series : request_series_) {
    const std::string& platform = series->labels.platform;
    if (platform == "query" || platform == "dashboard" || platform == "metrics") continue;  // not ingest
    counts.push_back(series->labels);
    counts.back().requests = series->requests->Value();
  }
  return counts;
}

void ServeMetrics::OnApplied(ShardId shard, std::span<const ingest::Record* const> records) {
  if (runtime_ != nullptr)
    dedup_keys_[shard]->store(runtime_->dedup(shard).keys(), std::memory_order_relaxed);
  if (!live_.load(std::memory_order_relaxed)) return;
  const LocalTime now = LocalTime::FromEpochMillis(clock_.NowMs());
  for (const ingest::Record* r : records) {
    if (r->event_time == LocalTime::Min()) continue;
    end_to_end_by_interface_[r->interface]->Observe(
        static_cast<double>(std::max<int64_t>(0, now.seconds - r->event_time.seconds)));
  }
}

void ServeMetrics::CountUpload(ingest::InterfaceId id, const ingest::http::SubmitOutcome& outcome) {
  auto& counters = record_counters_[id];
  if (!outcome.stored || counters[kAccepted] == nullptr) return;
  counters[kAccepted]->Add(outcome.accepted - outcome.corrections);
  counters[kDuplicate]->Add(outcome.duplicates);
  counters[kCorrected]->Add(outcome.corrections);
}

void ServeMetrics::CountRejected(ingest::InterfaceId id, uint32_t records) {
  if (metrics::Counter* rejected = record_counters_[id][kRejected]) rejected->Add(records);
}

void ServeMetrics::CountWalSync(std::chrono::nanoseconds elapsed) {
  wal_sync_seconds_.Observe(Seconds(elapsed));
}

void ServeMetrics::CountStateSave(std::chrono::nanoseconds elapsed, uint64_t bytes) {
  state_save_seconds_.Observe(Seconds(elapsed));
  state_bytes_.Set(static_cast<double>(bytes));
}

void ServeMetrics::Attach(const AnalyticsRuntime& runtime) {
  for (ShardId s = 0; s < runtime.engine().shard_count(); ++s)
    dedup_keys_.push_back(std::make_unique<std::atomic<uint64_t>>(0));
  runtime_ = &runtime;
}

void ServeMetrics::Watch(const Parts& parts) {
  registry_.AddCollector([this, parts](Writer& w) {
    using metrics::Type;
    const Engine& engine = parts.runtime->engine();
    const LocalTime now = LocalTime::FromEpochMillis(clock_.NowMs());
    w.Family("civicflow_shard_queue_depth", "Batches waiting in the shard's queue", Type::kGauge);
    for (ShardId s = 0; s < engine.shard_count(); ++s)
      w.Sample({{"shard", std::to_string(s)}}, engine.queue_depth(s));
    w.Family("civicflow_shard_watermark_lag_seconds", "Now (China local time) minus the shard's watermark",
             Type::kGauge);
    for (ShardId s = 0; s < engine.shard_count(); ++s)
      if (const LocalTime watermark = engine.watermark(s); watermark != LocalTime::Min())
        w.Sample({{"shard", std::to_string(s)}}, now.seconds - watermark.seconds);
    w.Family("civicflow_dedup_keys", "Keys held by the shard's deduplicator", Type::kGauge);
    for (ShardId s = 0; s < dedup_keys_.size(); ++s)
      w.Sample({{"shard", std::to_string(s)}}, dedup_keys_[s]->load(std::memory_order_relaxed));

    w.Family("civicflow_wal_bytes_total", "Bytes appended to the WAL", Type::kCounter);
    w.Sample({}, parts.ingest->wal_stats().bytes);
    const storage::SegmentTables& segments = parts.runtime->segments();
    w.Family("civicflow_segment_bytes_total", "Bytes of Parquet segments published", Type::kCounter);
    w.Sample({}, segments.published_bytes());
    w.Family("civicflow_segment_epoch", "The last segments epoch published", Type::kGauge);
    w.Sample({}, segments.published_epoch());

    if (parts.pg != nullptr) {
      const PgExport::Health pg = parts.pg->health();
      w.Family("civicflow_pg_sink_up", "1 while PostgreSQL is connected and applying epochs", Type::kGauge);
      w.Sample({}, pg.up ? 1 : 0);
      w.Family("civicflow_pg_sink_lag_epochs", "Final epochs not yet applied in PostgreSQL", Type::kGauge);
      w.Sample({}, pg.lag);
    }

    const ingest::parking::LotCounts lots = parts.adapters->ParkingLots();
    w.Family("civicflow_parking_lots_online", "Parking lots with a live heartbeat session", Type::kGauge);
    w.Sample({}, lots.online);
    w.Family("civicflow_parking_lots_offline", "Parking lots that missed three heartbeats (90 s)",
             Type::kGauge);
    w.Sample({}, lots.offline);
    w.Family("civicflow_http_connections", "Open HTTP connections", Type::kGauge);
    w.Sample({}, parts.server->connections());
  });
}

void MetricsHandler::Handle(Exchange& exchange) {
  if (exchange.path != "/metrics") {
    exchange.status = 404;
    exchange.content_type = "text/plain; charset=utf-8";
    exchange.reply = "metrics are at /metrics\n";
  } else if (exchange.method != ingest::http::Method::kGet) {
    exchange.status = 405;
    exchange.content_type = "text/plain; charset=utf-8";
    exchange.reply = "GET /metrics\n";
  } else {
    exchange.content_type = "text/plain; version=0.0.4; charset=utf-8";
    exchange.reply = metrics_.Render();
  }
  exchange.reply_code = std::to_string(exchange.status);
  exchange.Finish();
}

void MetricsHandler::RejectOversize(Exchange& exchange) {
  exchange.status = 413;
  exchange.content_type = "text/plain; charset=utf-8";
  exchange.reply = "GET /metrics takes no body\n";
  exchange.reply_code = "413";
  exchange.Finish();
}

std::optional<ingest::ValidationError> MeteredSubmitter::Submit(ingest::InterfaceId id, std::string_view json,
                                                                int64_t request_ts_ms, Done done) {
  auto error =
      inner_.Submit(id, json, request_ts_ms, [this, id, done = std::move(done)](const auto& outcome) {
        metrics_.CountUpload(id, outcome);
        done(outcome);
      });
  if (error) metrics_.CountRejected(id, error->upload_records);
  return error;
}

}  // namespace civicflow
