#pragma once
// LoadReport: what a load run did and measured, as a table for people and
// as JSON for scripts (bench/http_bench.sh reads it). Plain value.
#include <cstdint>
#include <map>
#include <string>

#include "tools/loadgen/latency_histogram.h"

namespace civicflow::loadgen {

struct LoadReport {
  // The run.
  std::string target;  // http://HOST:PORT the requests went to
  size_t connections = 0;
  double rate = 0;     // requests/s asked for; 0: as fast as answers come
  uint32_t batch = 0;  // records per request asked for; 0: as archived
  uint64_t archive_uploads = 0, unreadable_lines = 0;
  double prepare_seconds = 0;
  std::map<std::string, uint64_t> unprepared;  // "platform: reason" → uploads

  // Master data sent first, untimed (RequestPlan::setup).
  uint64_t setup_requests = 0, setup_accepted = 0, setup_errors = 0;
  int setup_passes = 0;  // sending again what was refused while that helped
  double setup_seconds = 0;
  std::map<std::string, uint64_t> setup_replies;  // each request's last reply

  // The timed run: requests and records sent, whether answered or not.
  uint64_t requests = 0, records = 0;
  uint64_t accepted_requests = 0, accepted_records = 0;  // the platform's code says taken
  double seconds = 0;                                    // first send to last answer
  LatencyHistogram latency;  // answered requests; from the intended send time when rate-limited
  std::map<std::string, uint64_t> replies;  // "parking 0", "fitness http_401"
  uint64_t transport_errors = 0, reconnects = 0;
  std::string first_transport_error;

  double RequestsPerSecond() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
  double RecordsPerSecond() const { return seconds > 0 ? static_cast<double>(records) / seconds : 0; }
};

std::string ReportTable(const LoadReport& report);
std::string ReportJson(const LoadReport& report);

}  // namespace civicflow::loadgen
