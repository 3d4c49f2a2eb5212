#include "tools/datagen/fitness.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tools/datagen/json_text.h"

namespace civicflow::datagen {
namespace {

using ingest::Platform;

constexpr std::string_view kVenueKinds[] = {"全民健身中心", "体育中心",   "游泳馆",
                                            "体育公园",     "综合训练馆", "羽毛球馆"};
constexpr std::string_view kSports[] = {"羽毛球", "游泳", "篮球", "乒乓球", "健身", "网球"};

std::string DeviceId(std::string_view prefix, const std::string& venue, int k) {
  return std::string(prefix) + venue + (k < 10 ? "0" : "") + std::to_string(k);
}

int HourOfDay(int64_t s) { return static_cast<int>(((s % kDayS) + kDayS) % kDayS / kHourS); }

}  // namespace

FitnessGenerator::FitnessGenerator(const World& world, int venues)
    : world_(world),
      rng_(world.seed, 0xf17e),
      filler_(rng_),
      venue_id_(InterfaceIdOf(Platform::kFitness, "syncVenueData")),
      binocular_id_(InterfaceIdOf(Platform::kFitness, "syncBinocularFlowData")),
      face_id_(InterfaceIdOf(Platform::kFitness, "syncFaceRecognitionFlowData")),
      gate_id_(InterfaceIdOf(Platform::kFitness, "syncGatebrakeFlowData")),
      card_id_(InterfaceIdOf(Platform::kFitness, "syncGardScrnningcodeFlowData")),
      electricity_id_(InterfaceIdOf(Platform::kFitness, "syncEnergyConsumptionData")),
      water_id_(InterfaceIdOf(Platform::kFitness, "syncWaterConsumptionData")),
      gas_id_(InterfaceIdOf(Platform::kFitness, "syncGasConsumptionData")) {
  const auto districts = AllDistricts();
  std::vector<int> per_district(districts.size());
  venues_.resize(static_cast<size_t>(std::max(venues, 0)));
  for (size_t i = 0; i < venues_.size(); ++i) {
    Venue& v = venues_[i];
    // Three in five venues in Shenzhen, the rest in Guangzhou and Beijing.
    const size_t d = rng_.Chance(0.6) ? rng_.Below(9) : 9 + rng_.Below(districts.size() - 9);
    v.district = &districts[d];
    v.id = std::to_string(v.district->code * 1000 + ++per_district[d]);
    v.name =
        std::string(v.district->city) + std::string(v.district->name) + std::string(rng_.Pick(kVenueKinds));
    if (rng_.Chance(0.2)) v.open_h = 0, v.close_h = 24;
    v.weight = std::exp(rng_.Normal(0, 0.5));
    v.gate_share = std::clamp(rng_.Normal(0.6, 0.15), 0.2, 0.9);
    for (int k = 1, n = static_cast<int>(rng_.Between(1, 2)); k <= n; ++k)
      v.binocular.push_back(DeviceId("BINO", v.id, k));
    for (int k = 1, n = static_cast<int>(rng_.Between(0, 1)); k <= n; ++k)
      v.face.push_back(DeviceId("FACE", v.id, k));
    for (int k = 1, n = static_cast<int>(rng_.Between(1, 3)); k <= n; ++k)
      v.gates.push_back(DeviceId("GATE", v.id, k));
    for (int k = 1, n = static_cast<int>(rng_.Between(1, 2)); k <= n; ++k)
      v.readers.push_back(DeviceId("CARD", v.id, k));
    v.electricity = DeviceId("EM", v.id, 1);
    if (rng_.Chance(0.7)) v.water = DeviceId("WM", v.id, 1);
    if (rng_.Chance(0.3)) v.gas = DeviceId("GM", v.id, 1);
    v.base_kwh = rng_.Uniform(8, 60) * v.weight;
    v.base_water = rng_.Uniform(0.2, 2.0) * v.weight;
    v.base_gas = rng_.Uniform(0.5, 4.0);
    const int members = static_cast<int>(rng_.Between(200, 2000));
    for (int k = 1; k <= members; ++k) v.members.push_back(static_cast<int64_t>(i + 1) * 100000 + k);
    if (rng_.Chance(0.25)) v.outdoor = "SG" + v.id + "01";
    if (rng_.Chance(0.35)) v.indoor = "SIE" + v.id + "01";
    v.fitness_centre = rng_.Chance(0.35);
    double total = 0;
    for (int h = 0; h < 24; ++h) {
      const bool open = h >= v.open_h && h < v.close_h;
      v.curve[h] = open ? 0.25 * NormalMass(7.0, 1.0, h) + 0.15 * NormalMass(12.3, 1.2, h) +
                              0.60 * NormalMass(19.5, 1.6, h) + 0.002
                        : 0;
      total += v.curve[h];
    }
    for (double& c : v.curve) c /= total;
  }
}

uint64_t FitnessGenerator::FixedRecords() const {
  uint64_t per_hour = 0;
  for (const Venue& v : venues_)
    per_hour += v.binocular.size() + v.face.size() + 1 + !v.water.empty() + !v.gas.empty();
  // Master data, and the long tail (orders, courses, equipment) at about 35 records a venue-day.
  return per_hour * 24 * world_.days + venues_.size() * (8 + 35 * world_.days) + 40;
}

void FitnessGenerator::SetFlowBudget(uint64_t records) {
  double total = 0;
  for (const Venue& v : venues_) total += v.weight;
  for (Venue& v : venues_) v.daily_entries = static_cast<double>(records) / world_.days * v.weight / total;
}

std::vector<Override> FitnessGenerator::Region(const Venue& v) const {
  return {{"provinceId", std::to_string(ProvinceOf(v.district->code))},
          {"cityId", std::to_string(CityOf(v.district->code))},
          {"districtId", std::to_string(v.district->code)},
          {"venueId", Quote(v.id)}};
}

std::string FitnessGenerator::Filled(ingest::InterfaceId iface, const std::vector<Override>& overrides,
                                     int64_t ref_s, int district) {
  std::string text;
  filler_.Fill(ingest::Registry::Get().At(iface).fields, overrides, ref_s, district, text);
  return text;
}

void FitnessGenerator::SendMasterData(int64_t hour_s, Emitter& out) {
  auto id = [](std::string_view name) { return InterfaceIdOf(Platform::kFitness, name); };
  auto send = [&](std::string_view name, std::string text) {
    SendObject(out, id(name), hour_s, std::move(text), rng_);
  };
  for (const Venue& v : venues_) {
    std::string text;
    {
      JsonObject o(text);
      o.Str("venueId", v.id).Str("state", "1");
      o.Str("businessTime",
            v.close_h == 24 ? "00:00-24:00"
                            : "0" + std::to_string(v.open_h) + ":00-" + std::to_string(v.close_h) + ":00");
      o.Str("venueName", v.name)
          .Int("venueType", rng_.Between(0, 3))
          .Int("venueProp", rng_.Chance(0.8) ? 11 : 2);
      o.Int("provinceId", ProvinceOf(v.district->code)).Int("cityId", CityOf(v.district->code));
      o.Int("districtId", v.district->code)
          .Str("address", std::string(v.district->city) + std::string(v.district->name));
      o.Str("contacts", PersonName(rng_)).Str("contactTel", MobileNumber(rng_));
      o.FixedText("longitude", std::lround((v.district->longitude + rng_.Uniform(-0.05, 0.05)) * 1e6), 6);
      o.FixedText("latitude", std::lround((v.district->latitude + rng_.Uniform(-0.05, 0.05)) * 1e6), 6);
      o.FixedText("measureArea", rng_.Between(2000, 60000) * 100, 2)
          .Str("builtYear", std::to_string(rng_.Between(1995, 2024)));
    }
    send("syncVenueData", std::move(text));
    std::vector<Override> region = Region(v);
    region.push_back({"deviceId", Quote(DeviceId("CAM", v.id, 1))});
    send("syncHumanFlowVerficationData",
         Filled(id("syncHumanFlowVerficationData"), region, hour_s, v.district->code));
    for (int k = 0; k < 5; ++k) {
      const std::vector<Override> user = {{"userId", std::to_string(v.members[rng_.Below(v.members.size())])},
                                          {"userName", Quote(PersonName(rng_))},
                                          {"venueId", Quote(v.id)},
                                          {"userMobileNum", MobileNumber(rng_)}};
      send("syncUserData", Filled(id("syncUserData"), user, hour_s, v.district->code));
    }
    region.pop_back();
    if (!v.indoor.empty()) {
      std::vector<Override> equipment = region;
      equipment.push_back({"facilitiesId", Quote(v.indoor)});
      equipment.push_back({"vendorId", Quote("1001")});
      send("syncSmartIndoorEquipBasicData",
           Filled(id("syncSmartIndoorEquipBasicData"), equipment, hour_s, v.district->code));
    }
    if (!v.outdoor.empty()) {
      std::vector<Override> equipment = region;
      equipment.push_back({"facilitiesId", Quote(v.outdoor)});
      send("synccSecGenBasicData", Filled(id("synccSecGenBasicData"), equipment, hour_s, v.district->code));
    }
    std::string upload;
    JsonObject(upload).Str("fileSign", HexId(rng_)).Str("uploadFile", "venue_" + v.id + ".jpg");
    send("uploadFile", std::move(upload));
  }
  const int district = venues_.empty() ? 440305 : venues_[0].district->code;
  for (int k = 1; k <= 3; ++k)
    send("syncEquipVendorBasicData",
         Filled(id("syncEquipVendorBasicData"), {{"vendorId", std::to_string(1000 + k)}}, hour_s, district));
  for (int k = 1; k <= 2; ++k)
    send("syncCodeData", Filled(id("syncCodeData"), {{"batchNum", Quote("BATCH2026" + std::to_string(k))}},
                                hour_s, district));
  const int64_t event_start = world_.start_s + kDayS + 9 * kHourS;
  for (int e = 1; e <= 2 && !venues_.empty(); ++e) {
    const std::string events_id = std::to_string(9000 + e), venue = venues_[rng_.Below(venues_.size())].id;
    const std::vector<Override> event = {{"eventsId", events_id}, {"venueId", venue}};
    send("syncEventData", Filled(id("syncEventData"), event, event_start, district));
    send("syncContestData", Filled(id("syncContestData"), event, event_start, district));
    for (int t = 1; t <= 2; ++t)
      send("syncTeamData", Filled(id("syncTeamData"), {{"eventsId", Quote(events_id)}}, hour_s, district));
    for (int p = 1; p <= 6; ++p) {
      send("syncParticipantData",
           Filled(id("syncParticipantData"), {{"eventsId", Quote(events_id)}}, hour_s, district));
      send("syncContestPeopleData",
           Filled(id("syncContestPeopleData"), {{"eventsId", events_id}}, hour_s, district));
    }
    send("syncCheckData", Filled(id("syncCheckData"), {{"eventsId", Quote(events_id)}}, hour_s, district));
  }
}

void FitnessGenerator::VenueHour(Venue& v, int64_t hour_s, Emitter& out) {
  const int hod = HourOfDay(hour_s);
  const bool open = v.curve[hod] > 0;
  const uint32_t entries = rng_.Poisson(v.daily_entries * v.curve[hod]);
  const int province = ProvinceOf(v.district->code), city = CityOf(v.district->code);
  std::vector<uint32_t> per_gate(v.gates.size()), per_reader(v.readers.size());
  uint32_t gate_total = 0;
  for (uint32_t e = 0; e < entries; ++e) {
    if (rng_.Chance(v.gate_share)) {
      ++per_gate[rng_.Below(per_gate.size())];
      ++gate_total;
    } else {
      ++per_reader[rng_.Below(per_reader.size())];
    }
  }
  std::vector<int64_t> offsets;
  for (size_t g = 0; g < v.gates.size(); ++g) {
    HourOffsets(rng_, per_gate[g], offsets);
    for (int64_t off : offsets) {
      Item item{hour_s + off, hour_s + off, {}};
      JsonObject o(item.text);
      o.Int("provinceId", province)
          .Int("cityId", city)
          .Int("districtId", v.district->code)
          .Str("venueId", v.id);
      o.Str("deviceId", v.gates[g])
          .DateTime("admTime", item.event_s)
          .DateTime("appearanceTime", item.event_s - 2);
      o.Close();
      gate_items_.push_back(std::move(item));
    }
  }
  for (size_t r = 0; r < v.readers.size(); ++r) {
    HourOffsets(rng_, per_reader[r], offsets);
    for (int64_t off : offsets) {
      Item item{hour_s + off, hour_s + off, {}};
      const int64_t user = v.members[rng_.Below(v.members.size())];
      JsonObject o(item.text);
      o.Int("provinceId", province)
          .Int("cityId", city)
          .Int("districtId", v.district->code)
          .Str("venueId", v.id);
      o.Str("deviceId", v.readers[r]).Int("userId", user).DateTime("admTime", item.event_s);
      const double ident[] = {0.45, 0.25, 0.15, 0.08, 0.05, 0.02};
      o.Int("admUserIdent", static_cast<int64_t>(rng_.Weighted(ident))).Int("userGender", user % 2);
      o.Date("userBirth", (static_cast<int64_t>(user % 15000) - 3000) * kDayS);
      o.Close();
      card_items_.push_back(std::move(item));
    }
  }
  out.Stream(gate_id_, gate_items_, StreamShape{.shape = BodyShape::kArray, .max_batch = 20});
  out.Stream(card_id_, card_items_, StreamShape{.shape = BodyShape::kArray, .max_batch = 20});

  // Hourly statistics for [hour_s, hour_s + 1 h), labelled by the hour's end.
  const int64_t label = hour_s + kHourS;
  auto stat = [&](std::vector<Item>& items, const std::string& device, auto&& write_value) {
    Item item{label, label, {}};
    JsonObject o(item.text);
    o.Int("provinceId", province)
        .Int("cityId", city)
        .Int("districtId", v.district->code)
        .Str("venueId", v.id);
    o.DateTime("acqTime", label);
    write_value(o);
    o.Str("deviceId", device);
    o.Close();
    items.push_back(std::move(item));
  };
  const double counted = entries * rng_.Uniform(1.05, 1.3) + (open ? rng_.Between(0, 3) : 0);
  for (const std::string& device : v.binocular)
    stat(binocular_, device, [&](JsonObject& o) {
      o.Int("acqNumOfPeople", std::lround(counted / v.binocular.size() * rng_.Uniform(0.9, 1.1)));
    });
  for (const std::string& device : v.face)
    stat(face_, device,
         [&](JsonObject& o) { o.Int("acqNumOfPeople", std::lround(gate_total * rng_.Uniform(0.95, 1.05))); });
  const double load = open ? 1.0 : 0.25;
  stat(electricity_, v.electricity, [&](JsonObject& o) {
    o.FixedText("consumption",
                std::lround((v.base_kwh * load + 0.08 * entries) * rng_.Uniform(0.9, 1.1) * 100), 2);
  });
  if (!v.water.empty())
    stat(water_, v.water, [&](JsonObject& o) {
      o.FixedText("consumption", std::lround((v.base_water * (open ? 1 : 0.1) + 0.01 * entries) * 1000), 3);
    });
  if (!v.gas.empty())
    stat(gas_, v.gas, [&](JsonObject& o) {
      o.FixedText("consumption", std::lround(v.base_gas * (open ? rng_.Uniform(0.8, 1.2) : 0.05) * 1000), 3);
    });
  TailHour(v, hour_s, open, out);
}

void FitnessGenerator::TailHour(Venue& v, int64_t hour_s, bool open, Emitter& out) {
  if (!open) return;
  auto id = [](std::string_view name) { return InterfaceIdOf(Platform::kFitness, name); };
  auto emit = [&](std::string_view name, int64_t event_s, std::string text) {
    tail_.push_back(Item{event_s, event_s, std::move(text)});
    out.Stream(id(name), tail_, StreamShape{});
  };
  const int district = v.district->code;
  const int64_t label = hour_s + kHourS;
  for (uint32_t n = rng_.Poisson(0.4); n > 0; --n) {
    const int64_t t = hour_s + rng_.Between(0, kHourS - 1);
    const int64_t order = next_order_++;
    const int slot_h = (HourOfDay(t) + 1) % 24;
    char slot[16];
    std::snprintf(slot, sizeof slot, "%02d:00-%02d:00", slot_h, slot_h + 1);
    const std::vector<Override> fields = {
        {"orderNum", Quote("ORD" + std::to_string(20260000000 + order))},
        {"venueId", v.id},
        {"userId", Quote(std::to_string(v.members[rng_.Below(v.members.size())]))},
        {"userName", Quote(PersonName(rng_))},
        {"userMobileNum", MobileNumber(rng_)},
        {"sportEvent", Quote(rng_.Pick(kSports))},
        {"sportDate", "\"" + DateTimeString(t).substr(0, 10) + "\""},
        {"exerciseTime", Quote(slot)},
        {"orderAmount", std::to_string(rng_.Between(20, 200)) + ".00"},
        {"createTime", Quote(DateTimeString(t))},
        {"orderStatus", Quote("已支付")},
        {"sourceOfConsum", Quote("微信小程序")}};
    emit("syncOrderData", t, Filled(id("syncOrderData"), fields, t, district));
    if (rng_.Chance(0.5)) {
      const int64_t when = t + rng_.Between(600, 3000);
      const std::vector<Override> check = {{"orderId", std::to_string(order)},
                                           {"expCodeId", std::to_string(700000 + order)},
                                           {"verificationTime", Quote(DateTimeString(when))},
                                           {"verificationStates", Quote("已验证")},
                                           {"verificationQuantity", Quote("1")}};
      emit("syncVerificationData", when, Filled(id("syncVerificationData"), check, when, district));
    }
  }
  std::vector<Override> region = Region(v);
  region.push_back({"acqTime", Quote(DateTimeString(label))});
  if (v.fitness_centre) {
    for (uint32_t n = rng_.Poisson(0.6); n > 0; --n) {
      std::vector<Override> course = region;
      course.push_back({"startTime", Quote(DateTimeString(hour_s + 60 * rng_.Between(0, 20)))});
      course.push_back({"endTime", Quote(DateTimeString(hour_s + 60 * rng_.Between(40, 59)))});
      emit("syncClassData", label, Filled(id("syncClassData"), course, label, district));
      emit("syncFitnessData", label, Filled(id("syncFitnessData"), course, label, district));
    }
  }
  std::string minute;
  AppendMinute(minute, label);
  auto equipment = [&](const std::string& facility, bool indoor) {
    std::vector<Override> base = {{"facilitiesId", Quote(facility)},
                                  {"acqTime", Quote(DateTimeString(label))},
                                  {"staticTime", Quote(minute)}};
    if (indoor) base.push_back({"venueId", Quote(v.id)});
    std::vector<Override> total = base;
    total.push_back({"sportCnt", std::to_string(rng_.Between(5, 80))});
    emit(indoor ? "syncSmartIndoorEquipFitPath" : "sync2ndGenFitPath", label,
         Filled(id(indoor ? "syncSmartIndoorEquipFitPath" : "sync2ndGenFitPath"), total, label, district));
    const uint32_t people = std::min<uint32_t>(rng_.Poisson(1.2), 5);
    const size_t first = rng_.Below(v.members.size());
    for (uint32_t p = 0; p < people; ++p) {
      std::vector<Override> person = base;
      person.push_back({"userId", Quote(std::to_string(v.members[(first + p) % v.members.size()]))});
      const std::string_view name = indoor ? "syncSmartIndoorEquipFitPathPerson" : "sync2ndGenFitPathPerson";
      emit(name, label, Filled(id(name), person, label, district));
      if (!indoor && rng_.Chance(0.5))
        emit("syncFitPathPersonExt", label, Filled(id("syncFitPathPersonExt"), person, label, district));
    }
  };
  if (!v.outdoor.empty()) equipment(v.outdoor, false);
  if (!v.indoor.empty()) equipment(v.indoor, true);
}

void FitnessGenerator::GenerateHour(int64_t hour_s, Emitter& out) {
  if (hour_s == world_.start_s) SendMasterData(hour_s, out);
  for (Venue& v : venues_) VenueHour(v, hour_s, out);
  out.Stream(binocular_id_, binocular_, StreamShape{});
  out.Stream(face_id_, face_, StreamShape{});
  out.Stream(electricity_id_, electricity_, StreamShape{});
  out.Stream(water_id_, water_, StreamShape{});
  out.Stream(gas_id_, gas_, StreamShape{});
}

}  // namespace civicflow::datagen
