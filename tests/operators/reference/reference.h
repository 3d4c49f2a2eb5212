#pragma once
// The reference implementation of the output tables: operators/README.md
// ("The contract") computed the plain way, to check the operators against.
// Single-threaded; reads archive files line by line, validates each upload
// with ingest::ParseBodyText, deduplicates with a std::map and computes the
// FINAL content of every table with std::map / std::set. No watermarks for
// the additive tables (only the sum per key matters). The others follow the
// contract's rules literally: lot-local watermarks for the reconciliation,
// heartbeat gaps and the final watermark for lot status, and for community
// device status one watermark (latest event time so far − allowed lateness)
// advanced record by record. Shares nothing with operators/.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/base/status.h"

namespace civicflow::reference {

struct ReferenceOptions {
  int64_t allowed_lateness_s = 3600;  // final watermark = latest event time − this
  int64_t reconcile_grace_s = 600;    // a plate list waits for its lot's watermark to reach list time + this
  int64_t offline_after_s = 90;       // 3 missed 30 s heartbeats
};

struct Table {
  std::vector<std::string> columns;            // in the contract's order
  std::vector<std::vector<std::string>> rows;  // additive tables: one row per key, summed
};

// Table name ("flow_hourly", ...) → final content.
using Tables = std::map<std::string, Table>;

// What the reference made of each interface's records, to check it against a generator's manifest.
struct Counts {
  uint64_t accepted = 0;  // valid and not a duplicate (corrections included)
  uint64_t duplicates = 0;
  uint64_t corrections = 0;
};

struct Output {
  Tables tables;
  std::map<std::string, Counts> interfaces;  // by "platform/interface"
};

// Reads `files` in order as one archive. Fails only when a file cannot be read.
Result<Output> ComputeTables(const std::vector<std::string>& files, const ReferenceOptions& options = {});

// Decimal text of a fixed-point value with 6 decimals, without trailing
// zeros: 356'750'000 → "356.75", 5'000'000 → "5", -1'500'000 → "-1.5".
std::string FormatFixed6(int64_t value);

}  // namespace civicflow::reference
