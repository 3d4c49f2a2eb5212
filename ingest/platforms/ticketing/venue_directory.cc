#include "ingest/platforms/ticketing/venue_directory.h"

#include <algorithm>
#include <mutex>

namespace civicflow::ingest::http {
namespace {

constexpr int kVenuesPerDistrict = 999;
constexpr int kHallsPerVenue = 99;

// `prefix` followed by `number` in `digits` digits, zero-padded.
std::string Numbered(std::string_view prefix, int number, size_t digits) {
  const std::string text = std::to_string(number);
  return std::string(prefix) + std::string(digits - std::min(digits, text.size()), '0') + text;
}

bool Matches(const VenueDirectory::Filter& filter, const VenueDirectory::Venue& venue) {
  return (!filter.province_id || *filter.province_id == venue.province_id) &&
         (!filter.city_id || *filter.city_id == venue.city_id) &&
         (!filter.district_id || *filter.district_id == venue.district_id) &&
         venue.name.find(filter.name_part) != std::string::npos;
}

}  // namespace

Result<VenueDirectory::Codes> VenueDirectory::Store(const Save& save) {
  std::unique_lock lock(mutex_);
  Venue* venue = nullptr;
  if (save.venue_code) {
    auto it = by_code_.find(*save.venue_code);
    if (it == by_code_.end()) return Status::Error("unknown venueCode " + *save.venue_code);
    venue = &it->second;
  } else if (auto known = code_by_name_.find({save.district_id, save.name}); known != code_by_name_.end()) {
    venue = &by_code_.at(known->second);
  } else {
    int& count = venues_in_district_[save.district_id];
    if (count == kVenuesPerDistrict)
      return Status::Error("district " + std::to_string(save.district_id) + " has no venueCode left");
    const std::string code = Numbered(std::to_string(save.district_id), ++count, 3);
    venue = &by_code_[code];
    venue->code = code;
  }
  Codes codes{venue->code, {}};
  if (save.hall) {
    Hall* hall = nullptr;
    for (Hall& known : venue->halls)
      if (known.name == save.hall->name) hall = &known;
    if (hall == nullptr) {
      if (venue->halls.size() == kHallsPerVenue)
        return Status::Error("venue " + venue->code + " has no hallCode left");
      hall = &venue->halls.emplace_back();
      hall->code = Numbered(venue->code, static_cast<int>(venue->halls.size()), 2);
    }
    const std::string code = hall->code;
    *hall = *save.hall;
    hall->code = code;
    codes.hall_code = code;
  }
  if (venue->name != save.name || venue->district_id != save.district_id) {
    code_by_name_.erase({venue->district_id, venue->name});
    code_by_name_[{save.district_id, save.name}] = venue->code;
  }
  venue->province_id = save.province_id;
  venue->city_id = save.city_id;
  venue->district_id = save.district_id;
  venue->name = save.name;
  venue->address = save.address;
  return codes;
}

VenueDirectory::Page VenueDirectory::List(const Filter& filter, uint32_t page_no, uint32_t page_size) const {
  std::shared_lock lock(mutex_);
  Page page;
  const size_t first = static_cast<size_t>(page_no - 1) * page_size;
  for (const auto& [code, venue] : by_code_) {
    if (!Matches(filter, venue)) continue;
    if (page.total >= first && page.venues.size() < page_size) page.venues.push_back(venue);
    ++page.total;
  }
  return page;
}

}  // namespace civicflow::ingest::http
