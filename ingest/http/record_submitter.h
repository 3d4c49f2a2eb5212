#pragma once
// RecordSubmitter: where the HTTP adapters hand over an upload's business
// payload. The engine side implements it (engine/live_ingest.h); adapters
// see only this. Thread-safe: every I/O thread submits.
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "ingest/registry/record_parser.h"

namespace civicflow::ingest::http {

// What became of an upload's records.
struct SubmitOutcome {
  // false: the upload could not be made durable (a storage failure); nothing
  // of it was kept and the reply must say so, never success.
  bool stored = true;
  uint32_t records = 0;
  uint32_t accepted = 0;     // new records (corrections included)
  uint32_t duplicates = 0;   // same dedup key, same content: dropped
  uint32_t corrections = 0;  // same dedup key, other content: replaced the earlier values
};

class RecordSubmitter {
 public:
  using Done = std::function<void(const SubmitOutcome&)>;
  virtual ~RecordSubmitter() = default;

  // Validates `json` (one record object or an array of them) as interface
  // `id`, stamped with the request time `request_ts_ms`.
  // Invalid: returns the first error; nothing is kept, `done` is not called.
  // Valid: the records enter the pipeline and `done` runs exactly once, on
  // another thread, when the upload is durable and every record's fate is
  // known, or with `stored` false when it could not be made durable. A reply
  // of success is sent from `done`, never before.
  virtual std::optional<ValidationError> Submit(InterfaceId id, std::string_view json, int64_t request_ts_ms,
                                                Done done) = 0;
};

}  // namespace civicflow::ingest::http
