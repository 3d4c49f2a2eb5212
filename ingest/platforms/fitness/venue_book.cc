#include "ingest/platforms/fitness/venue_book.h"

#include <simdjson.h>

#include "engine/base/json_escape.h"
#include "ingest/registry/registry.h"

namespace civicflow::ingest::http {
namespace {

namespace dom = simdjson::dom;

std::optional<VenueBook::Venue> VenueOf(const InterfaceSpec& spec, dom::element element) {
  dom::object object;
  std::string_view venue_id;
  if (element.get_object().get(object) || object["venueId"].get_string().get(venue_id)) return std::nullopt;
  VenueBook::Venue venue{std::string(venue_id), {}};
  for (dom::key_value_pair member : object) {
    if (FlatFieldIndex(spec, member.key) < 0) continue;
    if (!venue.members.empty()) venue.members += ',';
    AppendJsonString(venue.members, member.key);
    venue.members += ':';
    venue.members += simdjson::minify(member.value);
  }
  return venue;
}

}  // namespace

std::vector<VenueBook::Venue> VenueBook::VenuesOf(const InterfaceSpec& spec, std::string_view json) {
  std::vector<Venue> venues;
  dom::parser parser;
  dom::element root;
  if (parser.parse(simdjson::padded_string(json)).get(root)) return venues;
  dom::array array;
  if (root.get_array().get(array)) {
    if (auto venue = VenueOf(spec, root)) venues.push_back(std::move(*venue));
    return venues;
  }
  for (dom::element element : array)
    if (auto venue = VenueOf(spec, element)) venues.push_back(std::move(*venue));
  return venues;
}

void VenueBook::Keep(uint64_t ticket, std::vector<Venue> venues) {
  std::unique_lock lock(mutex_);
  for (Venue& venue : venues) {
    auto [it, inserted] = venues_.try_emplace(std::move(venue.venue_id), Kept{ticket, {}});
    if (!inserted && it->second.ticket > ticket) continue;
    it->second = Kept{ticket, std::move(venue.members)};
  }
}

std::optional<std::string> VenueBook::Find(std::string_view venue_id) const {
  std::shared_lock lock(mutex_);
  auto it = venues_.find(std::string(venue_id));
  if (it == venues_.end()) return std::nullopt;
  return it->second.members;
}

void VenueBook::SaveState(StateWriter& out) const {
  std::shared_lock lock(mutex_);
  out.Section("venues");
  // Read under the lock: a ticket taken after it belongs to an upload not kept yet.
  out.Put<uint64_t>(next_ticket_.load(std::memory_order_relaxed));
  out.PutCount(venues_.size());
  for (const auto& [venue_id, kept] : venues_) {
    out.PutText(venue_id);
    out.Put<uint64_t>(kept.ticket);
    out.PutText(kept.members);
  }
}

void VenueBook::LoadState(StateReader& in) {
  in.Section("venues");
  const uint64_t next_ticket = in.Get<uint64_t>();
  const uint64_t n = in.GetCount(3 * sizeof(uint64_t));
  std::unordered_map<std::string, Kept> venues;
  for (uint64_t i = 0; i < n && !in.failed(); ++i) {
    const std::string_view venue_id = in.GetText();
    const uint64_t ticket = in.Get<uint64_t>();
    const std::string_view members = in.GetText();
    if (in.failed()) break;
    if (ticket >= next_ticket) return in.Fail("a venue kept with a ticket not yet taken");
    if (!venues.try_emplace(std::string(venue_id), Kept{ticket, std::string(members)}).second)
      return in.Fail("a venue kept twice");
  }
  if (in.failed()) return;
  std::unique_lock lock(mutex_);
  venues_ = std::move(venues);
  next_ticket_.store(next_ticket, std::memory_order_relaxed);
}

}  // namespace civicflow::ingest::http
