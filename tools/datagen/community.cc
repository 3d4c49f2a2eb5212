#include "tools/datagen/community.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/base/local_time.h"
#include "tools/datagen/json_text.h"

namespace civicflow::datagen {
namespace {

using ingest::Platform;

constexpr std::string_view kEstates[] = {"华府", "花园",   "新村",   "名苑",
                                         "雅居", "阳光城", "翠湖居", "海景湾"};
constexpr std::string_view kGateNames[] = {"东门", "南门", "西门", "北门"};

std::string Coded(const std::string& prefix, int width, int value) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%0*d", width, value);
  return prefix + digits;
}

// GF001: decimal degrees with six decimals, as text.
std::string Degrees(double value) {
  std::string out = "\"";
  AppendFixed(out, std::lround(value * 1e6), 6);
  out.push_back('"');
  return out;
}

}  // namespace

CommunityGenerator::CommunityGenerator(const World& world, int communities)
    : world_(world),
      rng_(world.seed, 0xc0aa),
      filler_(rng_),
      person_id_(InterfaceIdOf(Platform::kCommunity, "stk/rytxjl")),
      vehicle_id_(InterfaceIdOf(Platform::kCommunity, "stk/cltxjl")),
      snap_id_(InterfaceIdOf(Platform::kCommunity, "stk/zpjl")),
      status_id_(InterfaceIdOf(Platform::kCommunity, "stk/sbzt")) {
  const auto districts = ShenzhenDistricts();
  communities_.resize(static_cast<size_t>(std::max(communities, 0)));
  for (size_t i = 0; i < communities_.size(); ++i) {
    Community& c = communities_[i];
    c.district = &districts[rng_.Below(districts.size())];
    // xqbm: district (6) + street (3) + community (3) + estate (3).
    c.code = Coded(std::to_string(c.district->code), 3, static_cast<int>(rng_.Between(1, 12))) +
             Coded("", 3, static_cast<int>(rng_.Between(1, 30))) + Coded("", 3, static_cast<int>(i + 1));
    c.name = std::string(c.district->name.substr(0, c.district->name.size() - 3)) +
             std::string(rng_.Pick(kEstates)) + std::to_string(i + 1) + "期";
    c.latitude = c.district->latitude + rng_.Uniform(-0.03, 0.03);
    c.longitude = c.district->longitude + rng_.Uniform(-0.03, 0.03);
    c.weight = std::exp(rng_.Normal(0, 0.5));
    const int entrances = static_cast<int>(rng_.Between(2, 4));
    for (int e = 1; e <= entrances; ++e) {
      c.entrances.push_back(Coded(c.code + "1", 3, e));
      c.access_systems.push_back(Coded(c.code + "2", 6, e));
    }
    for (int k = 1, n = static_cast<int>(rng_.Between(2, 5)); k <= n; ++k)
      c.face_cameras.push_back(Coded(c.code + "3", 4, k));
    for (int k = 1, n = static_cast<int>(rng_.Between(1, 2)); k <= n; ++k) {
      c.barriers.push_back(Coded(c.code + "4", 6, k));
      c.barrier_cameras.push_back(Coded(c.code + "3", 4, 100 + k));
    }
    for (int b = 1, n = static_cast<int>(rng_.Between(3, 10)); b <= n; ++b)
      c.buildings.push_back(Coded(c.code, 3, b));
    const int households = static_cast<int>(c.buildings.size()) * static_cast<int>(rng_.Between(40, 120));
    for (int k = 0; k < households * 2; ++k) c.cards.push_back("MK" + c.code.substr(6) + Digits(rng_, 6));
    for (int k = 0; k < households * 2 / 3; ++k) c.plates.push_back(RandomPlate(rng_, rng_.Chance(0.2)));
  }
  for (int h = 0; h < 24; ++h) {
    person_curve_[h] = 0.35 * NormalMass(7.8, 1.0, h) + 0.20 * NormalMass(12.3, 1.5, h) +
                       0.42 * NormalMass(18.5, 1.6, h) + 0.03 / 24;
    vehicle_curve_[h] = 0.40 * NormalMass(8.0, 1.0, h) + 0.15 * NormalMass(13.0, 2.0, h) +
                        0.42 * NormalMass(18.8, 1.5, h) + 0.03 / 24;
  }
}

uint64_t CommunityGenerator::FixedRecords() const {
  uint64_t n = 0;
  for (const Community& c : communities_) {
    const uint64_t cameras = c.face_cameras.size() + c.barrier_cameras.size();
    n += 1 + 2 * c.entrances.size() + c.buildings.size() * 6 + 20 + 3 + 2 + cameras + 15 + c.barriers.size();
    n += cameras * 6 * world_.days;
  }
  return n;
}

void CommunityGenerator::SetFlowBudget(uint64_t records) {
  double total = 0;
  for (const Community& c : communities_) total += c.weight;
  for (Community& c : communities_) {
    const double daily = static_cast<double>(records) / world_.days * c.weight / total;
    c.daily_persons = 0.5 * daily;
    c.daily_vehicles = 0.2 * daily;
    c.daily_snaps = 0.3 * daily;
  }
}

std::string CommunityGenerator::Image() {
  std::string url = "http://img.sq.example/snap/";
  AppendHex(url, rng_.Next(), 16);
  url += ".jpg";
  return url;
}

// Master data goes out in the order the platform's prerequisites need (a
// community before its entrances, an entrance before its barriers…), one
// millisecond apart in the minute before the community's first hour.
void CommunityGenerator::SendMasterData(Community& c, int64_t hour_s, Emitter& out) {
  const int district = c.district->code;
  int64_t send_ms = LocalTime{hour_s}.ToEpochMillis() - 60'000;
  auto send = [&](std::string_view name, std::vector<Override> fields) {
    const ingest::InterfaceId iface = InterfaceIdOf(Platform::kCommunity, name);
    fields.push_back({"xqbm", Quote(c.code)});
    fields.push_back({"jd", Degrees(c.longitude + rng_.Uniform(-0.002, 0.002))});
    fields.push_back({"wd", Degrees(c.latitude + rng_.Uniform(-0.002, 0.002))});
    std::string text;
    filler_.Fill(ingest::Registry::Get().At(iface).fields, fields, hour_s, district, text);
    SendObjectAt(out, iface, send_ms++, std::move(text));
  };
  const std::string region = std::to_string(district);
  send("xq", {{"xqmc", Quote(c.name)},
              {"ssqXzqhdm", Quote(region + "000000")},
              {"gajgjgdm", Quote(region + "480000")},
              {"sqdm", Quote(c.code.substr(0, 12))},
              {"xxdz", Quote("广东省深圳市" + std::string(c.district->name) + c.name)},
              {"wymc", Quote(c.name.substr(0, c.name.size() - 3) + "物业")},
              {"dtzbj", Quote(std::to_string(c.longitude).substr(0, 10) + "," +
                              std::to_string(c.latitude).substr(0, 9))},
              {"fzr", Quote(PersonName(rng_))},
              {"lxdh", Quote(MobileNumber(rng_))}});
  for (size_t e = 0; e < c.entrances.size(); ++e) {
    const std::string gate = std::string(kGateNames[e % 4]) + (e >= 4 ? std::to_string(e) : "");
    send("crk",
         {{"crkbm", Quote(c.entrances[e])}, {"crkmc", Quote(c.name + gate)}, {"lx", e == 0 ? "1" : "2"}});
    send("mjxt", {{"mjxtbm", Quote(c.access_systems[e])},
                  {"mjxtmc", Quote(gate + "门禁")},
                  {"crkbm", Quote(c.entrances[e])},
                  {"fx", Quote("1")}});
  }
  for (size_t b = 0; b < c.buildings.size(); ++b) {
    send("ld", {{"ldbm", Quote(c.buildings[b])}, {"ldh", Quote(std::to_string(b + 1) + "栋")}});
    for (int room = 0; room < 5; ++room) {
      const int floor = static_cast<int>(rng_.Between(1, 30));
      const std::string door = std::to_string(floor * 100 + room + 1);
      c.houses.push_back(c.buildings[b] + Coded("", 2, 1) + Coded("", 4, floor * 100 + room + 1));
      send("fw", {{"ldbm", Quote(c.buildings[b])},
                  {"fwbm", Quote(c.houses.back())},
                  {"dyh", Quote("1")},
                  {"mph", Quote(door)},
                  {"lch", Quote(std::to_string(floor))}});
    }
  }
  for (int k = 0; k < 20; ++k) {
    const int64_t birth = rng_.Between(-9000, 12000) * kDayS;
    const std::string& house = c.houses[rng_.Below(c.houses.size())];
    send("rk", {{"xm", Quote(PersonName(rng_))},
                {"xbdm", std::to_string(rng_.Between(1, 2))},
                {"zjlxdm", "111"},
                {"zjhm", Quote(IdCardNumber(rng_, c.district->code, birth))},
                {"sjhm", Quote(MobileNumber(rng_))},
                {"rklxdm", "1"},
                {"csrq", "\"" + DateTimeString(birth).substr(0, 10) + "\""},
                {"zzmmdm", Quote("13")},
                {"jzxxList", "[{\"fwbm\":" + Quote(house) + ",\"yhzgxdm\":\"01\"}]"}});
  }
  for (int k = 0; k < 3; ++k)
    send("wyry",
         {{"xm", Quote(PersonName(rng_))}, {"sjhm", Quote(MobileNumber(rng_))}, {"ryjsdm", Quote("01")}});
  for (int k = 0; k < 2; ++k)
    send("gj", {{"gjbm", Quote(Coded("9", 6, static_cast<int>(rng_.Below(1000000))))}});
  auto camera = [&](const std::string& code, const std::string& name) {
    send("zpj", {{"zpjbm", Quote(code)},
                 {"mc", Quote(name)},
                 {"ip", Quote("10.20." + std::to_string(rng_.Between(0, 255)) + "." +
                              std::to_string(rng_.Between(2, 254)))},
                 {"lx", Quote("1")},
                 {"fx", Quote(rng_.Chance(0.5) ? "1" : "2")}});
  };
  for (size_t k = 0; k < c.face_cameras.size(); ++k)
    camera(c.face_cameras[k], "人脸抓拍机" + std::to_string(k + 1));
  for (size_t k = 0; k < c.barrier_cameras.size(); ++k)
    camera(c.barrier_cameras[k], "车辆抓拍机" + std::to_string(k + 1));
  for (int k = 0; k < 15 && k < static_cast<int>(c.plates.size()); ++k)
    send("clxx", {{"cphm", Quote(c.plates[k])},
                  {"czxm", Quote(PersonName(rng_))},
                  {"czSfzjhm", Quote(IdCardNumber(rng_, district, rng_.Between(-5000, 10000) * kDayS))},
                  {"czSjhm", Quote(MobileNumber(rng_))}});
  for (size_t k = 0; k < c.barriers.size(); ++k)
    send("cldz", {{"dzbm", Quote(c.barriers[k])},
                  {"dzmc", Quote(std::string(kGateNames[k % 4]) + "车行道闸")},
                  {"zpjbms", Quote(c.barrier_cameras[k])},
                  {"crkbm", Quote(c.entrances[k % c.entrances.size()])}});
}

void CommunityGenerator::CommunityHour(Community& c, int64_t hour_s, Emitter& out) {
  const int hod = static_cast<int>(((hour_s % kDayS) + kDayS) % kDayS / kHourS);
  std::vector<int64_t> offsets;
  const uint32_t persons = rng_.Poisson(c.daily_persons * person_curve_[hod]);
  std::vector<uint32_t> per_device(c.access_systems.size());
  for (uint32_t p = 0; p < persons; ++p) ++per_device[rng_.Below(per_device.size())];
  for (size_t d = 0; d < per_device.size(); ++d) {
    HourOffsets(rng_, per_device[d], offsets);
    for (int64_t off : offsets) {
      Item item{hour_s + off, hour_s + off, {}};
      JsonObject o(item.text);
      o.Str("accessControlNo", c.access_systems[d]);
      const double kind = rng_.Unit();
      if (kind < 0.88) o.Str("cardNo", c.cards[rng_.Below(c.cards.size())]);
      o.Str("areaNo", c.code)
          .Str("accessType", kind < 0.45   ? "1"
                             : kind < 0.80 ? "2"
                             : kind < 0.88 ? "3"
                                           : "4");
      o.DateTime("accessTime", item.event_s);
      if (kind >= 0.88) o.Str("snapSmallImage", Image()).Str("snapBigImage", Image());
      o.Close();
      persons_.push_back(std::move(item));
    }
  }
  const uint32_t vehicles = rng_.Poisson(c.daily_vehicles * vehicle_curve_[hod]);
  per_device.assign(c.barriers.size(), 0);
  for (uint32_t v = 0; v < vehicles; ++v) ++per_device[rng_.Below(per_device.size())];
  for (size_t d = 0; d < per_device.size(); ++d) {
    HourOffsets(rng_, per_device[d], offsets);
    for (int64_t off : offsets) {
      Item item{hour_s + off, hour_s + off, {}};
      JsonObject o(item.text);
      const std::string plate =
          rng_.Chance(0.75) ? c.plates[rng_.Below(c.plates.size())] : RandomPlate(rng_, rng_.Chance(0.2));
      o.Str("snapNo", c.barrier_cameras[d])
          .Str("areaNo", c.code)
          .Str("carNo", plate)
          .Str("gateNo", c.barriers[d]);
      o.DateTime("accessTime", item.event_s).Str("snapSmallImage", Image()).Str("snapBigImage", Image());
      o.Close();
      vehicles_.push_back(std::move(item));
    }
  }
  const uint32_t snaps = rng_.Poisson(c.daily_snaps * person_curve_[hod]);
  per_device.assign(c.face_cameras.size(), 0);
  for (uint32_t s = 0; s < snaps; ++s) ++per_device[rng_.Below(per_device.size())];
  for (size_t d = 0; d < per_device.size(); ++d) {
    HourOffsets(rng_, per_device[d], offsets);
    for (int64_t off : offsets) {
      Item item{hour_s + off, hour_s + off, {}};
      JsonObject o(item.text);
      o.Str("snapNo", c.face_cameras[d]).Str("areaNo", c.code).DateTime("snapTime", item.event_s);
      o.Str("snapSmallImage", Image()).Str("snapBigImage", Image());
      o.Close();
      snaps_.push_back(std::move(item));
    }
  }
  const StreamShape batch{.shape = BodyShape::kArray, .max_batch = 10};
  out.Stream(person_id_, persons_, batch);
  out.Stream(vehicle_id_, vehicles_, batch);
  out.Stream(snap_id_, snaps_, batch);
}

void CommunityGenerator::SendStatus(Community& c, int64_t hour_s, Emitter& out) {
  Request r;
  r.iface = status_id_;
  r.send_ms = r.ts_ms = LocalTime{hour_s + rng_.Between(0, 300)}.ToEpochMillis() + rng_.Between(0, 999);
  r.array_body = true;
  for (const auto* cameras : {&c.face_cameras, &c.barrier_cameras})
    for (const std::string& camera : *cameras) {
      std::string text;
      const double state = rng_.Unit();
      JsonObject(text)
          .Str("areaNo", c.code)
          .Str("deviceID", camera)
          .Str("isOnLine", state < 0.97   ? "1"
                           : state < 0.99 ? "2"
                                          : "9")
          .Str("deviceType", "1");
      r.objects.push_back(std::move(text));
    }
  out.Submit(std::move(r));
}

void CommunityGenerator::GenerateHour(int64_t hour_s, Emitter& out) {
  const bool status_hour = ((hour_s % kDayS) + kDayS) % kDayS / kHourS % 4 == 0;
  for (Community& c : communities_) {
    if (hour_s == world_.start_s) SendMasterData(c, hour_s, out);
    CommunityHour(c, hour_s, out);
    if (status_hour) SendStatus(c, hour_s, out);
  }
}

}  // namespace civicflow::datagen
