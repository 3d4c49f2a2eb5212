#pragma once
// Serve: the `civicflow serve` job. Every platform's adapter on one HTTP
// port; accepted uploads go through the WAL (DurableIngest) into the same
// engine and analytics as replay, and a start recovers from the WAL what the
// last run acknowledged. SIGTERM or SIGINT: stop accepting, answer every
// request in flight, flush every window, checkpoint, close the outputs, exit 0.
// Meanwhile a background thread compacts the segments of final epochs
// (segment_maintenance.h).
#include <cstdint>
#include <string>

#include "ingest/http/server.h"

namespace civicflow {

struct ServeOptions {
  ingest::http::ServerOptions server;
  std::string data_dir;
  std::string accounts_file;
  uint32_t shards = 2;
  int64_t allowed_lateness_s = 3600;
  int64_t dedup_horizon_s = 48 * 3600;
  int64_t reconcile_grace_s = 600;
  int64_t token_lifetime_s = 24 * 3600;
  int64_t checkpoint_interval_ms = 10'000;
  int64_t state_interval_ms = 60'000;
  std::string pg_url;                // empty: no PostgreSQL
  int64_t compact_interval_s = 300;  // background segment compaction; 0: never
  uint32_t retention_days = 0;       // partitions older than this are deleted; 0: kept forever
  int64_t wal_retention_hours = 24;  // checkpointed WAL files are deleted this much later
  int64_t wal_file_mb = 64;          // a WAL file is closed and the next begun at this size
};

// Runs until a stop signal; the process exit code. Prints
// "civicflow: listening on HOST:PORT" once it accepts connections.
int RunServe(const ServeOptions& options);

}  // namespace civicflow
