#pragma once
// The generic validator: reads a business payload with simdjson On-Demand
// against an InterfaceSpec and yields typed Records. Stateless apart from
// the immutable per-interface plans; any number of threads may call it,
// each with its own parser, arena and output vector.
#include <simdjson.h>

#include <optional>
#include <string>
#include <vector>

#include "engine/base/arena.h"
#include "ingest/record.h"

namespace civicflow::ingest {

// The kinds of rule a record can break; tests enumerate them.
enum class Rule : uint8_t {
  kMalformedJson,
  kNotAnObject,
  kUnknownInterface,
  kMissingMandatory,
  kWrongType,
  kBadTime,
  kNotInEnum,
  kTooLong,
  kBadFormat,
  kOutOfRange,
  kUnknownRegion,
  kDuplicateField,
};
std::string_view RuleName(Rule rule);

struct ValidationError {
  Rule rule;
  std::string interface;  // "parking/enterRecord"
  uint32_t record_index = 0;
  std::string field;            // path within the record: "enterTime", "ticketList[2].ticketId"
  std::string detail;           // the offending value or a short explanation
  uint32_t upload_records = 1;  // records of the upload, all rejected with it (ParseBodyText sets it)
  // "parking/enterRecord[3].enterTime: bad_time (\"2026-02-30 10:00:00\")"
  std::string Message() const;
};

struct ParseOutcome {
  uint32_t records = 0;  // records in the payload (all rejected when error is set)
  std::optional<ValidationError> error;
};

// Validates `body` (one object, or an array of objects) as interface `id`,
// stamping `request_ts_ms` on each record. Atomic: on error nothing is
// appended to `out` and `arena` is rewound.
ParseOutcome ParseBody(InterfaceId id, simdjson::ondemand::value body, int64_t request_ts_ms, Arena& arena,
                       std::vector<Record>& out);

// Same, from JSON text (tests, tools). `json` needs no padding.
ParseOutcome ParseBodyText(InterfaceId id, std::string_view json, int64_t request_ts_ms, Arena& arena,
                           std::vector<Record>& out);
// Same, from text followed by simdjson::SIMDJSON_PADDING readable bytes (no copy).
ParseOutcome ParseBodyText(InterfaceId id, simdjson::padded_string_view json, int64_t request_ts_ms,
                           Arena& arena, std::vector<Record>& out);

// Hour window start of a record's event time under the interface's hour rule.
LocalTime HourStart(const InterfaceSpec& spec, LocalTime event_time);

}  // namespace civicflow::ingest
