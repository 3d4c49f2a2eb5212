#pragma once
// Replay: the `civicflow replay` job. Archive files flow through
//   read blocks (serial) → parse + validate (parallel) → count, dead-letter,
//   route (serial, in order) → shards: dedup → flow_hourly
// on a oneTBB pipeline, then every window is flushed.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "ingest/registry/registry.h"

namespace civicflow {

struct ReplayOptions {
  std::string data_dir;
  std::string pg_url;  // non-empty: PostgreSQL takes the tables before the replay ends
  std::vector<std::string> files;
  uint32_t shards = 2;
  uint32_t threads = 2;  // parse threads
  int64_t allowed_lateness_s = 3600;
  int64_t dedup_horizon_s = 48 * 3600;
  int64_t reconcile_grace_s =
      600;  // parking plate lists wait for the lot's watermark to pass list time + this
  size_t block_bytes = 4 << 20;
};

struct InterfaceCounts {
  uint64_t accepted = 0;  // valid and not a duplicate (corrections included)
  uint64_t rejected = 0;
  uint64_t duplicates = 0;
  uint64_t corrections = 0;
};

struct ReplayReport {
  std::vector<InterfaceCounts> by_interface;  // by InterfaceId
  uint64_t rejected_unknown = 0;              // lines naming no known interface
  uint64_t late = 0;                          // records behind their shard's watermark on arrival
  uint64_t late_rows = 0;                     // flow_hourly rows for hours already emitted
  uint64_t rows = 0;                          // output rows, all tables
  uint64_t input_bytes = 0;
  double seconds = 0;
  uint64_t peak_rss_bytes = 0;
  std::vector<std::string> outputs;  // files written

  uint64_t TotalAccepted() const;
  uint64_t TotalRejected() const;
  uint64_t TotalDuplicates() const;
  // Per-interface table for people.
  std::string Table() const;
  // The same as JSON: {"interfaces":{"parking/enterRecord":{...}},"totals":{...},...}
  std::string Json() const;
};

// Fails only when a file cannot be read or an output cannot be written;
// bad lines are counted and dead-lettered.
Result<ReplayReport> RunReplay(const ReplayOptions& options);

}  // namespace civicflow
