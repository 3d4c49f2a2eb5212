#include "operators/energy_totals.h"

#include <algorithm>
#include <stdexcept>

#include "engine/base/hash.h"
#include "ingest/registry/record_parser.h"
#include "operators/registry_lookup.h"

namespace civicflow::operators {
namespace {

// energy_daily.level, in the order the daily key encodes it.
enum Level : uint64_t { kDistrict, kCity, kProvince };
constexpr std::string_view kLevelNames[] = {"district", "city", "province"};

// Region codes are validated GB/T 2260 codes (six digits), so 24 bits hold
// them; the check only guards the key encoding against a registry change.
constexpr int64_t kRegionLimit = int64_t{1} << 24;

uint64_t HourlyKey(uint32_t site, uint32_t source) { return uint64_t{site} << 8 | source; }
uint64_t DailyKey(Level level, int64_t region, uint32_t source) {
  return uint64_t{level} << 32 | static_cast<uint64_t>(region) << 8 | source;
}

}  // namespace

std::span<const EnergySource> DefaultEnergySources() {
  static constexpr EnergySource kSources[] = {
      {"syncEnergyConsumptionData", "electricity"},
      {"syncWaterConsumptionData", "water"},
      {"syncGasConsumptionData", "gas"},
  };
  return kSources;
}

// ---- OpenWindows ----

size_t EnergyTotals::OpenWindows::Slot(int64_t start, uint64_t key) const {
  const size_t mask = index_.size() - 1;
  for (size_t i = Mix64(key ^ Mix64(static_cast<uint64_t>(start))) & mask;; i = (i + 1) & mask) {
    if (index_[i] == 0) return i;
    const Cell& c = cells_[index_[i] - 1];
    if (c.start == start && c.key == key) return i;
  }
}

void EnergyTotals::OpenWindows::Reindex(size_t capacity) {
  index_.assign(capacity, 0);
  for (size_t j = 0; j < cells_.size(); ++j) index_[Slot(cells_[j].start, cells_[j].key)] = j + 1;
}

void EnergyTotals::OpenWindows::Add(int64_t start, uint64_t key, int64_t amount, int64_t records) {
  if (index_.empty()) Reindex(64);
  const size_t i = Slot(start, key);
  if (index_[i]) {
    Cell& c = cells_[index_[i] - 1];
    c.amount += amount;
    c.records += records;
    return;
  }
  cells_.push_back({start, key, amount, records});
  index_[i] = static_cast<uint32_t>(cells_.size());
  oldest_start_ = std::min(oldest_start_, start);
  if (cells_.size() * 2 > index_.size()) Reindex(index_.size() * 2);
}

void EnergyTotals::OpenWindows::TakeThrough(int64_t limit, std::vector<Cell>& out) {
  out.clear();
  // Written as a subtraction: `limit` is INT64_MAX at flush.
  const int64_t last_due_start = limit - length_;
  if (oldest_start_ > last_due_start) return;
  size_t kept = 0;
  oldest_start_ = INT64_MAX;
  for (const Cell& c : cells_) {
    if (c.start <= last_due_start) {
      out.push_back(c);
    } else {
      cells_[kept++] = c;
      oldest_start_ = std::min(oldest_start_, c.start);
    }
  }
  cells_.resize(kept);
  Reindex(index_.size());  // same capacity: no allocation
  std::sort(out.begin(), out.end(), [](const Cell& a, const Cell& b) {
    return a.start != b.start ? a.start < b.start : a.key < b.key;
  });
}

void EnergyTotals::OpenWindows::SaveState(StateWriter& out) const { out.PutVector(cells_); }

void EnergyTotals::OpenWindows::LoadState(StateReader& in) {
  in.GetVector(cells_);
  if (cells_.empty()) return;
  size_t capacity = 64;
  while (cells_.size() * 2 > capacity) capacity *= 2;
  index_.assign(capacity, 0);
  for (size_t j = 0; j < cells_.size(); ++j) {
    const Cell& c = cells_[j];
    const size_t i = Slot(c.start, c.key);
    if (index_[i] || !PlausibleWindowStart(c.start, length_)) {
      *this = OpenWindows(length_);
      return in.Fail("an energy window cell twice or at a start no window has");
    }
    index_[i] = static_cast<uint32_t>(j + 1);
    oldest_start_ = std::min(oldest_start_, c.start);
  }
}

// ---- EnergyTotals ----

size_t EnergyTotals::SiteHash::operator()(const Site& s) const {
  uint64_t h = Mix64(s.venue);
  h = HashCombine(h, static_cast<uint64_t>(s.province));
  h = HashCombine(h, static_cast<uint64_t>(s.city));
  return HashCombine(h, static_cast<uint64_t>(s.district));
}

EnergyTotals::EnergyTotals(std::span<const EnergySource> sources, TableSink& hourly, TableSink& daily,
                           int64_t horizon_s)
    : sources_(sources.begin(), sources.end()),
      hourly_sink_(hourly),
      daily_sink_(daily),
      routes_(ingest::Registry::Get().All().size()),
      hourly_(LocalTime::kHour),
      daily_(LocalTime::kDay),
      retractions_(horizon_s) {
  if (sources_.size() > 256) throw std::logic_error("energy sources exceed the 8-bit source index");
  for (size_t i = 0; i < sources_.size(); ++i) {
    const EnergySource& s = sources_[i];
    const ingest::InterfaceSpec* spec = &InterfaceOrThrow(ingest::Platform::kFitness, s.interface);
    // Reading a Value's union as the wrong kind would be silent garbage, so
    // the field types are checked here along with the names.
    auto resolve = [&](std::string_view name, ingest::FieldType type) {
      const int index = ingest::FlatFieldIndex(*spec, name);
      if (index < 0 || ingest::FlatField(*spec, static_cast<size_t>(index)).type != type)
        throw std::logic_error("energy source " + std::string(s.interface) + " lacks a field " +
                               std::string(name) + " of the expected type");
      return index;
    };
    Route& route = routes_[ingest::Registry::Get().IdOf(*spec)];
    route.source = static_cast<int>(i);
    route.venue = resolve("venueId", ingest::FieldType::kString);
    route.province = resolve("provinceId", ingest::FieldType::kInt);
    route.city = resolve("cityId", ingest::FieldType::kInt);
    route.district = resolve("districtId", ingest::FieldType::kInt);
    route.consumption = resolve("consumption", ingest::FieldType::kDecimal);
  }
}

uint32_t EnergyTotals::InternSite(std::string_view venue, int64_t province, int64_t city, int64_t district) {
  // Uploads come in batches from one venue: try the last site before hashing.
  if (last_site_ < sites_.size()) {
    const Site& last = sites_[last_site_];
    if (last.province == province && last.city == city && last.district == district &&
        venues_.Name(last.venue) == venue)
      return last_site_;
  }
  const uint32_t venue_index = venues_.Intern(venue);
  const Site site{venue_index, province, city, district};
  if (auto it = site_index_.find(site); it != site_index_.end()) return last_site_ = it->second;
  sites_.push_back(site);
  const auto index = static_cast<uint32_t>(sites_.size() - 1);
  site_index_.emplace(site, index);
  return last_site_ = index;
}

bool EnergyTotals::ContributionOf(const ingest::Record& r, Contribution& out) {
  const Route& route = routes_[r.interface];
  if (route.source < 0 || r.event_time == LocalTime::Min()) return false;
  const ingest::Value &venue = r[route.venue], &province = r[route.province], &city = r[route.city],
                      &district = r[route.district], &consumption = r[route.consumption];
  // All mandatory, so a validated record has them; checked so that a
  // registry change cannot turn into misread values.
  if (venue.AsText().empty() || !province.present() || !city.present() || !district.present() ||
      !consumption.present())
    return false;
  for (const ingest::Value* region : {&province, &city, &district})
    if (region->i < 0 || region->i >= kRegionLimit) return false;
  out.site = InternSite(venue.AsText(), province.i, city.i, district.i);
  out.source = static_cast<uint32_t>(route.source);
  out.hour = ingest::HourStart(ingest::Registry::Get().At(r.interface), r.event_time).seconds;
  out.amount = consumption.i;
  return true;
}

void EnergyTotals::Add(const Contribution& c, int64_t sign) {
  const int64_t amount = sign * c.amount;
  hourly_.Add(c.hour, HourlyKey(c.site, c.source), amount, sign);
  // The day is the date of the hour, so acqTime 00:00 (hour 23:00) stays in the day before.
  const int64_t day = LocalTime{c.hour}.FloorDay().seconds;
  const Site& site = sites_[c.site];
  daily_.Add(day, DailyKey(kDistrict, site.district, c.source), amount, sign);
  daily_.Add(day, DailyKey(kCity, site.city, c.source), amount, sign);
  daily_.Add(day, DailyKey(kProvince, site.province, c.source), amount, sign);
}

void EnergyTotals::OnBatch(std::span<const ingest::Record* const> records) {
  for (const ingest::Record* r : records) {
    Contribution c;
    if (!ContributionOf(*r, c)) continue;
    Add(c, +1);
    if (r->dedup_key) retractions_.Remember(r->dedup_key, c.hour, c);
  }
}

void EnergyTotals::OnCorrection(const ingest::Record& r) {
  Contribution now;
  if (!ContributionOf(r, now)) return;
  // A key forgotten past the horizon has nothing left to retract: the new
  // values simply add, as they would for a record the deduplicator forgot.
  if (const auto [before, known] = retractions_.Replace(r.dedup_key, now.hour, now); known) Add(before, -1);
  Add(now, +1);
}

void EnergyTotals::EmitThrough(int64_t limit) {
  hourly_.TakeThrough(limit, due_);
  for (const OpenWindows::Cell& cell : due_) {
    // A cell whose changes cancelled out (a correction that moved nothing
    // here, or a window whose only records were retracted) changes no sum.
    if (cell.amount == 0 && cell.records == 0) continue;
    const Site& site = sites_[cell.key >> 8];
    row_.Clear()
        .Text(venues_.Name(site.venue))
        .Int(site.province)
        .Int(site.city)
        .Int(site.district)
        .Time(LocalTime{cell.start})
        .Text(sources_[cell.key & 0xff].kind)
        .Fixed(cell.amount, ingest::Value::kDecimalScale)
        .EmitTo(hourly_sink_);
    late_hourly_rows_ += cell.start + LocalTime::kHour <= emitted_through_;
  }
  daily_.TakeThrough(limit, due_);
  for (const OpenWindows::Cell& cell : due_) {
    if (cell.amount == 0 && cell.records == 0) continue;
    row_.Clear()
        .Text(kLevelNames[cell.key >> 32])
        .Int(static_cast<int64_t>((cell.key >> 8) & 0xffffff))
        .Date(LocalTime{cell.start})
        .Text(sources_[cell.key & 0xff].kind)
        .Fixed(cell.amount, ingest::Value::kDecimalScale)
        .EmitTo(daily_sink_);
    late_daily_rows_ += cell.start + LocalTime::kDay <= emitted_through_;
  }
  emitted_through_ = std::max(emitted_through_, limit);
}

void EnergyTotals::OnWatermark(LocalTime watermark) {
  EmitThrough(watermark.seconds);
  retractions_.OnWatermark(watermark);
}

void EnergyTotals::Flush() { EmitThrough(INT64_MAX); }

// Venues before the sites that index them, sites before the cells and
// contributions that index those.
void EnergyTotals::SaveState(StateWriter& out) const {
  out.Section("EnergyTotals");
  venues_.SaveState(out);
  out.PutCount(sites_.size());
  for (const Site& site : sites_) {  // field by field: Site has padding
    out.Put(site.venue);
    out.Put(site.province);
    out.Put(site.city);
    out.Put(site.district);
  }
  hourly_.SaveState(out);
  daily_.SaveState(out);
  out.Put(emitted_through_);
  retractions_.SaveState(out);
  out.Put(late_hourly_rows_);
  out.Put(late_daily_rows_);
}

void EnergyTotals::LoadState(StateReader& in) {
  in.Section("EnergyTotals");
  venues_.LoadState(in);
  const uint64_t sites = in.GetCount(sizeof(uint32_t) + 3 * sizeof(int64_t));
  for (uint64_t i = 0; i < sites && !in.failed(); ++i) {
    Site site;
    site.venue = in.Get<uint32_t>();
    site.province = in.Get<int64_t>();
    site.city = in.Get<int64_t>();
    site.district = in.Get<int64_t>();
    const auto region = [](int64_t code) { return code >= 0 && code < kRegionLimit; };
    if (site.venue >= venues_.size() || !region(site.province) || !region(site.city) ||
        !region(site.district))
      return in.Fail("an energy site of an unknown venue or region");
    if (!site_index_.emplace(site, static_cast<uint32_t>(sites_.size())).second)
      return in.Fail("an energy site twice");
    sites_.push_back(site);
  }
  hourly_.LoadState(in);
  daily_.LoadState(in);
  emitted_through_ = in.Get<int64_t>();
  retractions_.LoadState(in);
  late_hourly_rows_ = in.Get<uint64_t>();
  late_daily_rows_ = in.Get<uint64_t>();
  if (in.failed()) return;
  // Emission looks up every key's site or level and source; Add looks up a contribution's site.
  const auto source = [&](uint64_t key) { return (key & 0xff) < sources_.size(); };
  const bool known =
      std::all_of(
          hourly_.cells().begin(), hourly_.cells().end(),
          [&](const OpenWindows::Cell& c) { return (c.key >> 8) < sites_.size() && source(c.key); }) &&
      std::all_of(daily_.cells().begin(), daily_.cells().end(),
                  [&](const OpenWindows::Cell& c) { return (c.key >> 32) <= kProvince && source(c.key); }) &&
      retractions_.AllOf([&](const Contribution& c) {
        return PlausibleWindowStart(c.hour, LocalTime::kHour) && c.site < sites_.size() &&
               c.source < sources_.size();
      });
  if (!known) in.Fail("an energy window or contribution of an unknown site, level or source");
}

}  // namespace civicflow::operators
