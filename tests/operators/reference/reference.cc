#include "tests/operators/reference/reference.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string_view>

#include "engine/base/arena.h"
#include "engine/base/local_time.h"
#include "ingest/registry/record_parser.h"

namespace civicflow::reference {
namespace {

using ingest::InterfaceId;
using ingest::InterfaceSpec;
using ingest::Platform;
using ingest::Record;
using ingest::Registry;
using ingest::Value;
using Cells = std::vector<std::string>;

// ---------------------------------------------------------------- values

const InterfaceSpec& SpecOf(const Record& r) { return Registry::Get().At(r.interface); }

const Value& Get(const Record& r, std::string_view field) {
  const int index = ingest::FlatFieldIndex(SpecOf(r), field);
  if (index < 0)
    throw std::logic_error("no field " + std::string(field) + " in " + std::string(SpecOf(r).name));
  return r[index];
}

// A scalar as a table cell.
std::string Text(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kText:
      return std::string(v.AsText());
    case Value::Kind::kDecimal:
      return FormatFixed6(v.i);
    case Value::Kind::kTime:
      return v.AsTime().ToString();
    case Value::Kind::kDouble: {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", v.d);
      return buf;
    }
    case Value::Kind::kAbsent:
    case Value::Kind::kList:
      return "";
    default:
      return std::to_string(v.i);
  }
}

std::string Text(const Record& r, std::string_view field) { return Text(Get(r, field)); }
int64_t Int(const Record& r, std::string_view field) { return Get(r, field).i; }

bool SameValue(const Value& a, const Value& b, const ingest::FieldSpec& field) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::Kind::kAbsent:
      return true;
    case Value::Kind::kText:
      return a.AsText() == b.AsText();
    case Value::Kind::kDouble:
      return a.d == b.d;
    case Value::Kind::kList: {
      if (a.size != b.size) return false;
      const size_t width = field.children.empty() ? 1 : field.children.size();
      for (size_t row = 0; row < a.size; ++row)
        for (size_t c = 0; c < width; ++c)
          if (!SameValue(a.rows[row * width + c], b.rows[row * width + c],
                         field.children.empty() ? field : field.children[c]))
            return false;
      return true;
    }
    default:
      return a.i == b.i;
  }
}

// Same interface and the same value in every flat field.
bool SameContent(const Record& a, const Record& b) {
  if (a.interface != b.interface) return false;
  const InterfaceSpec& spec = SpecOf(a);
  for (size_t i = 0; i < ingest::FlatFieldCount(spec); ++i)
    if (!SameValue(a[static_cast<int>(i)], b[static_cast<int>(i)], ingest::FlatField(spec, i))) return false;
  return true;
}

// The interface and the values of its dedup_key fields, as text; empty when it has none.
std::string DedupKey(const Record& r) {
  const InterfaceSpec& spec = SpecOf(r);
  if (spec.dedup_key[0].empty()) return "";
  std::string key = std::to_string(r.interface);
  for (std::string_view name : spec.dedup_key) {
    if (name.empty()) continue;
    key += '\x1f';
    if (name == ingest::kEnvelopeTs) {
      key += "ts=" + std::to_string(r.request_ts_ms);
      continue;
    }
    const Value& v = Get(r, name);
    key += static_cast<char>('0' + static_cast<int>(v.kind));  // absent differs from ""
    key += v.kind == Value::Kind::kTime ? std::to_string(v.i) : Text(v);
  }
  return key;
}

LocalTime RequestTime(const Record& r) { return LocalTime::FromEpochMillis(r.request_ts_ms); }

// ---------------------------------------------------------------- tables

// An additive table: key cells → sums of the value columns (fixed point with 6 decimals for
// decimal columns, plain integers otherwise).
struct Additive {
  std::vector<std::string> columns;
  size_t keys;
  std::vector<bool> decimal;  // per value column
  std::map<Cells, std::vector<int64_t>> sums;

  void Add(const Cells& key, const std::vector<int64_t>& values) {
    auto& sum = sums.try_emplace(key, values.size(), 0).first->second;
    for (size_t i = 0; i < values.size(); ++i) sum[i] += values[i];
  }
  Table Rows() const {
    Table t{columns, {}};
    for (const auto& [key, sum] : sums) {
      Cells row = key;
      for (size_t i = 0; i < sum.size(); ++i)
        row.push_back(decimal[i] ? FormatFixed6(sum[i]) : std::to_string(sum[i]));
      t.rows.push_back(std::move(row));
    }
    return t;
  }
};

// The flow sources of the contract's flow_hourly.
struct FlowSource {
  Platform platform;
  std::string_view interface, source, site_field, count_field;  // count_field empty: one per record
  bool interval_ending;                                         // fitness hourly statistics
};
constexpr FlowSource kFlowSources[] = {
    {Platform::kFitness, "syncBinocularFlowData", "binocular", "venueId", "acqNumOfPeople", true},
    {Platform::kFitness, "syncFaceRecognitionFlowData", "face_recognition", "venueId", "acqNumOfPeople",
     true},
    {Platform::kFitness, "syncGatebrakeFlowData", "gate_face", "venueId", "", false},
    {Platform::kFitness, "syncGardScrnningcodeFlowData", "card_scan", "venueId", "", false},
    {Platform::kCommunity, "stk/rytxjl", "person_pass", "areaNo", "", false},
    {Platform::kCommunity, "stk/cltxjl", "vehicle_pass", "areaNo", "", false},
    {Platform::kCommunity, "stk/zpjl", "face_capture", "areaNo", "", false},
    {Platform::kParking, "enterRecord", "parking_enter", "parkCode", "", false},
    {Platform::kParking, "exitRecord", "parking_exit", "parkCode", "", false},
    {Platform::kTicketing, "report/checking", "ticket_check", "sessionCode", "", false},
};

struct EnergyKind {
  std::string_view interface, kind;
};
constexpr EnergyKind kEnergyKinds[] = {{"syncEnergyConsumptionData", "electricity"},
                                       {"syncWaterConsumptionData", "water"},
                                       {"syncGasConsumptionData", "gas"}};

InterfaceId IdOf(Platform platform, std::string_view name) {
  const InterfaceSpec* spec = Registry::Get().Find(platform, name);
  if (!spec) throw std::logic_error("no interface " + std::string(name));
  return Registry::Get().IdOf(*spec);
}

// A record as accepted: its values and when it arrived (position in the input).
struct Version {
  Record record;
  uint64_t seq;
};

class Reference {
 public:
  explicit Reference(const ReferenceOptions& options) : options_(options) {
    for (const FlowSource& s : kFlowSources) flow_sources_[IdOf(s.platform, s.interface)] = &s;
    for (const EnergyKind& e : kEnergyKinds) energy_kinds_[IdOf(Platform::kFitness, e.interface)] = &e;
  }

  Status Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::Error("cannot read " + path);
    for (std::string line; std::getline(in, line);) Upload(line);
    if (in.bad()) return Status::Error("cannot read " + path);
    return {};
  }

  Output Finish() {
    // The final watermark (the latest event time − allowed lateness) was applied after the last record.
    // Flush: every pending plate list is reconciled, in list-time order; no lot goes offline.
    for (auto& [code, lot] : lots_) ReconcileThrough(code, lot, INT64_MAX);
    Output out;
    out.tables["flow_hourly"] = flow_.Rows();
    out.tables["energy_hourly"] = energy_hourly_.Rows();
    out.tables["energy_daily"] = energy_daily_.Rows();
    out.tables["parking_reconciliation"] = reconciliation_;
    out.tables["parking_problem_plates"] = problem_plates_;
    out.tables["site_status"] = site_status_;
    out.tables["ticket_sessions"] = tickets_.Rows();
    out.tables["community_passages"] = community_.Rows();
    for (const auto& [id, counts] : counts_) {
      const InterfaceSpec& spec = Registry::Get().At(id);
      out.interfaces[std::string(ingest::PlatformName(spec.platform)) + "/" + std::string(spec.name)] =
          counts;
    }
    return out;
  }

 private:
  // ---- input

  // One archive line: {"platform","interface","ts","body"}; rejected lines change nothing.
  void Upload(std::string_view line) {
    simdjson::dom::element envelope, body;
    std::string_view platform_name, interface_name;
    int64_t ts = 0;
    if (dom_.parse(line.data(), line.size()).get(envelope) || envelope["platform"].get(platform_name) ||
        envelope["interface"].get(interface_name) || envelope["ts"].get(ts) || envelope["body"].get(body))
      return;
    const InterfaceSpec* spec = nullptr;
    for (Platform p : ingest::kAllPlatforms)
      if (ingest::PlatformName(p) == platform_name) spec = Registry::Get().Find(p, interface_name);
    if (!spec) return;
    // The body's exact text (re-serialising the DOM could change how numbers are written).
    const simdjson::padded_string padded(line);
    simdjson::ondemand::document doc;
    simdjson::ondemand::value body_value;
    simdjson::ondemand::json_type type;
    std::string_view body_text;
    if (ondemand_.iterate(padded).get(doc) || doc.find_field_unordered("body").get(body_value) ||
        body_value.type().get(type))
      return;
    if (type == simdjson::ondemand::json_type::object) {
      simdjson::ondemand::object object;
      if (body_value.get_object().get(object) || object.raw_json().get(body_text)) return;
    } else if (type == simdjson::ondemand::json_type::array) {
      simdjson::ondemand::array array;
      if (body_value.get_array().get(array) || array.raw_json().get(body_text)) return;
    } else {
      return;  // a record must be an object
    }
    std::vector<Record> records;
    if (ingest::ParseBodyText(Registry::Get().IdOf(*spec), body_text, ts, arena_, records).error) return;
    for (const Record& r : records) Accept(r, body);
  }

  // One valid record, in arrival order. `body` is its upload's body (heartbeats name their lot there).
  void Accept(const Record& r, simdjson::dom::element body) {
    Process(r, body);
    // The watermark (one shard): the latest event time so far − allowed lateness.
    if (max_event_ == LocalTime::Min()) return;
    MarkLotsOffline(max_event_ - options_.allowed_lateness_s);
  }

  // Deduplication, then every table.
  void Process(const Record& r, simdjson::dom::element body) {
    const Version now{r, ++seq_};
    Counts& counts = counts_[r.interface];
    if (r.event_time != LocalTime::Min()) max_event_ = std::max(max_event_, r.event_time);
    const std::string key = DedupKey(r);
    auto [it, inserted] = key.empty() ? std::pair(seen_.end(), true) : seen_.try_emplace(key, now);
    if (inserted) {
      ++counts.accepted;
      return New(now, body);
    }
    if (SameContent(it->second.record, r)) {
      ++counts.duplicates;
      return;
    }
    ++counts.accepted;
    ++counts.corrections;
    const Version before = it->second;
    it->second = now;
    Correction(before, now);
  }

  void New(const Version& v, simdjson::dom::element body) {
    Contribute(v, +1);
    const Record& r = v.record;
    const InterfaceId id = r.interface;
    if (id == clxx_) registered_.try_emplace({Text(r, "xqbm"), Text(r, "cphm")}, v.seq);
    if (id == checking_) Check(r);
    if (id == inventory_) Inventory(r);
    if (id == device_status_) DeviceReport(r);
    if (id == heartbeat_) Heartbeat(r, body);
    if (id == enter_ || id == exit_ || id == car_info_ || id == space_info_) Parking(v, false);
  }

  // Same dedup key, other content: the new values replace the old ones.
  void Correction(const Version& before, const Version& now) {
    Contribute(before, -1);
    Contribute(now, +1);
    const InterfaceId id = now.record.interface;
    if (id == enter_ || id == exit_ || id == car_info_ || id == space_info_) Parking(now, true);
    if (id == device_status_) DeviceReport(now.record);
    // A corrected check changes no count.
  }

  // ---- additive tables: what a record version adds (sign +1) or retracts (-1)

  void Contribute(const Version& v, int64_t sign) {
    const Record& r = v.record;
    const InterfaceSpec& spec = SpecOf(r);
    const std::string platform(ingest::PlatformName(spec.platform));
    const LocalTime hour = r.event_time.FloorHour();
    if (auto it = flow_sources_.find(r.interface); it != flow_sources_.end()) {
      const FlowSource& s = *it->second;
      const LocalTime start = s.interval_ending ? hour - LocalTime::kHour : hour;
      const int64_t entries = s.count_field.empty() ? 1 : Int(r, s.count_field);
      flow_.Add({platform, Text(r, s.site_field), start.ToString(), std::string(s.source)}, {sign * entries});
    }
    if (auto it = energy_kinds_.find(r.interface); it != energy_kinds_.end()) {
      const std::string kind(it->second->kind);
      const LocalTime start = hour - LocalTime::kHour;  // interval-ending
      const int64_t consumption = sign * Get(r, "consumption").i;
      energy_hourly_.Add({Text(r, "venueId"), Text(r, "provinceId"), Text(r, "cityId"), Text(r, "districtId"),
                          start.ToString(), kind},
                         {consumption});
      constexpr std::pair<const char*, const char*> kLevels[] = {
          {"district", "districtId"}, {"city", "cityId"}, {"province", "provinceId"}};
      for (const auto& [level, field] : kLevels)
        energy_daily_.Add({level, Text(r, field), start.DateString(), kind}, {consumption});
    }
    if (r.interface == order_)
      tickets_.Add({Text(r, "sessionCode"), hour.ToString()},
                   {sign, 0, sign * Int(r, "ticketOrderAmount"), 0, 0, 0, 0});
    if (r.interface == refund_)
      tickets_.Add({Text(r, "sessionCode"), hour.ToString()},
                   {0, sign, 0, sign * Int(r, "refundAmount"), 0, 0, 0});
    if (r.interface == person_pass_)
      community_.Add({Text(r, "areaNo"), Text(r, "accessControlNo"), hour.ToString()}, {sign, 0, 0, 0});
    if (r.interface == face_capture_)
      community_.Add({Text(r, "areaNo"), Text(r, "snapNo"), hour.ToString()}, {0, 0, sign, 0});
    if (r.interface == vehicle_pass_) {
      // Unregistered: no clxx record for the community and plate arrived before this version.
      const auto reg = registered_.find({Text(r, "areaNo"), Text(r, "carNo")});
      const bool unregistered = reg == registered_.end() || reg->second > v.seq;
      community_.Add({Text(r, "areaNo"), Text(r, "gateNo"), hour.ToString()},
                     {0, sign, 0, unregistered ? sign : 0});
    }
  }

  // report/checking, new records in arrival order: the first check of a ticket in its session.
  void Check(const Record& r) {
    const bool first = checked_.insert({Text(r, "sessionCode"), Text(r, "ticketId")}).second;
    tickets_.Add({Text(r, "sessionCode"), r.event_time.FloorHour().ToString()},
                 {0, 0, 0, 0, first ? 1 : 0, first ? 0 : 1, 0});
  }

  // report/inventory: the latest report (by request time) per session and price is the inventory.
  void Inventory(const Record& r) {
    const int64_t total = Int(r, "availableInventory") + Int(r, "unavailableInventory");
    auto [it, inserted] =
        latest_inventory_.try_emplace({Text(r, "sessionCode"), Text(r, "priceId")}, r.request_ts_ms, 0);
    if (!inserted && r.request_ts_ms < it->second.first) return;  // older than what is known: not the latest
    const int64_t delta = total - it->second.second;
    it->second = {r.request_ts_ms, total};
    tickets_.Add({Text(r, "sessionCode"), RequestTime(r).FloorHour().ToString()}, {0, 0, 0, 0, 0, 0, delta});
  }

  // ---- site_status

  // stk/sbzt, new and corrected reports alike, in arrival order: applied at once unless older than the
  // device's last applied report (stale); a row when the status differs from the device's last.
  void DeviceReport(const Record& r) {
    const Cells device{Text(r, "areaNo"), Text(r, "deviceID")};
    const std::string status = Text(r, "isOnLine") == "1" ? "online" : "offline";
    const auto it = devices_.find(device);
    const LocalTime reported = RequestTime(r);                         // a report has no time of its own
    if (it != devices_.end() && reported < it->second.second) return;  // stale
    if (it == devices_.end() || it->second.first != status)
      site_status_.rows.push_back({"community", device[0], device[1], status, reported.ToString(),
                                   it == devices_.end() ? "" : it->second.first});
    devices_[device] = {status, reported};
  }

  // The lot of a heartbeat: its parkCode field, or the archive body's "parkCode" member.
  static std::string HeartbeatLot(const Record& r, simdjson::dom::element body) {
    if (ingest::FlatFieldIndex(SpecOf(r), "parkCode") >= 0) return Text(r, "parkCode");
    simdjson::dom::element object = body;
    if (body.is_array() && body.at(r.index).get(object)) return "";
    std::string_view code;
    return object["parkCode"].get(code) ? "" : std::string(code);
  }

  // A lot is online from its first heartbeat; it goes offline 90 s after its latest heartbeat, when a
  // heartbeat comes more than 90 s later (offline, then online again) or when the watermark passes
  // that time (see MarkLotsOffline).
  void Heartbeat(const Record& r, simdjson::dom::element body) {
    const std::string code = HeartbeatLot(r, body);
    if (code.empty()) return;  // no lot to attribute it to
    const LocalTime t = r.event_time;
    LotStatus& lot = lot_status_[code];
    if (!lot.seen) {
      site_status_.rows.push_back({"parking", code, "", "online", t.ToString(), ""});
    } else if (lot.online && t > lot.last) {
      const LocalTime offline = lot.last + options_.offline_after_s;
      if (t > offline) {
        site_status_.rows.push_back({"parking", code, "", "offline", offline.ToString(), "online"});
        site_status_.rows.push_back({"parking", code, "", "online", t.ToString(), "offline"});
      }
      offline_due_.erase({offline, code});
    } else if (!lot.online && t > lot.last + options_.offline_after_s) {
      site_status_.rows.push_back({"parking", code, "", "online", t.ToString(), "offline"});
    } else {
      LotProgress(code, t);
      return;  // not after the latest heartbeat, or at or before an offline already emitted
    }
    lot = {true, true, t};
    offline_due_.insert({t + options_.offline_after_s, code});
    LotProgress(code, t);
  }

  // Lots whose latest heartbeat + 90 s the watermark has passed go offline.
  void MarkLotsOffline(LocalTime watermark) {
    while (!offline_due_.empty() && watermark > offline_due_.begin()->first) {
      const auto [since, code] = *offline_due_.begin();
      offline_due_.erase(offline_due_.begin());
      site_status_.rows.push_back({"parking", code, "", "offline", since.ToString(), "online"});
      lot_status_[code].online = false;
    }
  }

  // ---- parking_reconciliation, parking_problem_plates

  struct Event {
    LocalTime time;
    uint64_t seq;  // arrival
    bool enter;
    std::string plate;
  };
  struct Lot {
    LocalTime watermark = LocalTime::Min();          // latest event time among the lot's records
    std::map<int64_t, std::set<std::string>> lists;  // pending plate lists by list time (ts ms)
    std::map<std::string, Event> events;             // pending enter/exit records by dedup key
    bool reconciled = false;                         // a baseline exists
    LocalTime last_list;                             // the last reconciled list's time
    std::set<std::string> last_plates;
    std::map<int64_t, int64_t> used;  // parkSpaceInfo usedStalls by envelope ts (ms)
  };

  static std::set<std::string> Plates(std::string_view list) {
    std::set<std::string> plates;
    while (true) {
      const size_t comma = list.find(',');
      std::string_view item = list.substr(0, comma);
      while (!item.empty() && std::string_view(" \t\r\n").find(item.front()) != std::string_view::npos)
        item.remove_prefix(1);
      while (!item.empty() && std::string_view(" \t\r\n").find(item.back()) != std::string_view::npos)
        item.remove_suffix(1);
      if (!item.empty()) plates.emplace(item);
      if (comma == std::string_view::npos) return plates;
      list.remove_prefix(comma + 1);
    }
  }

  void Parking(const Version& v, bool correction) {
    const Record& r = v.record;
    const std::string code = Text(r, "parkCode");
    Lot& lot = lots_[code];
    if (r.interface == car_info_) {
      const bool pending = lot.lists.contains(r.request_ts_ms);
      const bool stale = lot.reconciled && r.event_time <= lot.last_list;
      // A corrected list not yet reconciled replaces the pending one; lists for a time already
      // reconciled are not taken.
      if ((!correction || pending) && !stale) lot.lists[r.request_ts_ms] = Plates(Text(r, "plateNoList"));
    } else if (r.interface == space_info_) {
      lot.used[r.request_ts_ms] = Int(r, "usedStalls");
    } else {
      // Too late when at or before the last reconciled list; a correction of a pending record
      // replaces it (keeping its place in arrival order), of one already applied is counted only.
      const Event event{r.event_time, v.seq, r.interface == enter_, Text(r, "plateNo")};
      const auto pending = lot.events.find(DedupKey(r));
      if (correction && pending != lot.events.end()) {
        pending->second = {event.time, pending->second.seq, event.enter, event.plate};
      } else if (!correction && !(lot.reconciled && r.event_time <= lot.last_list)) {
        lot.events.emplace(DedupKey(r), event);
      }
    }
    LotProgress(code, r.event_time);
  }

  // A record of the lot with event time `t` arrived: lists whose time + grace the lot's watermark
  // has reached are reconciled.
  void LotProgress(const std::string& code, LocalTime t) {
    Lot& lot = lots_[code];
    lot.watermark = std::max(lot.watermark, t);
    ReconcileThrough(code, lot, (lot.watermark - options_.reconcile_grace_s).seconds);
  }

  // Reconciles the pending lists with list time ≤ `limit` (local seconds), in list-time order.
  void ReconcileThrough(const std::string& code, Lot& lot, int64_t limit) {
    while (!lot.lists.empty() && LocalTime::FromEpochMillis(lot.lists.begin()->first).seconds <= limit) {
      const int64_t ts_ms = lot.lists.begin()->first;
      const std::set<std::string> listed = std::move(lot.lists.begin()->second);
      lot.lists.erase(lot.lists.begin());
      Reconcile(code, lot, LocalTime::FromEpochMillis(ts_ms), listed);
    }
  }

  void Reconcile(const std::string& code, Lot& lot, LocalTime list_time,
                 const std::set<std::string>& listed) {
    std::string reported, deviation;
    for (const auto& [ts_ms, used] : lot.used)
      if (LocalTime::FromEpochMillis(ts_ms) <= list_time) reported = std::to_string(used);
    if (!reported.empty())
      deviation = std::to_string(std::stoll(reported) - static_cast<int64_t>(listed.size()));
    const std::string n = std::to_string(listed.size());
    if (!lot.reconciled) {
      reconciliation_.rows.push_back(
          {code, list_time.ToString(), n, n, "0", "0", reported, deviation, "true"});
    } else {
      std::vector<Event> window;
      for (const auto& [key, e] : lot.events)
        if (e.time > lot.last_list && e.time <= list_time) window.push_back(e);
      std::sort(window.begin(), window.end(), [](const Event& a, const Event& b) {
        return std::pair(a.time, a.seq) < std::pair(b.time, b.seq);
      });
      std::set<std::string> tracked = lot.last_plates;
      for (const Event& e : window) {
        if (e.enter) {
          tracked.insert(e.plate);
        } else {
          tracked.erase(e.plate);
        }
      }
      std::vector<std::string> missing_enter, missing_exit;
      std::set_difference(listed.begin(), listed.end(), tracked.begin(), tracked.end(),
                          std::back_inserter(missing_enter));
      std::set_difference(tracked.begin(), tracked.end(), listed.begin(), listed.end(),
                          std::back_inserter(missing_exit));
      reconciliation_.rows.push_back({code, list_time.ToString(), n, std::to_string(tracked.size()),
                                      std::to_string(missing_enter.size()),
                                      std::to_string(missing_exit.size()), reported, deviation, "false"});
      for (const std::string& plate : missing_enter)
        problem_plates_.rows.push_back(
            {code, list_time.DateString(), plate, "missing_enter", list_time.ToString()});
      for (const std::string& plate : missing_exit)
        problem_plates_.rows.push_back(
            {code, list_time.DateString(), plate, "missing_exit", list_time.ToString()});
    }
    std::erase_if(lot.events, [&](const auto& entry) { return entry.second.time <= list_time; });
    lot.reconciled = true;
    lot.last_list = list_time;
    lot.last_plates = listed;
  }

  // ---- state

  ReferenceOptions options_;
  simdjson::dom::parser dom_;
  simdjson::ondemand::parser ondemand_;
  Arena arena_{64 << 20};  // every accepted record's values, for the whole run
  uint64_t seq_ = 0;
  LocalTime max_event_ = LocalTime::Min();
  // Dedup key → the version accepted last. Never forgotten: the archives checked here repeat keys
  // within 12 h, well inside the 48 h dedup horizon.
  std::map<std::string, Version> seen_;
  std::map<InterfaceId, Counts> counts_;

  std::map<InterfaceId, const FlowSource*> flow_sources_;
  std::map<InterfaceId, const EnergyKind*> energy_kinds_;
  const InterfaceId enter_ = IdOf(Platform::kParking, "enterRecord");
  const InterfaceId exit_ = IdOf(Platform::kParking, "exitRecord");
  const InterfaceId car_info_ = IdOf(Platform::kParking, "parkCarInfo");
  const InterfaceId space_info_ = IdOf(Platform::kParking, "parkSpaceInfo");
  const InterfaceId heartbeat_ = IdOf(Platform::kParking, "heartBeats");
  const InterfaceId person_pass_ = IdOf(Platform::kCommunity, "stk/rytxjl");
  const InterfaceId vehicle_pass_ = IdOf(Platform::kCommunity, "stk/cltxjl");
  const InterfaceId face_capture_ = IdOf(Platform::kCommunity, "stk/zpjl");
  const InterfaceId device_status_ = IdOf(Platform::kCommunity, "stk/sbzt");
  const InterfaceId clxx_ = IdOf(Platform::kCommunity, "clxx");
  const InterfaceId order_ = IdOf(Platform::kTicketing, "report/order");
  const InterfaceId refund_ = IdOf(Platform::kTicketing, "report/refundOrder");
  const InterfaceId checking_ = IdOf(Platform::kTicketing, "report/checking");
  const InterfaceId inventory_ = IdOf(Platform::kTicketing, "report/inventory");

  std::map<std::pair<std::string, std::string>, uint64_t> registered_;  // (xqbm, cphm) → first arrival
  // (sessionCode, ticketId) checked so far; never forgotten (the contract forgets them a dedup horizon
  // after the hour of the first check, which no session in these archives spans).
  std::set<std::pair<std::string, std::string>> checked_;  // (sessionCode, ticketId)
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>>
      latest_inventory_;  // (session, price) → (ts, total)
  // (areaNo, deviceID) → (status, time of the last applied report)
  std::map<Cells, std::pair<std::string, LocalTime>> devices_;
  struct LotStatus {
    bool seen = false, online = false;
    LocalTime last;  // latest heartbeat
  };
  std::map<std::string, LotStatus> lot_status_;
  std::set<std::pair<LocalTime, std::string>> offline_due_;  // (latest heartbeat + 90 s, lot) of online lots
  std::map<std::string, Lot> lots_;

  Additive flow_{{"platform", "site_id", "hour_start", "source", "entries"}, 4, {false}, {}};
  Additive energy_hourly_{
      {"venue_id", "province_id", "city_id", "district_id", "hour_start", "kind", "consumption"},
      6,
      {true},
      {}};
  Additive energy_daily_{{"level", "region_code", "date", "kind", "consumption"}, 4, {true}, {}};
  Additive tickets_{{"session_code", "hour_start", "sold", "refunded", "revenue_fen", "refund_fen",
                     "checked_in", "repeat_checks", "inventory"},
                    2,
                    std::vector<bool>(7, false),
                    {}};
  Additive community_{{"area_no", "entrance", "hour_start", "person_pass", "vehicle_pass", "face_capture",
                       "vehicle_unregistered"},
                      3,
                      std::vector<bool>(4, false),
                      {}};
  Table reconciliation_{{"park_code", "list_time", "listed", "tracked", "missing_enter", "missing_exit",
                         "reported_used", "deviation", "baseline"},
                        {}};
  Table problem_plates_{{"park_code", "date", "plate_no", "problem", "list_time"}, {}};
  Table site_status_{{"platform", "site_id", "device_id", "status", "since", "previous_status"}, {}};
};

}  // namespace

std::string FormatFixed6(int64_t value) {
  const uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  std::string out = (value < 0 ? "-" : "") + std::to_string(magnitude / 1'000'000);
  std::string fraction = std::to_string(1'000'000 + magnitude % 1'000'000).substr(1);  // six digits
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (!fraction.empty()) out += "." + fraction;
  return out;
}

Result<Output> ComputeTables(const std::vector<std::string>& files, const ReferenceOptions& options) {
  Reference reference(options);
  for (const std::string& file : files)
    if (Status st = reference.Read(file); !st.ok()) return st;
  return reference.Finish();
}

}  // namespace civicflow::reference
