#pragma once
// The spec registry's vocabulary. Every interface of the five specifications
// is described as constexpr data with these types (see
// ingest/platforms/<platform>/interfaces.cc); one generic validator reads them.
// Adding an interface is adding rows, not code.
#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

namespace civicflow::ingest {

enum class Platform : uint8_t { kFitness, kParking, kCommunity, kTicketing, kOrienteering };
inline constexpr Platform kAllPlatforms[] = {Platform::kFitness, Platform::kParking, Platform::kCommunity,
                                             Platform::kTicketing, Platform::kOrienteering};

constexpr std::string_view PlatformName(Platform p) {
  constexpr std::string_view kNames[] = {"fitness", "parking", "community", "ticketing", "orienteering"};
  return kNames[static_cast<int>(p)];
}

// What the JSON value must be and how it is typed.
enum class FieldType : uint8_t {
  kString,       // JSON string; max_length counts characters (UTF-8 code points)
  kInt,          // JSON integer in 32-bit range ("int", "byte", "Int")
  kLong,         // JSON integer in 64-bit range
  kDecimal,      // JSON number or numeric string, kept exactly as fixed point (6 decimals)
  kDouble,       // JSON number ("Float", "Double")
  kBool,         // JSON true / false
  kDate,         // "yyyy-MM-dd"
  kDateTime,     // "yyyy-MM-dd HH:mm:ss"
  kDateMinute,   // "yyyy-MM-dd HH:mm"
  kTime,         // "HH:mm:ss"
  kEpochMillis,  // JSON integer, milliseconds since 1970-01-01 UTC
  kList,         // JSON array of objects, each described by `children`
  kObject,       // JSON object described by `children`
  kStringList,   // JSON array of strings (each checked against max_length / format)
};

// The spec's M / O / C column. Conditional fields are validated when present;
// their conditions are prose in the specs and are not enforced generically.
enum class Presence : uint8_t { kMandatory, kOptional, kConditional };

// Semantic checks on top of the type.
enum class Format : uint8_t {
  kNone,
  kRegionCode,  // GB/T 2260 administrative division code (6 digits), Int or String
  kHex32,       // exactly 32 hex digits (Uuid, park codes)
  kMd5Hex,      // 32 hex digits (file signatures)
  kPlate,       // Chinese vehicle plate: province character + letter + 5-6 alphanumerics
  kDigits,      // ASCII digits only
  kMobile,      // 11-digit mainland mobile number starting with 1
  kIdCard,      // 18-character resident identity number with valid check digit
  kUrl,         // http:// or https:// URL
};

inline constexpr double kNoMin = -std::numeric_limits<double>::infinity();
inline constexpr double kNoMax = std::numeric_limits<double>::infinity();

struct FieldSpec {
  std::string_view name;  // JSON key exactly as in the spec
  FieldType type;
  Presence presence;
  uint16_t max_length = 0;  // characters for strings, digits for numbers; 0 = no limit
  Format format = Format::kNone;
  std::string_view enum_values{};  // allowed values, '|'-separated ("0|1|2"); empty = any
  double min = kNoMin;             // inclusive numeric range (Int, Long, Decimal, Double)
  double max = kNoMax;
  std::span<const FieldSpec> children{};  // kList / kObject element fields
};

// How an event time maps to an hourly window.
enum class HourRule : uint8_t {
  kInstant,         // counts in the hour that contains the time
  kIntervalEnding,  // hourly statistic labelled by the hour its interval ends (fitness acqTime)
};

// What the platform does with the interface.
enum class Direction : uint8_t {
  kUpload,  // records reported to civicflow (flows through the pipeline)
  kQuery,   // civicflow answers from its state (syncVenueDataGet, replenishCarInfo, lists)
  kAuth,    // token / login / heartbeat endpoints
};

// Names an envelope value instead of a body field in partition_key,
// event_time or dedup_key: the request's `ts` (epoch ms).
inline constexpr std::string_view kEnvelopeTs = "$ts";

struct InterfaceSpec {
  Platform platform;
  std::string_view name;         // archive `interface` value: "enterRecord", "stk/rytxjl", "report/checking"
  std::string_view http_method;  // "POST" or "GET"
  std::string_view http_path;    // full path: "/dataReceive/v1/enterRecord"
  std::string_view title;        // the spec's own name for it, e.g. "车辆入场记录上报"
  Direction direction;
  std::span<const FieldSpec> fields;  // the business payload's top-level fields
  // When set, names a kList field of `fields` whose elements are the records:
  // each element becomes one record that also carries the parent's scalar fields.
  std::string_view record_list{};
  std::string_view partition_key{};  // field name (element first, then parent); empty = by interface
  std::string_view event_time{};     // time-typed field or kEnvelopeTs; empty = none
  HourRule hour_rule = HourRule::kInstant;
  std::array<std::string_view, 5> dedup_key{};  // field names / kEnvelopeTs; empty = no dedup
};

}  // namespace civicflow::ingest
