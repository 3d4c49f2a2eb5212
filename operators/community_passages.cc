#include "operators/community_passages.h"

#include <stdexcept>
#include <string>

#include "ingest/registry/record_parser.h"
#include "operators/registry_lookup.h"

namespace civicflow::operators {
namespace {

using ingest::Platform;

uint64_t RegistrationKey(uint32_t community, uint32_t plate) {
  return (static_cast<uint64_t>(community) + 1) << 32 | plate;  // never 0
}

}  // namespace

CommunityPassages::CommunityPassages(TableSink& sink, int64_t horizon_s)
    : sink_(sink), routes_(ingest::Registry::Get().All().size()), retractions_(horizon_s) {
  Resolve("stk/rytxjl", Kind::kPerson);
  Resolve("stk/cltxjl", Kind::kVehicle);
  Resolve("stk/zpjl", Kind::kFace);
  Resolve("clxx", Kind::kRegistration);
}

void CommunityPassages::Resolve(std::string_view interface, Kind kind) {
  const ingest::InterfaceSpec& spec = InterfaceOrThrow(Platform::kCommunity, interface);
  Route& route = routes_[ingest::Registry::Get().IdOf(spec)];
  route.kind = kind;
  switch (kind) {
    case Kind::kPerson:
      route.area = FieldOrThrow(spec, "areaNo");
      route.entrance = FieldOrThrow(spec, "accessControlNo");
      break;
    case Kind::kVehicle:
      route.area = FieldOrThrow(spec, "areaNo");
      route.entrance = FieldOrThrow(spec, "gateNo");
      route.plate = FieldOrThrow(spec, "carNo");
      break;
    case Kind::kFace:
      route.area = FieldOrThrow(spec, "areaNo");
      route.entrance = FieldOrThrow(spec, "snapNo");
      break;
    case Kind::kRegistration:
      route.area = FieldOrThrow(spec, "xqbm");
      route.plate = FieldOrThrow(spec, "cphm");
      break;
    case Kind::kNone:
      break;
  }
}

bool CommunityPassages::Registered(uint32_t community, std::string_view plate) {
  const uint32_t index = plates_.Find(plate);  // a plate never registered anywhere is not interned
  return index != TextInterner::kNone && registered_.Find(RegistrationKey(community, index)) != nullptr;
}

void CommunityPassages::Register(const ingest::Record& r, const Route& route) {
  const std::string_view community = r[route.area].AsText(), plate = r[route.plate].AsText();
  if (community.empty() || plate.empty()) return;
  // Registrations have no event time and never expire: hour 0 is only a stamp.
  registered_.FindOrInsert(RegistrationKey(communities_.Intern(community), plates_.Intern(plate)), 0);
}

bool CommunityPassages::ContributionOf(const ingest::Record& r, Contribution& out) {
  const Route& route = routes_[r.interface];
  if (route.kind == Kind::kNone || route.kind == Kind::kRegistration || r.event_time == LocalTime::Min())
    return false;
  const std::string_view community = r[route.area].AsText(), entrance = r[route.entrance].AsText();
  if (community.empty() || entrance.empty()) return false;
  const uint32_t community_index = communities_.Intern(community);
  out.window = static_cast<uint64_t>(community_index) << 32 | entrances_.Intern(entrance);
  out.hour = ingest::HourStart(ingest::Registry::Get().At(r.interface), r.event_time).seconds;
  out.kind = route.kind;
  out.unregistered = route.kind == Kind::kVehicle && !Registered(community_index, r[route.plate].AsText());
  return true;
}

void CommunityPassages::Add(const Contribution& c, int64_t sign) {
  Counts& counts = windows_.At(c.hour, c.window);
  switch (c.kind) {
    case Kind::kPerson:
      counts.person += sign;
      break;
    case Kind::kVehicle:
      counts.vehicle += sign;
      counts.unregistered += sign * c.unregistered;
      break;
    case Kind::kFace:
      counts.face += sign;
      break;
    case Kind::kRegistration:
    case Kind::kNone:
      break;
  }
}

void CommunityPassages::OnBatch(std::span<const ingest::Record* const> records) {
  // One pass in arrival order: a registration counts for the passages after it only.
  for (const ingest::Record* r : records) {
    const Route& route = routes_[r->interface];
    if (route.kind == Kind::kRegistration) {
      Register(*r, route);
      continue;
    }
    Contribution c;
    if (!ContributionOf(*r, c)) continue;
    Add(c, +1);
    if (r->dedup_key) retractions_.Remember(r->dedup_key, c.hour, c);
  }
}

void CommunityPassages::OnCorrection(const ingest::Record& r) {
  // The corrected passage is judged as a record arriving now: a plate registered in
  // between turns it from unregistered to registered.
  Contribution now;
  if (!ContributionOf(r, now)) return;
  if (const auto [before, known] = retractions_.Replace(r.dedup_key, now.hour, now); known) Add(before, -1);
  Add(now, +1);
}

void CommunityPassages::EmitThrough(int64_t hour_end_limit) {
  windows_.EmitThrough(hour_end_limit, [&](int64_t hour, uint64_t window, const Counts& c, bool) {
    if (c.Zero()) return false;  // a correction that changed nothing here
    row_.Clear()
        .Text(communities_.Name(static_cast<uint32_t>(window >> 32)))
        .Text(entrances_.Name(static_cast<uint32_t>(window)))
        .Time(LocalTime{hour})
        .Int(c.person)
        .Int(c.vehicle)
        .Int(c.face)
        .Int(c.unregistered)
        .EmitTo(sink_);
    return true;
  });
}

void CommunityPassages::OnWatermark(LocalTime watermark) {
  EmitThrough(watermark.seconds);
  retractions_.OnWatermark(watermark);
}

void CommunityPassages::Flush() { EmitThrough(INT64_MAX); }

void CommunityPassages::SaveState(StateWriter& out) const {
  out.Section("CommunityPassages");
  // The interners first: registrations, windows and contributions hold their indexes.
  communities_.SaveState(out);
  entrances_.SaveState(out);
  plates_.SaveState(out);
  registered_.SaveState(out);
  windows_.SaveState(out);
  retractions_.SaveState(out);
}

void CommunityPassages::LoadState(StateReader& in) {
  in.Section("CommunityPassages");
  communities_.LoadState(in);
  entrances_.LoadState(in);
  plates_.LoadState(in);
  registered_.LoadState(in);
  windows_.LoadState(in);
  retractions_.LoadState(in);
  if (in.failed()) return;
  // Emitting a row names the community and the entrance of its window.
  const auto known = [&](uint64_t window) {
    return (window >> 32) < communities_.size() && (window & UINT32_MAX) < entrances_.size();
  };
  const bool valid = windows_.AllOf([&](int64_t, uint64_t window, const Counts&) { return known(window); }) &&
                     retractions_.AllOf([&](const Contribution& c) {
                       return known(c.window) && c.unregistered <= 1 &&
                              (c.kind == Kind::kPerson || c.kind == Kind::kVehicle || c.kind == Kind::kFace);
                     });
  if (!valid) in.Fail("CommunityPassages: a window out of range");
}

size_t CommunityPassages::open_windows() const { return windows_.open_cells(); }

}  // namespace civicflow::operators
