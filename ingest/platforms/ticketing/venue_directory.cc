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

void PutOptional(StateWriter& out, const std::optional<int64_t>& value) {
  out.Put<uint8_t>(value.has_value());
  out.Put<int64_t>(value.value_or(0));
}
std::optional<int64_t> GetOptional(StateReader& in) {
  const bool present = in.Get<uint8_t>() != 0;
  const int64_t value = in.Get<int64_t>();
  return present ? std::optional(value) : std::nullopt;
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

void VenueDirectory::SaveState(StateWriter& out) const {
  std::shared_lock lock(mutex_);
  out.Section("performance venues");
  out.PutCount(by_code_.size());
  for (const auto& [code, venue] : by_code_) {
    out.PutText(code);
    out.Put<int64_t>(venue.province_id);
    out.Put<int64_t>(venue.city_id);
    out.Put<int64_t>(venue.district_id);
    out.PutText(venue.name);
    out.PutText(venue.address);
    out.PutCount(venue.halls.size());
    for (const Hall& hall : venue.halls) {
      out.PutText(hall.name);
      out.PutText(hall.code);
      out.Put<int64_t>(hall.has_seat);
      PutOptional(out, hall.seat_num);
      PutOptional(out, hall.seating_capacity);
    }
  }
  out.PutCount(code_by_name_.size());
  for (const auto& [district_and_name, code] : code_by_name_) {
    out.Put<int64_t>(district_and_name.first);
    out.PutText(district_and_name.second);
    out.PutText(code);
  }
  out.PutCount(venues_in_district_.size());
  for (const auto& [district, count] : venues_in_district_) {
    out.Put<int64_t>(district);
    out.Put<int32_t>(count);
  }
}

void VenueDirectory::LoadState(StateReader& in) {
  in.Section("performance venues");
  std::map<std::string, Venue> by_code;
  const uint64_t venues = in.GetCount(3 * sizeof(uint64_t) + 3 * sizeof(int64_t) + sizeof(uint64_t));
  for (uint64_t i = 0; i < venues && !in.failed(); ++i) {
    Venue venue;
    venue.code = in.GetText();
    venue.province_id = in.Get<int64_t>();
    venue.city_id = in.Get<int64_t>();
    venue.district_id = in.Get<int64_t>();
    venue.name = in.GetText();
    venue.address = in.GetText();
    const uint64_t halls = in.GetCount(2 * sizeof(uint64_t) + sizeof(int64_t));
    if (halls > kHallsPerVenue) return in.Fail("a venue with more halls than it has codes");
    for (uint64_t h = 0; h < halls && !in.failed(); ++h) {
      Hall& hall = venue.halls.emplace_back();
      hall.name = in.GetText();
      hall.code = in.GetText();
      hall.has_seat = in.Get<int64_t>();
      hall.seat_num = GetOptional(in);
      hall.seating_capacity = GetOptional(in);
    }
    std::string code = venue.code;
    if (!in.failed() && !by_code.emplace(std::move(code), std::move(venue)).second)
      return in.Fail("a venueCode listed twice");
  }
  std::map<std::pair<int64_t, std::string>, std::string> code_by_name;
  const uint64_t names = in.GetCount(sizeof(int64_t) + 2 * sizeof(uint64_t));
  for (uint64_t i = 0; i < names && !in.failed(); ++i) {
    const int64_t district = in.Get<int64_t>();
    std::string name(in.GetText());
    std::string code(in.GetText());
    if (in.failed()) break;
    if (!by_code.contains(code)) return in.Fail("a venue name pointing at no venue");
    code_by_name.emplace(std::pair(district, std::move(name)), std::move(code));
  }
  std::map<int64_t, int> venues_in_district;
  const uint64_t districts = in.GetCount(sizeof(int64_t) + sizeof(int32_t));
  for (uint64_t i = 0; i < districts && !in.failed(); ++i) {
    const int64_t district = in.Get<int64_t>();
    const int32_t count = in.Get<int32_t>();
    if (count < 0 || count > kVenuesPerDistrict) return in.Fail("a district's venue count out of range");
    venues_in_district.emplace(district, count);
  }
  if (in.failed()) return;
  std::unique_lock lock(mutex_);
  by_code_ = std::move(by_code);
  code_by_name_ = std::move(code_by_name);
  venues_in_district_ = std::move(venues_in_district);
}

}  // namespace civicflow::ingest::http
