#pragma once
// civicflow-datagen's entry point: a seeded, fully deterministic archive
// (NDJSON, one upload per line, in send order) for all five platforms, and the
// manifest of what `civicflow replay` must count for it. The same options and
// seed always give the same bytes.
#include <cstdint>
#include <string>

#include "engine/base/status.h"

namespace civicflow::datagen {

struct GeneratorOptions {
  std::string out_path;
  std::string manifest_path;  // empty: no manifest file
  uint64_t records = 100000;  // roughly, across all platforms
  uint64_t seed = 1;
  std::string start_date = "2026-11-16";  // local midnight of the first day
  int days = 3;
  int lots = 50, venues = 40, communities = 20, sessions = 10;
  double duplicate_rate = 0.01;       // requests re-sent verbatim later
  double correction_rate = 0.005;     // requests with one record re-sent changed
  double late_rate = 0.005;           // records sent 70 min to 6 h after their event
  double invalid_rate = 0.005;        // requests preceded by a broken copy
  double missing_record_rate = 0.02;  // parking enter or exit records never sent
  int64_t disorder_seconds = 600;     // how far send time trails event time
};

struct GenerationSummary {
  uint64_t lines = 0;
  uint64_t bytes = 0;
  uint64_t valid_records = 0;  // records on valid lines, duplicates included
  double seconds = 0;
  std::string manifest_json;
};

// Writes the archive (and the manifest when asked). Fails on bad options or
// when a file cannot be written.
Result<GenerationSummary> Generate(const GeneratorOptions& options);

}  // namespace civicflow::datagen
