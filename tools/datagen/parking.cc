#include "tools/datagen/parking.h"

#include <algorithm>
#include <cmath>

#include "engine/base/local_time.h"
#include "tools/datagen/json_text.h"

namespace civicflow::datagen {
namespace {

using ingest::Platform;

constexpr std::string_view kLotKinds[] = {"科技园", "购物中心", "花园小区", "综合体", "医院", "体育中心"};
// Customer mix per lot kind: commuters, short stays, overnight residents.
constexpr double kShares[][3] = {{0.60, 0.30, 0.10}, {0.10, 0.85, 0.05}, {0.15, 0.15, 0.70},
                                 {0.30, 0.50, 0.20}, {0.20, 0.75, 0.05}, {0.10, 0.80, 0.10}};
constexpr std::string_view kGateNames[] = {"北门", "南门", "东门", "西门"};

constexpr auto kLeavesLater = [](const auto& a, const auto& b) { return a.exit_s > b.exit_s; };
constexpr auto kArrivesLater = [](const auto& a, const auto& b) { return a.arrive_s > b.arrive_s; };

}  // namespace

ParkingGenerator::ParkingGenerator(const World& world, int lots, double missing_rate)
    : world_(world),
      missing_rate_(missing_rate),
      rng_(world.seed, 0x9a7c),
      filler_(rng_),
      enter_id_(InterfaceIdOf(Platform::kParking, "enterRecord")),
      exit_id_(InterfaceIdOf(Platform::kParking, "exitRecord")),
      car_info_id_(InterfaceIdOf(Platform::kParking, "parkCarInfo")),
      space_info_id_(InterfaceIdOf(Platform::kParking, "parkSpaceInfo")),
      heartbeat_id_(InterfaceIdOf(Platform::kParking, "heartBeats")),
      park_info_id_(InterfaceIdOf(Platform::kParking, "parkInfo")),
      gate_info_id_(InterfaceIdOf(Platform::kParking, "entranceExitInfo")),
      picture_id_(InterfaceIdOf(Platform::kParking, "picture")),
      reservation_id_(InterfaceIdOf(Platform::kParking, "reservation")),
      cancel_id_(InterfaceIdOf(Platform::kParking, "cancelReservation")) {
  const auto districts = ShenzhenDistricts();
  lots_.resize(static_cast<size_t>(std::max(lots, 0)));
  for (size_t i = 0; i < lots_.size(); ++i) {
    Lot& lot = lots_[i];
    const size_t kind = rng_.Below(std::size(kLotKinds));
    lot.district = &districts[rng_.Below(districts.size())];
    lot.code = HexId(rng_);
    lot.name = std::string(lot.district->name.substr(0, lot.district->name.size() - 3)) +
               std::string(kLotKinds[kind]) + std::to_string(i + 1) + "号停车场";
    lot.address =
        "广东省深圳市" + std::string(lot.district->name) + std::to_string(rng_.Between(1, 400)) + "号";
    lot.latitude = lot.district->latitude + rng_.Uniform(-0.03, 0.03);
    lot.longitude = lot.district->longitude + rng_.Uniform(-0.03, 0.03);
    for (int k = 0; k < kKinds; ++k) lot.share[k] = kShares[kind][k];
    lot.weight = std::exp(rng_.Normal(0, 0.6));
    const int gates = static_cast<int>(rng_.Between(1, 3));
    for (int g = 0; g < gates; ++g) {
      char code[32];
      std::snprintf(code, sizeof code, "EX%03d%02d", static_cast<int>(i + 1), g + 1);
      lot.gate_codes.emplace_back(code);
      lot.gate_names.push_back(std::string(kGateNames[g]) + "出入口");
    }
    for (int k = 0; k < kKinds; ++k)
      for (int h = 0; h < 24; ++h) {
        double mass = 0;
        for (double shift : {-24.0, 0.0, 24.0}) {
          switch (k) {
            case kCommuter:
              mass += NormalMass(8.5 + shift, 0.8, h);
              break;
            case kShopper:
              mass += 0.45 * NormalMass(12.5 + shift, 1.6, h) + 0.55 * NormalMass(19.0 + shift, 1.6, h);
              break;
            default:
              mass += NormalMass(19.5 + shift, 1.8, h);
          }
        }
        lot.kind_mass[k][h] = mass;
      }
    lot.heartbeat_phase = static_cast<int64_t>(rng_.Below(3600));
  }
  // Heartbeats are thinned from the spec's 30 s so they stay about 2% of the archive.
  const double hours = world.days * 24.0;
  const double wanted = std::max(1.0, 0.02 * static_cast<double>(world.target_records));
  heartbeat_every_s_ =
      std::clamp<int64_t>(static_cast<int64_t>(lots_.size() * hours * 3600 / wanted), 30, 3600);
}

uint64_t ParkingGenerator::FixedRecords() const {
  const uint64_t hours = static_cast<uint64_t>(world_.days) * 24;
  uint64_t master = 0;
  for (const Lot& lot : lots_) master += 1 + lot.gate_codes.size();
  return lots_.size() * hours * (2 + 3600 / heartbeat_every_s_) + master;
}

void ParkingGenerator::SetFlowBudget(uint64_t records) {
  double total_weight = 0;
  for (const Lot& lot : lots_) total_weight += lot.weight;
  const double visits_per_day = static_cast<double>(records) / 2 / world_.days;
  for (Lot& lot : lots_) lot.daily_visits = std::max(20.0, visits_per_day * lot.weight / total_weight);
  SizeLots();
}

void ParkingGenerator::SizeLots() {
  for (Lot& lot : lots_) {
    const double v = lot.daily_visits;
    const double* s = lot.share;
    // Peak occupancy: commuters all in at midday, or residents all in at night, plus short stays.
    const double peak = std::max(s[kCommuter] * v, s[kResident] * v) + 0.25 * s[kShopper] * v;
    lot.capacity = static_cast<int>(std::ceil(1.3 * peak)) + 20;
    lot.charging = lot.capacity / 10;
    lot.reservable = lot.capacity / 12;
    lot.month_card = static_cast<int>(lot.capacity * (s[kCommuter] + s[kResident]) * 0.5);
    lot.fixed = lot.capacity / 20;
    for (int h = 0; h < 24; ++h) {
      lot.hourly[h] = 0;
      for (int k = 0; k < kKinds; ++k) lot.hourly[h] += v * s[k] * lot.kind_mass[k][h];
    }
    const size_t regulars = static_cast<size_t>(std::ceil((s[kCommuter] + s[kResident]) * v * 1.3)) + 5;
    lot.regulars.clear();
    for (size_t i = 0; i < regulars; ++i) {
      Vehicle car;
      car.new_energy = rng_.Chance(0.18);
      car.plate = RandomPlate(rng_, car.new_energy);
      car.model = car.new_energy ? 52 : rng_.Chance(0.95) ? 2 : 1;
      car.color = static_cast<uint8_t>(rng_.Between(1, 8));
      lot.regulars.push_back(std::move(car));
    }
    // Cars already inside at the start: residents since the evening before.
    const int baseline = std::min(
        static_cast<int>(std::lround(0.9 * s[kResident] * v + 0.02 * s[kShopper] * v)), lot.capacity * 4 / 5);
    for (int i = 0; i < baseline; ++i) {
      const int64_t enter_s = world_.start_s - rng_.Between(kHourS, 6 * kHourS);
      Visit visit = NewVisit(lot, kResident, enter_s);
      if (visit.exit_s <= world_.start_s) continue;
      Enter(lot, std::move(visit));
    }
  }
}

ParkingGenerator::Visit ParkingGenerator::NewVisit(Lot& lot, Kind kind, int64_t enter_s) {
  Visit v;
  v.enter_s = enter_s;
  v.exit_s = StayUntil(kind, enter_s);
  if (v.exit_s % kHourS == 0) ++v.exit_s;  // never exactly at a list time
  v.id = HexId(rng_);
  v.gate_in = static_cast<uint8_t>(rng_.Below(lot.gate_codes.size()));
  v.gate_out = static_cast<uint8_t>(rng_.Below(lot.gate_codes.size()));
  const double regular_chance = kind == kShopper ? 0.2 : 0.9;
  if (rng_.Chance(regular_chance)) {
    for (int attempt = 0; attempt < 4; ++attempt) {
      const Vehicle& car = lot.regulars[rng_.Below(lot.regulars.size())];
      if (parked_.contains(car.plate)) continue;
      v.vehicle = car;
      v.regular = true;
      break;
    }
  }
  if (!v.regular) {
    Vehicle& car = v.vehicle;
    car.new_energy = rng_.Chance(0.15);
    do car.plate = RandomPlate(rng_, car.new_energy);
    while (parked_.contains(car.plate));
    car.model = car.new_energy ? 52 : rng_.Chance(0.95) ? 2 : 1;
    car.color = static_cast<uint8_t>(rng_.Between(1, 8));
  }
  v.drop_exit = rng_.Chance(missing_rate_);
  return v;
}

int64_t ParkingGenerator::StayUntil(Kind kind, int64_t enter_s) {
  switch (kind) {
    case kCommuter:
      return enter_s + static_cast<int64_t>(std::clamp(rng_.Normal(9.0, 1.0), 4.0, 12.0) * kHourS);
    case kShopper:
      return enter_s +
             static_cast<int64_t>(std::clamp(std::exp(rng_.Normal(std::log(1.3), 0.7)), 0.1, 6.0) * kHourS);
    default: {
      const int64_t day = enter_s - ((enter_s % kDayS) + kDayS) % kDayS;
      const int64_t morning = static_cast<int64_t>(std::clamp(rng_.Normal(7.9, 0.9), 5.5, 11.0) * kHourS);
      int64_t leave = day + morning;
      while (leave < enter_s + kHourS) leave += kDayS;
      return leave;
    }
  }
}

void ParkingGenerator::Enter(Lot& lot, Visit visit) {
  parked_.insert(visit.vehicle.plate);
  lot.regulars_inside += visit.regular;
  lot.new_energy_inside += visit.vehicle.new_energy;
  lot.inside.push_back(std::move(visit));
  std::push_heap(lot.inside.begin(), lot.inside.end(), kLeavesLater);
}

void ParkingGenerator::Exit(Lot& lot) {
  std::pop_heap(lot.inside.begin(), lot.inside.end(), kLeavesLater);
  Visit& v = lot.inside.back();
  parked_.erase(v.vehicle.plate);
  lot.regulars_inside -= v.regular;
  lot.new_energy_inside -= v.vehicle.new_energy;
  if (v.drop_exit) {
    ++missing_exits_;
  } else {
    Item item{v.exit_s, v.exit_s, {}};
    ExitText(lot, v, item.text);
    exits_.push_back(std::move(item));
  }
  lot.inside.pop_back();
}

void ParkingGenerator::EnterText(const Lot& lot, const Visit& v, std::string& out) const {
  JsonObject o(out);
  o.Str("parkCode", lot.code)
      .Str("id", v.id)
      .Str("plateNo", v.vehicle.plate)
      .DateTime("enterTime", v.enter_s);
  std::string photo = "IMG" + v.id.substr(0, 12) + "01";
  o.Str("entryCarPhotoId", photo).Str("entranceCode", lot.gate_codes[v.gate_in]);
  o.Str("entranceName", lot.gate_names[v.gate_in])
      .Int("carModel", v.vehicle.model)
      .Int("carColor", v.vehicle.color);
  o.Int("plateColor", v.vehicle.new_energy ? 5 : v.vehicle.model == 1 ? 2 : 1);
  if (!v.book_code.empty()) o.Str("bookCode", v.book_code);
}

void ParkingGenerator::ExitText(const Lot& lot, const Visit& v, std::string& out) const {
  JsonObject o(out);
  o.Str("parkCode", lot.code).Str("id", v.id).Str("plateNo", v.vehicle.plate).DateTime("leaveTime", v.exit_s);
  std::string photo = "IMG" + v.id.substr(0, 12) + "02";
  o.Str("exitCarPhotoId", photo).Str("exitCode", lot.gate_codes[v.gate_out]);
  o.Str("exitName", lot.gate_names[v.gate_out])
      .Int("carModel", v.vehicle.model)
      .Int("carColor", v.vehicle.color);
  o.Int("plateColor", v.vehicle.new_energy ? 5 : v.vehicle.model == 1 ? 2 : 1);
  if (!v.book_code.empty()) o.Str("bookCode", v.book_code);
}

void ParkingGenerator::SendMasterData(Lot& lot, int64_t hour_s, Emitter& out) {
  auto send = [&](ingest::InterfaceId iface, std::string object) {
    Request r;
    r.iface = iface;
    r.send_ms = LocalTime{hour_s}.ToEpochMillis() + rng_.Between(1, 999);
    r.ts_ms = r.send_ms;
    r.array_body = true;
    r.objects.push_back(std::move(object));
    out.Submit(std::move(r));
  };
  std::string text;
  const std::vector<Override> info = {
      {"parkName", Quote(lot.name)},
      {"parkCode", Quote(lot.code)},
      {"parkType", "1"},
      {"address", Quote(lot.address)},
      {"longitude", std::to_string(lot.longitude)},
      {"latitude", std::to_string(lot.latitude)},
      {"areaCode", Quote(std::to_string(lot.district->code))},
      {"bizStatus", "1"},
      {"totalSpaces", std::to_string(lot.capacity)},
      {"monthCardSpaces", std::to_string(lot.month_card)},
      {"fixedSpaces", std::to_string(lot.fixed)},
      {"tempSpaces", std::to_string(lot.capacity - lot.month_card - lot.fixed)},
      {"totalCharingSpaces", std::to_string(lot.charging)},
      {"reservable", lot.reservable > 0 ? "1" : "0"},
      {"reservableSpaces", std::to_string(lot.reservable)},
      {"totalReservableCharingSpaces", std::to_string(lot.reservable / 4)},
  };
  filler_.Fill(ingest::Registry::Get().At(park_info_id_).fields, info, hour_s, lot.district->code, text);
  send(park_info_id_, std::move(text));
  for (size_t g = 0; g < lot.gate_codes.size(); ++g) {
    text.clear();
    JsonObject o(text);
    o.Str("parkCode", lot.code).Str("name", lot.gate_names[g]).Str("entranceExitCode", lot.gate_codes[g]);
    o.Int("type", 3).Fixed("longitude", std::lround((lot.longitude + 0.0004 * g) * 1e6), 6);
    o.Fixed("latitude", std::lround(lot.latitude * 1e6), 6).Int("status", 1);
    o.Close();
    send(gate_info_id_, std::move(text));
  }
}

void ParkingGenerator::SendLists(Lot& lot, int64_t hour_s, Emitter& out) {
  const int64_t ts = LocalTime{hour_s}.ToEpochMillis();
  auto send = [&](ingest::InterfaceId iface, std::string object) {
    Request r;
    r.iface = iface;
    r.send_ms = r.ts_ms = ts;
    r.array_body = true;
    r.objects.push_back(std::move(object));
    out.Submit(std::move(r));
  };
  std::string text;
  {
    JsonObject o(text);
    o.Str("parkCode", lot.code);
    std::string& list = o.Begin("plateNoList");
    list.push_back('"');
    for (size_t i = 0; i < lot.inside.size(); ++i) {
      if (i) list.push_back(',');
      list += lot.inside[i].vehicle.plate;
    }
    list.push_back('"');
  }
  send(car_info_id_, std::move(text));

  const int truth = static_cast<int>(lot.inside.size());
  // Stall sensors drift now and then: reported_used - listed is the reconciliation's deviation.
  const int used =
      std::clamp(truth + (rng_.Chance(0.1) ? static_cast<int>(rng_.Between(-3, 3)) : 0), 0, lot.capacity);
  const int reserved = lot.reservable ? static_cast<int>(rng_.Between(0, lot.reservable / 3)) : 0;
  const int charging_used = std::min(lot.charging, lot.new_energy_inside);
  const int month_free = std::max(0, lot.month_card - lot.regulars_inside);
  const int fixed_free = std::max(0, lot.fixed - static_cast<int>(rng_.Between(0, lot.fixed)));
  text.clear();
  {
    JsonObject o(text);
    o.Str("parkCode", lot.code).Int("usedStalls", used).Int("reservedStalls", reserved);
    o.Int("usedCharingStalls", charging_used).Int("unusedStalls", lot.capacity - used);
    o.Int("unusedReservableStalls", lot.reservable - reserved)
        .Int("unusedCharingStalls", lot.charging - charging_used);
    o.Int("unusedMonthCardSpaces", month_free).Int("unusedFixedSpaces", fixed_free);
    o.Int("unusedTempSpaces", std::max(0, lot.capacity - used - month_free - fixed_free));
  }
  send(space_info_id_, std::move(text));
}

void ParkingGenerator::Book(Lot& lot, int64_t hour_s, Emitter& out) {
  const int hod = static_cast<int>(((hour_s % kDayS) + kDayS) % kDayS / kHourS);
  for (uint32_t n = rng_.Poisson(0.015 * lot.hourly[hod]); n > 0; --n) {
    const int64_t t = hour_s + rng_.Between(0, kHourS - 1);
    Booking booking;
    Vehicle& car = booking.vehicle;
    car.new_energy = rng_.Chance(0.25);
    do car.plate = RandomPlate(rng_, car.new_energy);
    while (parked_.contains(car.plate));
    car.model = car.new_energy ? 52 : 2;
    car.color = static_cast<uint8_t>(rng_.Between(1, 8));
    const int64_t hold_min = rng_.Chance(0.5) ? 30 : 60;
    booking.arrive_s = t + rng_.Between(300, hold_min * 60 - 60);
    std::string stamp = DateTimeString(t);
    std::erase_if(stamp, [](char c) { return c < '0' || c > '9'; });
    booking.code = "BK" + stamp + Digits(rng_, 6);
    auto reservation = [&](int64_t booked_s, int64_t hold, int operate) {
      Item item{booked_s, booked_s, {}};
      JsonObject o(item.text);
      o.Str("parkCode", lot.code).Str("bookCode", booking.code).Str("plateNo", car.plate);
      o.DateTime("bookTime", booked_s).DateTime("overTime", booked_s + hold * 60).Int("obligatTime", hold);
      o.Int("bookType", 0).Int("spaceType", car.new_energy ? 1 : 0).Int("operateType", operate);
      o.Int("carModel", car.model).Int("carColor", car.color).Int("plateColor", car.new_energy ? 5 : 1);
      o.Close();
      reservations_.push_back(std::move(item));
    };
    reservation(t, hold_min, 1);
    if (rng_.Chance(0.08)) {  // cancelled before arriving
      std::string text;
      JsonObject(text).Str("parkCode", lot.code).Str("bookCode", booking.code);
      SendObject(out, cancel_id_, t + rng_.Between(60, booking.arrive_s - t - 1), std::move(text), rng_,
                 true);
      continue;
    }
    if (rng_.Chance(0.05)) {  // changed: the same bookCode with a longer hold
      const int64_t changed = t + rng_.Between(30, std::min<int64_t>(600, booking.arrive_s - t - 1));
      reservation(changed, hold_min + 30, 2);
    }
    lot.bookings.push_back(std::move(booking));
    std::push_heap(lot.bookings.begin(), lot.bookings.end(), kArrivesLater);
  }
  out.Stream(reservation_id_, reservations_, StreamShape{.shape = BodyShape::kArray, .max_batch = 1});
}

void ParkingGenerator::SimulateHour(Lot& lot, int64_t hour_s, Emitter& out) {
  if (lot.reservable > 0) Book(lot, hour_s, out);
  const int hod = static_cast<int>(((hour_s % kDayS) + kDayS) % kDayS / kHourS);
  const uint32_t arrivals = rng_.Poisson(lot.hourly[hod]);
  std::vector<int64_t> times(arrivals);
  for (int64_t& t : times) t = hour_s + rng_.Between(1, kHourS - 1);
  std::sort(times.begin(), times.end());
  double weights[kKinds];
  for (int k = 0; k < kKinds; ++k) weights[k] = lot.share[k] * lot.kind_mass[k][hod] + 1e-9;
  const int64_t hour_end = hour_s + kHourS;
  size_t next = 0;
  for (;;) {
    const int64_t exit_s = lot.inside.empty() ? INT64_MAX : lot.inside.front().exit_s;
    const int64_t booked_s = lot.bookings.empty() ? INT64_MAX : lot.bookings.front().arrive_s;
    const int64_t arrive_s = std::min(next < times.size() ? times[next] : INT64_MAX, booked_s);
    if (std::min(exit_s, arrive_s) >= hour_end) break;
    if (exit_s <= arrive_s) {
      Exit(lot);
      continue;
    }
    Booking booking;
    if (arrive_s == booked_s) {
      std::pop_heap(lot.bookings.begin(), lot.bookings.end(), kArrivesLater);
      booking = std::move(lot.bookings.back());
      lot.bookings.pop_back();
      if (booking.arrive_s % kHourS == 0) ++booking.arrive_s;  // never exactly at a list time
    } else {
      ++next;
    }
    if (static_cast<int>(lot.inside.size()) >= lot.capacity || parked_.contains(booking.vehicle.plate)) {
      ++turned_away_;
      continue;
    }
    Visit visit = NewVisit(lot, booking.code.empty() ? static_cast<Kind>(rng_.Weighted(weights)) : kShopper,
                           std::max(arrive_s, booking.arrive_s));
    if (!booking.code.empty()) {
      visit.vehicle = std::move(booking.vehicle);
      visit.regular = false;
      visit.book_code = std::move(booking.code);
    }
    if (rng_.Chance(missing_rate_)) {
      ++missing_enters_;
    } else {
      Item item{visit.enter_s, visit.enter_s, {}};
      EnterText(lot, visit, item.text);
      enters_.push_back(std::move(item));
      if (rng_.Chance(0.05)) {  // the entry photo is uploaded too
        Item picture{visit.enter_s, visit.enter_s + rng_.Between(2, 30), {}};
        JsonObject o(picture.text);
        const std::string photo = "IMG" + visit.id.substr(0, 12) + "01";
        o.Str("parkCode", lot.code).Str("id", photo).Str("fileName", photo + ".jpg").Int("imageBizType", 1);
        o.Int("timestamp", LocalTime{picture.ready_s}.ToEpochMillis());
        o.Int("pickTime", LocalTime{visit.enter_s}.ToEpochMillis());
        o.Close();
        pictures_.push_back(std::move(picture));
      }
    }
    Enter(lot, std::move(visit));
  }
  out.Stream(enter_id_, enters_, StreamShape{.shape = BodyShape::kArray, .max_batch = 100});
  out.Stream(exit_id_, exits_, StreamShape{.shape = BodyShape::kArray, .max_batch = 100});
  out.Stream(picture_id_, pictures_, StreamShape{});
}

void ParkingGenerator::GenerateHour(int64_t hour_s, Emitter& out) {
  for (Lot& lot : lots_) {
    if (hour_s == world_.start_s) SendMasterData(lot, hour_s, out);
    SendLists(lot, hour_s, out);
    SimulateHour(lot, hour_s, out);
    for (int64_t t = hour_s + ((lot.heartbeat_phase - hour_s) % heartbeat_every_s_ + heartbeat_every_s_) %
                                  heartbeat_every_s_;
         t < hour_s + kHourS; t += heartbeat_every_s_) {
      Request r;
      r.iface = heartbeat_id_;
      r.send_ms = r.ts_ms = LocalTime{t}.ToEpochMillis() + rng_.Between(0, 999);
      std::string text;
      JsonObject(text).DateTime("requestTime", t).Str("parkCode", lot.code);
      r.objects.push_back(std::move(text));
      out.Submit(std::move(r));
    }
  }
  out.injected().missing_enter += missing_enters_;
  out.injected().missing_exit += missing_exits_;
  missing_enters_ = missing_exits_ = 0;
}

}  // namespace civicflow::datagen
