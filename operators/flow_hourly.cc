#include "operators/flow_hourly.h"

#include <algorithm>
#include <charconv>

#include "ingest/registry/record_parser.h"
#include "operators/registry_lookup.h"

namespace civicflow::operators {

using ingest::Platform;

std::span<const FlowSource> DefaultFlowSources() {
  static constexpr FlowSource kSources[] = {
      {Platform::kFitness, "syncBinocularFlowData", "binocular", "venueId", "acqNumOfPeople"},
      {Platform::kFitness, "syncFaceRecognitionFlowData", "face_recognition", "venueId", "acqNumOfPeople"},
      {Platform::kFitness, "syncGatebrakeFlowData", "gate_face", "venueId", ""},
      {Platform::kFitness, "syncGardScrnningcodeFlowData", "card_scan", "venueId", ""},
      {Platform::kCommunity, "stk/rytxjl", "person_pass", "areaNo", ""},
      {Platform::kCommunity, "stk/cltxjl", "vehicle_pass", "areaNo", ""},
      {Platform::kCommunity, "stk/zpjl", "face_capture", "areaNo", ""},
      {Platform::kParking, "enterRecord", "parking_enter", "parkCode", ""},
      {Platform::kParking, "exitRecord", "parking_exit", "parkCode", ""},
      {Platform::kTicketing, "report/checking", "ticket_check", "sessionCode", ""},
  };
  return kSources;
}

FlowHourly::FlowHourly(std::span<const FlowSource> sources, TableSink& sink, int64_t horizon_s)
    : sources_(sources.begin(), sources.end()),
      sink_(sink),
      routes_(ingest::Registry::Get().All().size()),
      retractions_(horizon_s) {
  for (size_t i = 0; i < sources_.size(); ++i) {
    const FlowSource& s = sources_[i];
    const ingest::InterfaceSpec& spec = InterfaceOrThrow(s.platform, s.interface);
    Route& route = routes_[ingest::Registry::Get().IdOf(spec)];
    route.source = static_cast<int>(i);
    route.site = FieldOrThrow(spec, s.site_field);
    route.count = s.count_field.empty() ? -1 : FieldOrThrow(spec, s.count_field);
    const auto& key = spec.dedup_key;
    const auto in_key = [&](std::string_view field) {
      return std::find(key.begin(), key.end(), field) != key.end();
    };
    route.retractable = route.count >= 0 || !in_key(s.site_field) || !in_key(spec.event_time);
  }
}

bool FlowHourly::ContributionOf(const ingest::Record& r, Contribution& out) {
  const Route& route = routes_[r.interface];
  if (route.source < 0 || r.event_time == LocalTime::Min()) return false;
  const ingest::Value& site = r[route.site];
  std::string_view site_text = site.AsText();
  char digits[24];
  if (site.kind == ingest::Value::Kind::kInt)
    site_text = {digits,
                 static_cast<size_t>(std::to_chars(digits, digits + sizeof digits, site.i).ptr - digits)};
  if (site_text.empty()) return false;
  out.window = static_cast<uint64_t>(sites_.Intern(site_text)) << 8 | static_cast<uint64_t>(route.source);
  out.hour = ingest::HourStart(ingest::Registry::Get().At(r.interface), r.event_time).seconds;
  out.amount = route.count < 0 ? 1 : r[route.count].i;
  return true;
}

void FlowHourly::Add(const Contribution& c, int64_t sign) {
  windows_.At(c.hour, c.window) += sign * c.amount;
}

void FlowHourly::OnBatch(std::span<const ingest::Record* const> records) {
  for (const ingest::Record* r : records) {
    Contribution c;
    if (!ContributionOf(*r, c)) continue;
    Add(c, +1);
    if (r->dedup_key && routes_[r->interface].retractable) retractions_.Remember(r->dedup_key, c.hour, c);
  }
}

void FlowHourly::OnCorrection(const ingest::Record& r) {
  Contribution now;
  if (!routes_[r.interface].retractable || !ContributionOf(r, now)) return;
  if (const auto [before, known] = retractions_.Replace(r.dedup_key, now.hour, now); known) Add(before, -1);
  Add(now, +1);
}

void FlowHourly::EmitThrough(int64_t hour_end_limit) {
  windows_.EmitThrough(hour_end_limit, [&](int64_t hour, uint64_t window, int64_t entries, bool late) {
    if (entries == 0 && late) return false;  // a correction that changed nothing here
    const FlowSource& source = sources_[window & 0xff];
    row_.Clear()
        .Text(ingest::PlatformName(source.platform))
        .Text(sites_.Name(static_cast<uint32_t>(window >> 8)))
        .Time(LocalTime{hour})
        .Text(source.source)
        .Int(entries)
        .EmitTo(sink_);
    return true;
  });
}

void FlowHourly::OnWatermark(LocalTime watermark) {
  EmitThrough(watermark.seconds);
  retractions_.OnWatermark(watermark);
}

void FlowHourly::Flush() { EmitThrough(INT64_MAX); }

size_t FlowHourly::open_windows() const { return windows_.open_cells(); }

// Sites first: windows and contributions hold their indexes.
void FlowHourly::SaveState(StateWriter& out) const {
  out.Section("FlowHourly");
  sites_.SaveState(out);
  windows_.SaveState(out);
  retractions_.SaveState(out);
}

void FlowHourly::LoadState(StateReader& in) {
  in.Section("FlowHourly");
  sites_.LoadState(in);
  windows_.LoadState(in);
  retractions_.LoadState(in);
  if (in.failed()) return;
  // A window key names a site and a source; emission looks both up.
  const auto known = [&](int64_t hour, uint64_t window) {
    return PlausibleWindowStart(hour, LocalTime::kHour) && (window >> 8) < sites_.size() &&
           (window & 0xff) < sources_.size();
  };
  if (!windows_.AllOf([&](int64_t hour, uint64_t window, int64_t) { return known(hour, window); }) ||
      !retractions_.AllOf([&](const Contribution& c) { return known(c.hour, c.window); }))
    in.Fail("a flow window of an unknown site or source");
}

}  // namespace civicflow::operators
