#pragma once
// VenueDirectory: the performance venues and halls saved through
// /standard/venue/save, with the codes civicflow assigns them, for
// /standard/venue/list. Codes: venueCode = districtId (6 digits) + a 3-digit
// sequence within the district; hallCode = venueCode + a 2-digit sequence
// within the venue. Saving without a venueCode a venue whose district and
// name are already known updates that venue (so a replayed save gets the
// same code); a hall is matched by name within its venue.
// Kept in checkpoints, codes and sequences included, so a code stays its
// venue's across a restart. Thread-safe: listing takes a shared lock, saving
// the exclusive one.
#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "engine/base/state_codec.h"
#include "engine/base/status.h"

namespace civicflow::ingest::http {

class VenueDirectory {
 public:
  struct Hall {
    std::string name, code;
    int64_t has_seat = 0;
    std::optional<int64_t> seat_num, seating_capacity;
  };
  struct Venue {
    std::string code;
    int64_t province_id = 0, city_id = 0, district_id = 0;
    std::string name, address;
    std::vector<Hall> halls;
  };
  // One /standard/venue/save request (spec table A.13).
  struct Save {
    std::optional<std::string> venue_code;  // absent: create (or find by district and name)
    int64_t province_id = 0, city_id = 0, district_id = 0;
    std::string name, address;
    std::optional<Hall> hall;  // hasHall = 1; its code is ignored
  };
  struct Codes {
    std::string venue_code;
    std::string hall_code;  // empty when no hall was saved
  };
  struct Filter {
    std::optional<int64_t> province_id, city_id, district_id;
    std::string name_part;  // substring of the venue name; empty = any
  };
  struct Page {
    std::vector<Venue> venues;
    size_t total = 0;  // venues matching the filter
  };

  // Errors: unknown venueCode, a district or venue out of codes.
  Result<Codes> Store(const Save& save);
  // Page `page_no` (from 1) of `page_size` matching venues, in venueCode order.
  Page List(const Filter& filter, uint32_t page_no, uint32_t page_size) const;

  void SaveState(StateWriter& out) const;
  // REQUIRES: nothing stored yet.
  void LoadState(StateReader& in);

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, Venue> by_code_;
  std::map<std::pair<int64_t, std::string>, std::string> code_by_name_;  // (district, name) -> code
  std::map<int64_t, int> venues_in_district_;
};

}  // namespace civicflow::ingest::http
