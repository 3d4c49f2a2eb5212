#pragma once
// VenueBook: the latest accepted syncVenueData of every venue, which
// syncVenueDataGet answers (spec tables 3 and 4). A venue is kept as the
// JSON members of its spec fields, ready to splice into a reply.
// "Latest" is the order in which uploads were submitted: each upload takes a
// ticket before it is submitted and keeps its venues, once accepted, unless
// a later ticket already did. Checkpoints keep the venues with their tickets
// and the next ticket, so the order survives a restart. Thread-safe (shared
// lock to read).
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/base/state_codec.h"
#include "ingest/registry/interface_spec.h"

namespace civicflow::ingest::http {

class VenueBook {
 public:
  struct Venue {
    std::string venue_id;
    std::string members;  // `"venueId":"…","state":"0",…` without braces
  };

  // The venues of a syncVenueData body (one object or an array), in order.
  // Members that are not fields of `spec` are dropped; records without a
  // string venueId are skipped (the validator rejects them anyway).
  static std::vector<Venue> VenuesOf(const InterfaceSpec& spec, std::string_view json);

  uint64_t TakeTicket() { return next_ticket_.fetch_add(1, std::memory_order_relaxed); }
  // Keeps `venues` (an accepted upload that took `ticket`); later elements win.
  void Keep(uint64_t ticket, std::vector<Venue> venues);
  // The members of the venue's latest accepted record.
  std::optional<std::string> Find(std::string_view venue_id) const;

  void SaveState(StateWriter& out) const;
  // REQUIRES: nothing kept yet.
  void LoadState(StateReader& in);

 private:
  struct Kept {
    uint64_t ticket;
    std::string members;
  };
  std::atomic<uint64_t> next_ticket_{0};
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Kept> venues_;
};

}  // namespace civicflow::ingest::http
