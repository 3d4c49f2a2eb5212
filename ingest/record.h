#pragma once
// Typed records: what validation yields and what the engine routes.
// A Record's values live in the arena of the batch that parsed it; a Record
// is valid as long as that batch is (see engine/batch.h).
#include <cstdint>
#include <span>
#include <string_view>

#include "engine/base/local_time.h"
#include "ingest/registry/registry.h"

namespace civicflow::ingest {

// One field value. 16 bytes; strings and list rows point into the arena.
struct Value {
  enum class Kind : uint8_t { kAbsent, kInt, kDecimal, kDouble, kBool, kText, kTime, kList };
  static constexpr int64_t kDecimalScale = 1'000'000;  // kDecimal: value × 10^6

  Kind kind = Kind::kAbsent;
  uint32_t size = 0;  // kText: bytes; kList: rows
  union {
    int64_t i = 0;  // kInt, kBool (0/1), kDecimal (scaled), kTime (local seconds; time of day for "HH:mm:ss")
    double d;       // kDouble
    const char* text;   // kText
    const Value* rows;  // kList: size rows × element field count, row-major
  };

  bool present() const { return kind != Kind::kAbsent; }
  std::string_view AsText() const {
    return kind == Kind::kText ? std::string_view(text, size) : std::string_view();
  }
  LocalTime AsTime() const { return {i}; }
};
static_assert(sizeof(Value) == 16);

// What deduplication made of a record.
enum class Fate : uint8_t { kNew, kDuplicate, kCorrection };

struct Record {
  InterfaceId interface = 0;
  // Written by the Deduplicator of the shard that owns the record; read by
  // the chunk's completion after every shard has released the chunk.
  mutable Fate fate = Fate::kNew;
  uint32_t index = 0;                       // position of the record within its request
  const Value* values = nullptr;            // FlatFieldCount(spec) values, see registry.h
  LocalTime event_time = LocalTime::Min();  // Min() when the interface has none
  uint64_t partition_hash = 0;
  uint64_t dedup_key = 0;     // 0: the interface is not deduplicated
  uint64_t content_hash = 0;  // fingerprint of every value: same key + other content = correction
  int64_t request_ts_ms = 0;  // the request's envelope time

  const Value& operator[](int flat_index) const { return values[flat_index]; }
};

}  // namespace civicflow::ingest
