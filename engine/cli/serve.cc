#include "engine/cli/serve.h"

#include <pthread.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <thread>

#include "engine/cli/analytics_runtime.h"
#include "engine/cli/durable_ingest.h"
#include "engine/cli/pg_export.h"
#include "engine/cli/platform_routes.h"
#include "engine/cli/segment_maintenance.h"
#include "engine/cli/serve_metrics.h"
#include "engine/dashboard/dashboard_handler.h"
#include "engine/query/pg_source.h"
#include "engine/query/query_handler.h"
#include "engine/query/segment_source.h"
#include "operators/replenish_query.h"

namespace civicflow {
namespace {

// Every connection is a descriptor: allow as many as the hard limit.
void RaiseDescriptorLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "civicflow serve: %s\n", message.c_str());
  return 1;
}

}  // namespace

int RunServe(const ServeOptions& options) {
  // Stop signals are taken by one thread with sigwait; every thread started
  // from here on inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  RaiseDescriptorLimit();

  auto accounts = ingest::http::Accounts::Load(options.accounts_file);
  if (!accounts.ok()) return Fail(accounts.status().message());

  SystemClock clock;
  ServeMetrics metrics(clock);
  operators::LiveProblemPlates problem_plates;
  RuntimeOptions runtime_options;
  runtime_options.data_dir = options.data_dir;
  runtime_options.shards = options.shards;
  runtime_options.ingest_threads = static_cast<uint32_t>(options.server.io_threads);
  runtime_options.allowed_lateness_s = options.allowed_lateness_s;
  runtime_options.analytics.dedup.horizon_s = options.dedup_horizon_s;
  runtime_options.analytics.reconcile_grace_s = options.reconcile_grace_s;
  // Every I/O thread may hold a few uploads while the shards work.
  runtime_options.chunks = 64 + 4 * static_cast<size_t>(options.server.io_threads);
  runtime_options.queue_batches = 32;
  runtime_options.tees[static_cast<size_t>(operators::Table::kParkingProblemPlates)] = &problem_plates;
  storage::FileSystem& fs = storage::FileSystem::Posix();
  auto checkpoint = storage::LoadCheckpoint(fs, options.data_dir);
  if (!checkpoint.ok()) return Fail(checkpoint.status().message());
  if (*checkpoint) runtime_options.resume = &**checkpoint;
  runtime_options.epoch_manifests = !options.pg_url.empty();
  runtime_options.observer = &metrics;
  auto runtime = AnalyticsRuntime::Open(runtime_options);
  if (!runtime.ok()) return Fail(runtime.status().message());
  metrics.Attach(**runtime);

  DurableIngestOptions durable_options;
  durable_options.checkpoint_interval = std::chrono::milliseconds(options.checkpoint_interval_ms);
  durable_options.state_interval = std::chrono::milliseconds(options.state_interval_ms);
  durable_options.wal_retention = std::chrono::hours(options.wal_retention_hours);
  durable_options.wal.file_bytes = static_cast<uint64_t>(options.wal_file_mb) << 20;
  durable_options.wal.on_sync = [&metrics](std::chrono::nanoseconds elapsed) {
    metrics.CountWalSync(elapsed);
  };
  durable_options.on_state_saved = [&metrics](std::chrono::nanoseconds elapsed, uint64_t bytes) {
    metrics.CountStateSave(elapsed, bytes);
  };
  auto ingest = DurableIngest::Open(fs, options.data_dir, (*runtime)->engine(), (*runtime)->pool(),
                                    (*runtime)->segments(), *checkpoint, durable_options);
  if (!ingest.ok()) return Fail(ingest.status().message());
  ingest::http::PictureStore pictures(options.data_dir);
  MeteredSubmitter submitter(**ingest, metrics);
  ingest::http::AdapterContext context{submitter, clock, pictures, options.token_lifetime_s * 1000};
  PlatformAdapters adapters(*accounts, context, problem_plates);
  if (Status s = (*ingest)->Recover(adapters); !s.ok()) return Fail(s.message());
  const Recovery& r = (*ingest)->recovery();
  if (!r.passed_over.empty())
    std::printf("civicflow: %s; recovering from the state saved before it\n", r.passed_over.c_str());
  if (!r.state.empty() || r.frames > 0 || !r.damage.empty())
    std::printf(
        "civicflow: recovered: state %s, %llu uploads from the WAL (%llu before the checkpoint)%s%s\n",
        r.state.empty() ? "none" : r.state.c_str(), static_cast<unsigned long long>(r.frames),
        static_cast<unsigned long long>(r.muted),
        r.damage.empty() ? "" : "; cut a damaged tail: ", r.damage.c_str());
  metrics.GoLive();

  std::unique_ptr<PgExport> pg;
  if (!options.pg_url.empty()) pg = std::make_unique<PgExport>(options.pg_url, options.data_dir);
  // After PgExport, which holds compaction off epochs PostgreSQL has not applied (DIR/pg_hold).
  SegmentMaintenanceOptions maintenance_options;
  maintenance_options.data_dir = options.data_dir;
  maintenance_options.interval = std::chrono::seconds(options.compact_interval_s);
  if (options.retention_days > 0) maintenance_options.retention_days = options.retention_days;
  SegmentMaintenance maintenance(maintenance_options);

  // The query API reads PostgreSQL with --pg, else the segments; sites' districts come from the raw
  // record tables, which only the segments hold.
  query::SegmentSource segments(options.data_dir);
  std::unique_ptr<query::PgSource> pg_tables;
  if (!options.pg_url.empty()) pg_tables = std::make_unique<query::PgSource>(options.pg_url);
  query::SiteDirectory sites(segments, clock);
  query::QueryHandler queries(pg_tables ? static_cast<query::TableSource&>(*pg_tables) : segments, sites,
                              [&metrics] { return metrics.RequestCounts(); });
  std::vector<ingest::http::Route> routes = adapters.routes();
  routes.push_back({std::string(query::kQueryPrefix), &queries, "query"});
  MetricsHandler metrics_handler(metrics);
  routes.push_back({"/metrics", &metrics_handler, "metrics"});
  dashboard::DashboardHandler dashboard;
  routes.push_back({std::string(dashboard::DashboardHandler::kPrefix), &dashboard, "dashboard"});
  ingest::http::ServerOptions server_options = options.server;
  server_options.observer = &metrics;
  auto server = ingest::http::HttpServer::Start(server_options, std::move(routes), clock);
  if (!server.ok()) return Fail(server.status().message());
  metrics.Watch({runtime->get(), ingest->get(), &adapters, pg.get(), server->get()});
  std::printf("civicflow: listening on %s:%u\n", options.server.host.c_str(), (*server)->port());
  std::fflush(stdout);

  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    (*server)->Stop();
  });
  (*server)->Run();
  // Run returns only once stopping; a drain that timed out leaves uploads in
  // flight, which the engine's drain still settles.
  stopper.join();
  maintenance.Stop();  // before the final checkpoint: a merge in progress ends after its partition
  if (Status s = (*ingest)->Close(); !s.ok()) return Fail(s.message());
  auto totals = (*runtime)->Close();
  if (!totals.ok()) return Fail(totals.status().message());
  // PostgreSQL is waited for while it takes epochs; if it is down it catches up on the next start.
  if (pg && !pg->WaitCaughtUp(std::chrono::seconds(10)))
    std::fprintf(stderr, "civicflow: PostgreSQL is behind (%s); it catches up on the next start\n",
                 pg->problem().c_str());
  std::printf("civicflow: stopped; %llu output rows\n", static_cast<unsigned long long>(totals->rows));
  return 0;
}

}  // namespace civicflow
