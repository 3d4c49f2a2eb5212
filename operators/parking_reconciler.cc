#include "operators/parking_reconciler.h"

#include <algorithm>
#include <stdexcept>

#include "ingest/registry/registry.h"
#include "operators/registry_lookup.h"

namespace civicflow::operators {
namespace {

using ingest::Platform;

constexpr int64_t kLocalOffsetMs = LocalTime::kUtcOffset * 1000;
constexpr size_t kCompactAbove = 4096;  // plates interned before a lot's table is worth compacting

// Envelope timestamps keep their milliseconds to order lists and reports of
// one second; times compare by the second, as list times are written.
int64_t EnvelopeMs(const ingest::Record& r) { return r.request_ts_ms + kLocalOffsetMs; }
int64_t Seconds(int64_t ms) { return ms / 1000 - (ms % 1000 < 0); }

std::string_view StatusName(int status) {
  constexpr std::string_view kNames[] = {"", "online", "offline"};
  return kNames[status];
}

}  // namespace

ParkingReconciler::ParkingReconciler(TableSink& reconciliation, TableSink& problem_plates,
                                     TableSink& site_status, int64_t grace_s, int64_t horizon_s)
    : reconciliation_(reconciliation),
      problem_plates_(problem_plates),
      site_status_(site_status),
      grace_s_(grace_s),
      horizon_s_(horizon_s),
      routes_(ingest::Registry::Get().All().size()) {
  struct Source {
    std::string_view interface;
    Kind kind;
    std::string_view value;  // empty: only the lot is read
  };
  static constexpr Source kSources[] = {
      {"enterRecord", Kind::kEnter, "plateNo"},    {"exitRecord", Kind::kExit, "plateNo"},
      {"parkCarInfo", Kind::kList, "plateNoList"}, {"parkSpaceInfo", Kind::kSpace, "usedStalls"},
      {"heartBeats", Kind::kHeartbeat, ""},
  };
  for (const Source& s : kSources) {
    const ingest::InterfaceSpec& spec = InterfaceOrThrow(Platform::kParking, s.interface);
    Route& route = routes_[ingest::Registry::Get().IdOf(spec)];
    route.kind = s.kind;
    route.park = FieldOrThrow(spec, "parkCode");
    route.value = s.value.empty() ? -1 : FieldOrThrow(spec, s.value);
  }
}

ParkingReconciler::PlateId ParkingReconciler::InternPlate(Lot& lot, std::string_view plate) {
  return lot.plates.Intern(plate);
}

void ParkingReconciler::ParseList(Lot& lot, std::string_view text, std::vector<PlateId>& out) {
  out.clear();
  ForEachListedPlate(text, [&](std::string_view plate) { out.push_back(InternPlate(lot, plate)); });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

std::vector<ParkingReconciler::PlateId> ParkingReconciler::TakeSpareList() {
  if (spare_lists_.empty()) return {};
  std::vector<PlateId> out = std::move(spare_lists_.back());
  spare_lists_.pop_back();
  out.clear();
  return out;
}

ParkingReconciler::Lot* ParkingReconciler::LotOf(const ingest::Record& r, const Route& route) {
  const std::string_view code = r[route.park].AsText();
  if (code.empty()) return nullptr;
  const uint32_t index = lot_codes_.Intern(code);
  if (index == lots_.size()) lots_.emplace_back().code = index;
  return &lots_[index];
}

void ParkingReconciler::OnBatch(std::span<const ingest::Record* const> records) {
  for (const ingest::Record* r : records) {
    const Route& route = routes_[r->interface];
    if (route.kind == Kind::kNone || r->event_time == LocalTime::Min()) continue;
    Lot* lot = LotOf(*r, route);
    if (!lot) {
      heartbeats_without_lot_ += route.kind == Kind::kHeartbeat;
      continue;
    }
    switch (route.kind) {
      case Kind::kEnter:
      case Kind::kExit:
        AddEvent(*lot, *r, route);
        break;
      case Kind::kList:
        AddList(*lot, *r, route);
        break;
      case Kind::kSpace:
        AddSpace(*lot, *r, route);
        break;
      case Kind::kHeartbeat:
        Heartbeat(*lot, r->event_time.seconds);
        break;
      case Kind::kNone:
        break;
    }
    Advance(*lot, r->event_time);
  }
}

void ParkingReconciler::Advance(Lot& lot, LocalTime event_time) {
  // Even without progress a list may be due: one that arrives after the lot passed its time + grace.
  lot.latest_s = std::max(lot.latest_s, event_time.seconds);
  size_t done = 0;
  while (done < lot.lists.size() && Seconds(lot.lists[done].time_ms) <= lot.latest_s - grace_s_)
    Reconcile(lot, lot.lists[done++]);
  lot.lists.erase(lot.lists.begin(), lot.lists.begin() + static_cast<ptrdiff_t>(done));
}

void ParkingReconciler::AddEvent(Lot& lot, const ingest::Record& r, const Route& route) {
  const int64_t t = r.event_time.seconds;
  if (t <= lot.last_list_s) {
    ++late_events_;  // its interval was reconciled already
    return;
  }
  lot.events.push_back(
      {t, next_seq_++, r.dedup_key, InternPlate(lot, r[route.value].AsText()), route.kind == Kind::kEnter});
}

void ParkingReconciler::AddList(Lot& lot, const ingest::Record& r, const Route& route) {
  const int64_t t = EnvelopeMs(r);
  if (Seconds(t) <= lot.last_list_s) {
    ++late_lists_;  // lists are reconciled in list-time order; this one's turn has passed
    return;
  }
  PlateList list{t, r.dedup_key, TakeSpareList()};
  ParseList(lot, r[route.value].AsText(), list.plates);
  const auto at = std::upper_bound(lot.lists.begin(), lot.lists.end(), t,
                                   [](int64_t time, const PlateList& l) { return time < l.time_ms; });
  lot.lists.insert(at, std::move(list));
}

void ParkingReconciler::AddSpace(Lot& lot, const ingest::Record& r, const Route& route) {
  const int64_t t = EnvelopeMs(r);
  const auto at = std::upper_bound(lot.spaces.begin(), lot.spaces.end(), t,
                                   [](int64_t time, const SpaceReport& s) { return time < s.time_ms; });
  lot.spaces.insert(at, {t, r.dedup_key, r[route.value].i});
}

void ParkingReconciler::Heartbeat(Lot& lot, int64_t t) {
  switch (lot.status) {
    case Status::kUnknown:
      EmitStatus(lot, Status::kOnline, t, Status::kUnknown);
      lot.status = Status::kOnline;
      lot.status_since = lot.last_heartbeat = t;
      break;
    case Status::kOnline:
      // A gap seen only now (both heartbeats in one batch, before any watermark
      // passed the deadline) is still three missed heartbeats.
      if (t > lot.last_heartbeat + kOfflineAfter) {
        EmitStatus(lot, Status::kOffline, lot.last_heartbeat + kOfflineAfter, Status::kOnline);
        EmitStatus(lot, Status::kOnline, t, Status::kOffline);
        lot.status_since = t;
      }
      lot.last_heartbeat = std::max(lot.last_heartbeat, t);
      break;
    case Status::kOffline:
      if (t <= lot.status_since) {
        ++late_heartbeats_;  // the offline row stands; history is not rewritten
        return;
      }
      EmitStatus(lot, Status::kOnline, t, Status::kOffline);
      lot.status = Status::kOnline;
      lot.status_since = lot.last_heartbeat = t;
      break;
  }
  next_offline_s_ = std::min(next_offline_s_, lot.last_heartbeat + kOfflineAfter);
}

void ParkingReconciler::OnCorrection(const ingest::Record& r) {
  const Route& route = routes_[r.interface];
  if (route.kind == Kind::kNone || route.kind == Kind::kHeartbeat || r.event_time == LocalTime::Min()) return;
  Lot* lot = LotOf(r, route);
  if (!lot) return;
  Correct(*lot, r, route);
  Advance(*lot, r.event_time);  // a corrected record is a record of the lot too
}

void ParkingReconciler::Correct(Lot& lot, const ingest::Record& r, const Route& route) {
  switch (route.kind) {
    case Kind::kEnter:
    case Kind::kExit: {
      const auto it = std::find_if(lot.events.begin(), lot.events.end(),
                                   [&](const Event& e) { return e.dedup_key == r.dedup_key; });
      if (it == lot.events.end()) {
        ++ignored_corrections_;  // applied (or late) already: a reconciled list is not reopened
        return;
      }
      const int64_t t = r.event_time.seconds;
      if (t <= lot.last_list_s) {
        lot.events.erase(it);
        ++late_events_;
        return;
      }
      it->time_s = t;  // keeps its arrival position for ties
      it->plate = InternPlate(lot, r[route.value].AsText());
      break;
    }
    case Kind::kList: {
      const auto it = std::find_if(lot.lists.begin(), lot.lists.end(),
                                   [&](const PlateList& l) { return l.dedup_key == r.dedup_key; });
      if (it == lot.lists.end()) {
        ++ignored_corrections_;
        return;
      }
      ParseList(lot, r[route.value].AsText(), it->plates);
      break;
    }
    case Kind::kSpace: {
      const auto it = std::find_if(lot.spaces.begin(), lot.spaces.end(),
                                   [&](const SpaceReport& s) { return s.dedup_key == r.dedup_key; });
      if (it == lot.spaces.end())
        AddSpace(lot, r, route);  // pruned already: only matters if it is still the newest
      else
        it->used = r[route.value].i;
      break;
    }
    default:
      break;
  }
}

void ParkingReconciler::Reconcile(Lot& lot, PlateList& list) {
  const int64_t list_s = Seconds(list.time_ms);
  const bool baseline = !lot.has_baseline;
  missing_enter_.clear();
  missing_exit_.clear();

  // The events of (previous list, this list], in event-time order; ties in arrival order.
  std::sort(lot.events.begin(), lot.events.end(), [](const Event& a, const Event& b) {
    return a.time_s != b.time_s ? a.time_s < b.time_s : a.seq < b.seq;
  });
  const auto through = std::partition_point(lot.events.begin(), lot.events.end(),
                                            [&](const Event& e) { return e.time_s <= list_s; });
  int64_t tracked = static_cast<int64_t>(list.plates.size());
  if (!baseline) {
    const size_t n = lot.plates.size();
    if (in_tracked_.size() < n) {
      in_tracked_.resize(n);
      in_list_.resize(n);
    }
    // T starts as the previous list; every plate ever in T is a candidate for T ∖ L.
    candidates_.assign(lot.tracked.begin(), lot.tracked.end());
    for (PlateId p : lot.tracked) in_tracked_[p] = 1;
    tracked = static_cast<int64_t>(lot.tracked.size());
    for (auto e = lot.events.begin(); e != through; ++e) {
      uint8_t& in = in_tracked_[e->plate];
      if (e->enter && !in) {
        in = 1;
        ++tracked;
        candidates_.push_back(e->plate);
      } else if (!e->enter && in) {
        in = 0;
        --tracked;
      }
    }
    for (PlateId p : list.plates) in_list_[p] = 1;
    for (PlateId p : list.plates)
      if (!in_tracked_[p]) missing_enter_.push_back(p);
    for (PlateId p : candidates_) {
      if (in_tracked_[p] && !in_list_[p]) missing_exit_.push_back(p);
      in_tracked_[p] = 0;  // restores the all-zero scratch and skips repeated candidates
    }
    for (PlateId p : list.plates) in_list_[p] = 0;
  }
  lot.events.erase(lot.events.begin(), through);  // before a baseline they only precede it

  const auto space = SpacesAfter(lot, list_s);
  const auto listed = static_cast<int64_t>(list.plates.size());
  row_.Clear()
      .Text(lot_codes_.Name(lot.code))
      .Time(LocalTime{list_s})
      .Int(listed)
      .Int(tracked)
      .Int(static_cast<int64_t>(missing_enter_.size()))
      .Int(static_cast<int64_t>(missing_exit_.size()));
  if (space == lot.spaces.begin())
    row_.Text("").Text("");
  else
    row_.Int(std::prev(space)->used).Int(std::prev(space)->used - listed);
  row_.Bool(baseline).EmitTo(reconciliation_);

  const auto by_plate = [&lot](PlateId a, PlateId b) { return lot.plates.Name(a) < lot.plates.Name(b); };
  for (auto [plates, problem] : {std::pair{&missing_enter_, std::string_view("missing_enter")},
                                 std::pair{&missing_exit_, std::string_view("missing_exit")}}) {
    std::sort(plates->begin(), plates->end(), by_plate);
    for (PlateId p : *plates)
      row_.Clear()
          .Text(lot_codes_.Name(lot.code))
          .Date(LocalTime{list_s})
          .Text(lot.plates.Name(p))
          .Text(problem)
          .Time(LocalTime{list_s})
          .EmitTo(problem_plates_);
  }

  lot.tracked.swap(list.plates);  // T := L
  spare_lists_.push_back(std::move(list.plates));
  lot.has_baseline = true;
  lot.last_list_s = list_s;
  PruneSpaces(lot, list_s);
}

std::vector<ParkingReconciler::SpaceReport>::iterator ParkingReconciler::SpacesAfter(Lot& lot, int64_t s) {
  if (s >= INT64_MAX / 1000) return lot.spaces.end();
  if (s < INT64_MIN / 1000) return lot.spaces.begin();
  return std::upper_bound(lot.spaces.begin(), lot.spaces.end(), s * 1000 + 999,
                          [](int64_t ms, const SpaceReport& r) { return ms < r.time_ms; });
}

void ParkingReconciler::PruneSpaces(Lot& lot, int64_t s) {
  // A list at or after `s` needs only the newest report at or before `s`, and those after it.
  const auto after = SpacesAfter(lot, s);
  if (after != lot.spaces.begin()) lot.spaces.erase(lot.spaces.begin(), std::prev(after));
}

void ParkingReconciler::MarkOffline(int64_t watermark_s) {
  if (watermark_s <= next_offline_s_) return;
  next_offline_s_ = INT64_MAX;
  for (Lot& lot : lots_) {
    if (lot.status != Status::kOnline) continue;
    const int64_t deadline = lot.last_heartbeat + kOfflineAfter;
    if (watermark_s > deadline) {
      EmitStatus(lot, Status::kOffline, deadline, Status::kOnline);
      lot.status = Status::kOffline;
      lot.status_since = deadline;
    } else {
      next_offline_s_ = std::min(next_offline_s_, deadline);
    }
  }
}

void ParkingReconciler::EmitStatus(const Lot& lot, Status status, int64_t since, Status previous) {
  row_.Clear()
      .Text(ingest::PlatformName(Platform::kParking))
      .Text(lot_codes_.Name(lot.code))
      .Text("")
      .Text(StatusName(static_cast<int>(status)))
      .Time(LocalTime{since})
      .Text(StatusName(static_cast<int>(previous)))
      .EmitTo(site_status_);
}

void ParkingReconciler::OnWatermark(LocalTime watermark) {
  MarkOffline(watermark.seconds);
  if (watermark.seconds - last_sweep_s_ >= 6 * LocalTime::kHour) {
    last_sweep_s_ = watermark.seconds;
    Sweep();
  }
}

void ParkingReconciler::Sweep() {
  for (Lot& lot : lots_) {
    // Every list due has been reconciled, so a pending event this far behind
    // the lot waits for a list that would itself be a horizon late.
    const int64_t cutoff_s = lot.latest_s == INT64_MIN ? INT64_MIN : lot.latest_s - horizon_s_;
    const size_t before = lot.events.size();
    std::erase_if(lot.events, [&](const Event& e) { return e.time_s < cutoff_s; });
    expired_events_ += before - lot.events.size();
    PruneSpaces(lot,
                lot.lists.empty() ? std::max(lot.last_list_s, cutoff_s) : Seconds(lot.lists.front().time_ms));
    CompactPlates(lot);
  }
}

void ParkingReconciler::CompactPlates(Lot& lot) {
  const size_t n = lot.plates.size();
  size_t references = lot.tracked.size() + lot.events.size();
  for (const PlateList& l : lot.lists) references += l.plates.size();
  if (n < kCompactAbove || n <= 2 * references) return;
  // Renumber the plates still referenced; the rest (cars long gone) are forgotten.
  constexpr PlateId kDropped = UINT32_MAX;
  std::vector<PlateId> renumber(n, kDropped);
  TextInterner kept{16, 1024};
  const auto keep = [&](PlateId& p) {
    if (renumber[p] == kDropped) renumber[p] = kept.Intern(lot.plates.Name(p));
    p = renumber[p];
  };
  for (PlateId& p : lot.tracked) keep(p);
  for (PlateList& l : lot.lists)
    for (PlateId& p : l.plates) keep(p);
  for (Event& e : lot.events) keep(e.plate);
  lot.plates = std::move(kept);
}

void ParkingReconciler::Flush() {
  for (Lot& lot : lots_) {
    for (PlateList& list : lot.lists) Reconcile(lot, list);
    lot.lists.clear();
  }
  // No lot goes offline here: the end of the input says nothing about the lots.
}

// State layout: the lot codes, then per lot (in code order) its plates before
// everything that holds plate ids, then the clocks and counters.
void ParkingReconciler::SaveState(StateWriter& out) const {
  out.Section("ParkingReconciler");
  lot_codes_.SaveState(out);
  for (const Lot& lot : lots_) {
    lot.plates.SaveState(out);
    out.PutCount(lot.events.size());
    for (const Event& e : lot.events) {
      out.Put(e.time_s);
      out.Put(e.seq);
      out.Put(e.dedup_key);
      out.Put(e.plate);
      out.Put<uint8_t>(e.enter);
    }
    out.PutCount(lot.lists.size());
    for (const PlateList& l : lot.lists) {
      out.Put(l.time_ms);
      out.Put(l.dedup_key);
      out.PutVector(l.plates);
    }
    out.PutVector(lot.tracked);
    out.Put<uint8_t>(lot.has_baseline);
    out.Put(lot.last_list_s);
    out.PutVector(lot.spaces);
    out.Put(lot.latest_s);
    out.Put(lot.status);
    out.Put(lot.last_heartbeat);
    out.Put(lot.status_since);
  }
  out.Put(next_seq_);
  out.Put(next_offline_s_);
  out.Put(last_sweep_s_);
  for (uint64_t counter : {late_events_, late_lists_, late_heartbeats_, ignored_corrections_, expired_events_,
                           heartbeats_without_lot_})
    out.Put(counter);
}

void ParkingReconciler::LoadState(StateReader& in) {
  in.Section("ParkingReconciler");
  lot_codes_.LoadState(in);
  // Reconciliation indexes scratch vectors by plate id: every id must be one the lot interned.
  const auto known = [](const Lot& lot, const std::vector<PlateId>& plates) {
    return std::all_of(plates.begin(), plates.end(), [&](PlateId p) { return p < lot.plates.size(); });
  };
  constexpr std::string_view kUnknownPlate = "ParkingReconciler: a plate id out of range";
  for (size_t code = 0; code < lot_codes_.size() && !in.failed(); ++code) {
    Lot& lot = lots_.emplace_back();
    lot.code = static_cast<uint32_t>(code);
    lot.plates.LoadState(in);
    constexpr size_t kEventBytes = 3 * sizeof(uint64_t) + sizeof(PlateId) + 1;
    for (uint64_t n = in.GetCount(kEventBytes); n > 0 && !in.failed(); --n) {
      Event e;
      e.time_s = in.Get<int64_t>();
      e.seq = in.Get<uint64_t>();
      e.dedup_key = in.Get<uint64_t>();
      e.plate = in.Get<PlateId>();
      e.enter = in.Get<uint8_t>() != 0;
      if (e.plate >= lot.plates.size()) return in.Fail(std::string(kUnknownPlate));
      lot.events.push_back(e);
    }
    for (uint64_t n = in.GetCount(3 * sizeof(uint64_t)); n > 0 && !in.failed(); --n) {
      PlateList& l = lot.lists.emplace_back();
      l.time_ms = in.Get<int64_t>();
      l.dedup_key = in.Get<uint64_t>();
      in.GetVector(l.plates);
      if (!known(lot, l.plates)) return in.Fail(std::string(kUnknownPlate));
    }
    in.GetVector(lot.tracked);
    if (!known(lot, lot.tracked)) return in.Fail(std::string(kUnknownPlate));
    lot.has_baseline = in.Get<uint8_t>() != 0;
    lot.last_list_s = in.Get<int64_t>();
    in.GetVector(lot.spaces);
    lot.latest_s = in.Get<int64_t>();
    lot.status = in.Get<Status>();
    lot.last_heartbeat = in.Get<int64_t>();
    lot.status_since = in.Get<int64_t>();
    if (static_cast<uint8_t>(lot.status) > static_cast<uint8_t>(Status::kOffline))
      return in.Fail("ParkingReconciler: an unknown lot status");
    // Lists and space reports are searched by time: they must still be in time order.
    const auto by_list_time = [](const PlateList& a, const PlateList& b) { return a.time_ms < b.time_ms; };
    const auto by_report_time = [](const SpaceReport& a, const SpaceReport& b) {
      return a.time_ms < b.time_ms;
    };
    if (!std::is_sorted(lot.lists.begin(), lot.lists.end(), by_list_time) ||
        !std::is_sorted(lot.spaces.begin(), lot.spaces.end(), by_report_time))
      return in.Fail("ParkingReconciler: lists or space reports out of time order");
  }
  next_seq_ = in.Get<uint64_t>();
  next_offline_s_ = in.Get<int64_t>();
  last_sweep_s_ = in.Get<int64_t>();
  for (uint64_t* counter : {&late_events_, &late_lists_, &late_heartbeats_, &ignored_corrections_,
                            &expired_events_, &heartbeats_without_lot_})
    *counter = in.Get<uint64_t>();
}

size_t ParkingReconciler::pending_lists() const {
  size_t n = 0;
  for (const Lot& lot : lots_) n += lot.lists.size();
  return n;
}

size_t ParkingReconciler::pending_events() const {
  size_t n = 0;
  for (const Lot& lot : lots_) n += lot.events.size();
  return n;
}

size_t ParkingReconciler::interned_plates() const {
  size_t n = 0;
  for (const Lot& lot : lots_) n += lot.plates.size();
  return n;
}

}  // namespace civicflow::operators
