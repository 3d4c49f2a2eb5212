#pragma once
// Emitter: the send side of the generator. Platform generators hand it
// requests (or records to batch); it draws the injected faults, orders every
// upload by send time, writes the archive lines, and keeps the books that
// become the manifest: for each line it knows whether replay must reject it
// and, for valid lines, replays the dedup rule (same key and content =
// duplicate, same key and other content = correction) over what it sent.
//
// Single-threaded. REQUIRES: after FlushBefore(t), no request with an
// earlier send time is submitted (generators work hour by hour).
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/registry/record_parser.h"
#include "tools/datagen/rng.h"

namespace civicflow::datagen {

// One upload: an archive line once written.
struct Request {
  enum class Kind : uint8_t { kPrimary, kDuplicate, kCorrection, kInvalid, kMalformed };
  ingest::InterfaceId iface = 0;
  int64_t send_ms = 0;  // the archive is ordered by this
  int64_t ts_ms = 0;    // the envelope timestamp written on the line
  bool array_body = false;
  Kind kind = Kind::kPrimary;
  ingest::Rule rule = ingest::Rule::kMalformedJson;  // kInvalid, kMalformed
  std::vector<std::string> objects;                  // payload objects (JSON text)
};

// A record waiting to be batched into requests.
struct Item {
  int64_t event_s = 0;  // local seconds of its event time
  int64_t ready_s = 0;  // earliest send time, >= event_s
  std::string text;     // a payload object, or a record_list element for kList
};

enum class BodyShape : uint8_t {
  kObject,  // one object per request
  kArray,   // an array of objects per request
  kList,    // one object per request whose record_list holds the items
};

struct StreamShape {
  BodyShape shape = BodyShape::kObject;
  int max_batch = 1;
  std::string_view list_prefix{};  // kList: the object up to the list's '[', e.g. {"ticketList":[
};

struct FaultRates {
  double duplicate = 0.01;
  double correction = 0.005;
  double late = 0.005;
  double invalid = 0.005;
  int64_t disorder_s = 600;
};

struct ExpectedCounts {
  uint64_t accepted = 0, rejected = 0, duplicates = 0, corrections = 0;
};

struct Injected {
  uint64_t late = 0;  // records sent 70 min to 6 h after their event time
  uint64_t missing_enter = 0, missing_exit = 0;
  uint64_t duplicate_requests = 0, correction_requests = 0, invalid_requests = 0;
  std::array<uint64_t, 16> invalid_by_rule{};  // lines, by ingest::Rule
};

class Emitter {
 public:
  Emitter(const FaultRates& rates, uint64_t seed, std::FILE* out);
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;

  // A request as the source system sends it; faults are drawn here.
  void Submit(Request request);
  // Batches `items` (any order) into requests of `iface`: each batch leaves
  // within disorder_s of its first record's ready time and holds only
  // records ready by then; a late_rate fraction of records goes alone, late.
  void Stream(ingest::InterfaceId iface, std::vector<Item>& items, const StreamShape& shape);
  // Writes every pending request sent before `send_ms`, in send order.
  void FlushBefore(int64_t send_ms);
  // Writes everything still pending. Returns false if a write failed.
  bool Finish();

  Injected& injected() { return injected_; }
  const Injected& injected() const { return injected_; }
  const std::vector<ExpectedCounts>& counts() const { return counts_; }
  uint64_t rejected_unknown() const { return rejected_unknown_; }
  uint64_t lines() const { return lines_; }
  uint64_t bytes() const { return bytes_; }
  uint64_t records_sent() const { return records_sent_; }
  // Requests submitted after lines sent later had been written: a generator bug.
  uint64_t out_of_order() const { return out_of_order_; }
  // {"interfaces":{...},"totals":{...},"rejected_unknown":N,"injected":{...}}
  std::string ManifestJson() const;

 private:
  struct Pending {
    int64_t send_ms;
    uint64_t seq;
    size_t slot;
  };
  struct PendingLater {
    bool operator()(const Pending& a, const Pending& b) const {
      return a.send_ms != b.send_ms ? a.send_ms > b.send_ms : a.seq > b.seq;
    }
  };
  // Open-addressing map from a dedup key to the content last accepted for it.
  class SeenKeys {
   public:
    SeenKeys() : slots_(1 << 16) {}
    // Returns the slot's content pointer; *inserted tells whether the key is new.
    uint64_t* Find(uint64_t key, bool* inserted);

   private:
    void Grow();
    std::vector<std::pair<uint64_t, uint64_t>> slots_;
    size_t size_ = 0;
  };

  void Push(Request request);
  void Write(Request& request);
  void Account(const Request& request);
  void Record(ingest::InterfaceId iface, uint64_t key, uint64_t content);
  bool AddInvalidCopy(const Request& request);
  void AddCorrection(const Request& request);
  void Output(std::string_view text);

  FaultRates rates_;
  Rng faults_;
  Rng batches_;
  std::FILE* out_;
  bool write_failed_ = false;
  std::string buffer_;
  std::string line_;
  std::vector<Request> slots_;
  std::vector<size_t> free_slots_;
  std::vector<Pending> heap_;
  uint64_t next_seq_ = 0;
  size_t next_rule_ = 0;
  SeenKeys seen_;
  std::vector<ExpectedCounts> counts_;
  uint64_t rejected_unknown_ = 0;
  uint64_t lines_ = 0, bytes_ = 0, records_sent_ = 0;
  int64_t flushed_ms_ = INT64_MIN;
  uint64_t out_of_order_ = 0;
  Injected injected_;
};

}  // namespace civicflow::datagen
