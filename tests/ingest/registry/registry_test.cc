// The spec registry against PLATFORMS.md: every interface named there is registered under its
// name and its HTTP path, the Keys table is honoured, and every table is internally consistent
// (keys resolve, lists have element fields, enum/format/range annotations fit the field type).
#include "ingest/registry/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/registry/interface_spec.h"

namespace civicflow::ingest {
namespace {

struct ExpectedInterface {
  Platform platform;
  std::string name;
  std::string method;
  std::string path;
};

std::string Label(Platform platform, std::string_view name) {
  return std::string(PlatformName(platform)) + "/" + std::string(name);
}

// Transcribed from PLATFORMS.md, section by section.
std::vector<ExpectedInterface> PlatformsMdInterfaces() {
  std::vector<ExpectedInterface> out;
  // 1. Fitness: GET /api/token, then POST /api/<interfaceName> for tables 1-35.
  out.push_back({Platform::kFitness, "token", "GET", "/api/token"});
  for (std::string_view name : {"syncVenueData",
                                "syncVenueDataGet",
                                "synccSecGenBasicData",
                                "syncSmartIndoorEquipBasicData",
                                "syncEquipVendorBasicData",
                                "syncBinocularFlowData",
                                "syncGatebrakeFlowData",
                                "syncGardScrnningcodeFlowData",
                                "syncFaceRecognitionFlowData",
                                "syncHumanFlowVerficationData",
                                "syncUserData",
                                "syncOrderData",
                                "syncCodeData",
                                "syncVerificationData",
                                "syncEventData",
                                "syncTeamData",
                                "syncParticipantData",
                                "syncCheckData",
                                "syncClassData",
                                "syncFitnessData",
                                "sync2ndGenFitPath",
                                "sync2ndGenFitPathPerson",
                                "syncSmartIndoorEquipFitPath",
                                "syncSmartIndoorEquipFitPathPerson",
                                "syncFitPathPersonExt",
                                "syncEnergyConsumptionData",
                                "syncWaterConsumptionData",
                                "syncGasConsumptionData",
                                "uploadFile",
                                "syncContestData",
                                "syncContestPeopleData"}) {
    out.push_back({Platform::kFitness, std::string(name), "POST", "/api/" + std::string(name)});
  }
  // 2. Parking: POST /dataReceive/v1/<code>; upstream list plus the two downstream calls.
  for (std::string_view name :
       {"login", "heartBeats", "parkInfo", "entranceExitInfo", "enterRecord", "exitRecord", "picture",
        "parkSpaceInfo", "parkCarInfo", "replenishCarInfo", "reservation", "cancelReservation"}) {
    out.push_back({Platform::kParking, std::string(name), "POST", "/dataReceive/v1/" + std::string(name)});
  }
  // 3. Community: POST /api/v1/<path>.
  for (std::string_view name : {"xq", "crk", "rk", "wyry", "ld", "fw", "gj", "zpj", "mjxt", "clxx", "cldz",
                                "stk/zpjl", "stk/rytxjl", "stk/cltxjl", "stk/sbzt"}) {
    out.push_back({Platform::kCommunity, std::string(name), "POST", "/api/v1/" + std::string(name)});
  }
  // 4. Ticketing: POST /getAccessToken and the calls (the type list is a GET in the spec's table A.7).
  out.push_back({Platform::kTicketing, "getAccessToken", "POST", "/getAccessToken"});
  out.push_back(
      {Platform::kTicketing, "standard/performance/type/list", "GET", "/standard/performance/type/list"});
  for (std::string_view name : {"standard/venue/list", "standard/venue/save", "performance/code",
                                "report/performance/update", "report/session/update", "report/inventory",
                                "report/ticket", "report/order", "report/refundOrder", "report/checking"}) {
    out.push_back({Platform::kTicketing, std::string(name), "POST", "/" + std::string(name)});
  }
  // 5. Orienteering: the session data plane under /client/v1.
  for (std::string_view name : {"session-uploads", "punches", "sessions/{session_id}/finish"}) {
    out.push_back({Platform::kOrienteering, std::string(name), "POST", "/client/v1/" + std::string(name)});
  }
  for (std::string_view name :
       {"sessions/{session_id}/result", "sessions/{session_id}/replay-summary",
        "sessions/{session_id}/gps-track", "sessions/{session_id}/heart-rate", "me/sessions"}) {
    out.push_back({Platform::kOrienteering, std::string(name), "GET", "/client/v1/" + std::string(name)});
  }
  return out;
}

TEST(RegistryTest, CoversEveryInterfaceOfPlatformsMd) {
  const Registry& registry = Registry::Get();
  const auto expected = PlatformsMdInterfaces();
  EXPECT_EQ(expected.size(), 32u + 12u + 15u + 12u + 8u);
  for (const ExpectedInterface& e : expected) {
    SCOPED_TRACE(Label(e.platform, e.name));
    const InterfaceSpec* by_name = registry.Find(e.platform, e.name);
    ASSERT_NE(by_name, nullptr) << "not registered";
    EXPECT_EQ(by_name->platform, e.platform);
    EXPECT_EQ(by_name->name, e.name);
    EXPECT_EQ(by_name->http_method, e.method);
    EXPECT_EQ(by_name->http_path, e.path);
    EXPECT_EQ(registry.FindByPath(e.method, e.path), by_name);
  }
}

// Interfaces beyond PLATFORMS.md are only the orienteering document's own auth and launch calls.
TEST(RegistryTest, HasNoInterfaceBeyondPlatformsMdExceptOrienteeringAuth) {
  std::set<std::pair<Platform, std::string>> expected;
  for (const ExpectedInterface& e : PlatformsMdInterfaces()) expected.insert({e.platform, e.name});
  for (const InterfaceSpec* spec : Registry::Get().All()) {
    if (expected.count({spec->platform, std::string(spec->name)})) continue;
    EXPECT_TRUE(spec->platform == Platform::kOrienteering && spec->direction == Direction::kAuth)
        << Label(spec->platform, spec->name) << " is not in PLATFORMS.md";
  }
}

TEST(RegistryTest, FindMissesUnknownNamesAndPaths) {
  const Registry& registry = Registry::Get();
  EXPECT_EQ(registry.Find(Platform::kParking, "syncVenueData"), nullptr);  // right name, wrong platform
  EXPECT_EQ(registry.Find(Platform::kFitness, "nosuch"), nullptr);
  EXPECT_EQ(registry.FindByPath("GET", "/dataReceive/v1/enterRecord"), nullptr);  // wrong method
  EXPECT_EQ(registry.FindByPath("POST", "/dataReceive/v1/enterRecord/"), nullptr);
  EXPECT_EQ(registry.FindByPath("POST", "/api/v1/nosuch"), nullptr);
}

TEST(RegistryTest, IdsAreDenseAndStable) {
  const Registry& registry = Registry::Get();
  ASSERT_FALSE(registry.All().empty());
  for (size_t i = 0; i < registry.All().size(); ++i) {
    const InterfaceSpec& spec = registry.At(static_cast<InterfaceId>(i));
    EXPECT_EQ(registry.IdOf(spec), i);
    EXPECT_EQ(registry.Find(spec.platform, spec.name), &spec);
  }
}

// ---- Structure of every entry ----

TEST(RegistryStructureTest, NamesAndPathsAreUnique) {
  std::map<std::pair<Platform, std::string_view>, int> names;
  std::map<std::pair<std::string_view, std::string_view>, int> paths;
  for (const InterfaceSpec* spec : Registry::Get().All()) {
    EXPECT_EQ((++names[{spec->platform, spec->name}]), 1)
        << "duplicate " << Label(spec->platform, spec->name);
    EXPECT_EQ((++paths[{spec->http_method, spec->http_path}]), 1)
        << "duplicate " << spec->http_method << " " << spec->http_path;
  }
}

TEST(RegistryStructureTest, PathsFollowEachPlatformsScheme) {
  const std::map<Platform, std::string_view> prefix = {{Platform::kFitness, "/api/"},
                                                       {Platform::kParking, "/dataReceive/v1/"},
                                                       {Platform::kCommunity, "/api/v1/"},
                                                       {Platform::kTicketing, "/"},
                                                       {Platform::kOrienteering, "/client/v1/"}};
  for (const InterfaceSpec* spec : Registry::Get().All()) {
    SCOPED_TRACE(Label(spec->platform, spec->name));
    EXPECT_TRUE(spec->http_method == "GET" || spec->http_method == "POST") << spec->http_method;
    EXPECT_EQ(spec->http_path, std::string(prefix.at(spec->platform)) + std::string(spec->name));
    EXPECT_FALSE(spec->title.empty());
  }
}

// A key names a record field (element fields first) or the envelope timestamp.
bool KeyResolves(const InterfaceSpec& spec, std::string_view key) {
  return key == kEnvelopeTs || FlatFieldIndex(spec, key) >= 0;
}

bool IsEventTimeType(FieldType type) {
  return type == FieldType::kDate || type == FieldType::kDateTime || type == FieldType::kDateMinute ||
         type == FieldType::kEpochMillis;
}

TEST(RegistryStructureTest, KeysResolveToFields) {
  for (const InterfaceSpec* spec : Registry::Get().All()) {
    SCOPED_TRACE(Label(spec->platform, spec->name));
    if (!spec->partition_key.empty()) {
      ASSERT_TRUE(KeyResolves(*spec, spec->partition_key)) << "partition_key " << spec->partition_key;
      if (spec->partition_key != kEnvelopeTs) {
        // A record without its partition key could not be routed consistently. Exception: the
        // heartbeat's parkCode, which civicflow fills from the session (absent, it cannot name a lot).
        const bool session_filled = spec->platform == Platform::kParking && spec->name == "heartBeats";
        EXPECT_EQ(FlatField(*spec, FlatFieldIndex(*spec, spec->partition_key)).presence,
                  session_filled ? Presence::kConditional : Presence::kMandatory)
            << "partition_key " << spec->partition_key;
      }
    }
    if (!spec->event_time.empty()) {
      ASSERT_TRUE(KeyResolves(*spec, spec->event_time)) << "event_time " << spec->event_time;
      if (spec->event_time != kEnvelopeTs) {
        const FieldSpec& field = FlatField(*spec, FlatFieldIndex(*spec, spec->event_time));
        EXPECT_TRUE(IsEventTimeType(field.type)) << "event_time " << field.name << " is not time-typed";
        EXPECT_EQ(field.presence, Presence::kMandatory) << "event_time " << field.name << " may be absent";
      }
    } else {
      EXPECT_EQ(spec->hour_rule, HourRule::kInstant) << "hour rule without an event time";
    }
    for (std::string_view key : spec->dedup_key) {
      if (!key.empty()) {
        EXPECT_TRUE(KeyResolves(*spec, key)) << "dedup_key " << key;
      }
    }
    // Keys are packed at the front: an empty slot ends the key.
    const auto first_empty = std::find(spec->dedup_key.begin(), spec->dedup_key.end(), std::string_view());
    EXPECT_TRUE(
        std::all_of(first_empty, spec->dedup_key.end(), [](std::string_view k) { return k.empty(); }));
  }
}

TEST(RegistryStructureTest, RecordListNamesAListWithElementFields) {
  int with_list = 0;
  for (const InterfaceSpec* spec : Registry::Get().All()) {
    SCOPED_TRACE(Label(spec->platform, spec->name));
    if (spec->record_list.empty()) {
      EXPECT_EQ(FlatFieldCount(*spec), spec->fields.size());
      continue;
    }
    ++with_list;
    const auto it = std::find_if(spec->fields.begin(), spec->fields.end(),
                                 [&](const FieldSpec& f) { return f.name == spec->record_list; });
    ASSERT_NE(it, spec->fields.end()) << "record_list " << spec->record_list << " is not a field";
    EXPECT_EQ(it->type, FieldType::kList);
    EXPECT_FALSE(it->children.empty());
    EXPECT_EQ(FlatFieldCount(*spec), spec->fields.size() + it->children.size());
    for (size_t i = 0; i < it->children.size(); ++i) {
      EXPECT_EQ(&FlatField(*spec, spec->fields.size() + i), &it->children[i]);
      EXPECT_EQ(FlatFieldIndex(*spec, it->children[i].name), static_cast<int>(spec->fields.size() + i));
    }
  }
  EXPECT_GE(with_list, 1);
}

// PLATFORMS.md: the ticketing reports carry their records in a list.
TEST(RegistryStructureTest, TicketingReportsAreFlattenedByTheirLists) {
  const std::pair<std::string_view, std::string_view> lists[] = {{"report/inventory", "priceList"},
                                                                 {"report/ticket", "ticketList"},
                                                                 {"report/order", "ticketOrderList"},
                                                                 {"report/refundOrder", "ticketOrderList"},
                                                                 {"report/checking", "ticketList"}};
  for (const auto& [name, list] : lists) {
    const InterfaceSpec* spec = Registry::Get().Find(Platform::kTicketing, name);
    ASSERT_NE(spec, nullptr) << name;
    EXPECT_EQ(spec->record_list, list) << name;
  }
}

std::vector<std::string_view> EnumAlternatives(std::string_view values) {
  std::vector<std::string_view> out;
  while (true) {
    const size_t bar = values.find('|');
    out.push_back(values.substr(0, bar));
    if (bar == std::string_view::npos) return out;
    values.remove_prefix(bar + 1);
  }
}

size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

bool IsInteger(FieldType t) {
  return t == FieldType::kInt || t == FieldType::kLong || t == FieldType::kEpochMillis;
}
bool IsNumeric(FieldType t) { return IsInteger(t) || t == FieldType::kDecimal || t == FieldType::kDouble; }
bool IsText(FieldType t) { return t == FieldType::kString || t == FieldType::kStringList; }

// Checks one field list (recursively) for annotations the validator would silently ignore.
void CheckFields(std::span<const FieldSpec> fields, const std::string& where) {
  std::set<std::string_view> names;
  for (const FieldSpec& f : fields) {
    SCOPED_TRACE(where + "." + std::string(f.name));
    EXPECT_FALSE(f.name.empty());
    EXPECT_TRUE(names.insert(f.name).second) << "field listed twice";
    const bool nested = f.type == FieldType::kList || f.type == FieldType::kObject;
    if (nested) {
      EXPECT_FALSE(f.children.empty()) << "list/object without element fields";
      CheckFields(f.children, where + "." + std::string(f.name));
    } else {
      EXPECT_TRUE(f.children.empty()) << "element fields on a scalar";
    }
    // The validator reads max_length only for text and integers, formats only for text (and region codes
    // on integers), enums only for text and integers, ranges only for numbers.
    if (f.max_length) {
      EXPECT_TRUE(IsText(f.type) || IsInteger(f.type)) << "max_length ignored";
    }
    if (f.format != Format::kNone) {
      EXPECT_TRUE(IsText(f.type) || (IsInteger(f.type) && f.format == Format::kRegionCode))
          << "format ignored";
    }
    if (f.format == Format::kHex32 || f.format == Format::kMd5Hex) {
      EXPECT_TRUE(f.max_length == 0 || f.max_length >= 32) << "32 hex digits cannot fit";
    }
    if (f.format == Format::kRegionCode && IsText(f.type)) {
      EXPECT_TRUE(f.max_length == 0 || f.max_length >= 6) << "a region code cannot fit";
    }
    if (f.min != kNoMin || f.max != kNoMax) {
      EXPECT_TRUE(IsNumeric(f.type)) << "range ignored";
      EXPECT_LE(f.min, f.max);
    }
    if (f.enum_values.empty()) continue;
    EXPECT_TRUE(f.type == FieldType::kString || f.type == FieldType::kInt || f.type == FieldType::kLong)
        << "enum ignored";
    std::set<std::string_view> seen;
    for (std::string_view alt : EnumAlternatives(f.enum_values)) {
      EXPECT_FALSE(alt.empty()) << "empty alternative in \"" << f.enum_values << "\"";
      EXPECT_TRUE(seen.insert(alt).second) << "alternative " << alt << " repeated";
      if (f.max_length) {
        EXPECT_LE(CodePoints(alt), f.max_length) << "alternative " << alt << " too long";
      }
      if (IsInteger(f.type)) {
        // Integers are compared in canonical decimal form, so "01" or " 1" could never match.
        int64_t v = 0;
        const auto [end, ec] = std::from_chars(alt.data(), alt.data() + alt.size(), v);
        EXPECT_TRUE(ec == std::errc() && end == alt.data() + alt.size() && std::to_string(v) == alt)
            << "alternative " << alt << " is not a canonical integer";
        EXPECT_TRUE(v >= f.min && v <= f.max) << "alternative " << alt << " outside the range";
      }
    }
  }
}

TEST(RegistryStructureTest, FieldAnnotationsFitTheirTypes) {
  for (const InterfaceSpec* spec : Registry::Get().All())
    CheckFields(spec->fields, Label(spec->platform, spec->name));
}

TEST(RegistryStructureTest, DirectionsAreSensible) {
  std::map<Direction, int> count;
  for (const InterfaceSpec* spec : Registry::Get().All()) {
    ++count[spec->direction];
    // Only uploads flow through dedup.
    if (spec->direction != Direction::kUpload) {
      EXPECT_TRUE(std::all_of(spec->dedup_key.begin(), spec->dedup_key.end(), [](std::string_view k) {
        return k.empty();
      })) << Label(spec->platform, spec->name);
    }
  }
  EXPECT_GT(count[Direction::kUpload], 0);
  EXPECT_GT(count[Direction::kQuery], 0);
  EXPECT_GT(count[Direction::kAuth], 0);
  const Registry& registry = Registry::Get();
  EXPECT_EQ(registry.Find(Platform::kFitness, "token")->direction, Direction::kAuth);
  EXPECT_EQ(registry.Find(Platform::kFitness, "syncVenueDataGet")->direction, Direction::kQuery);
  EXPECT_EQ(registry.Find(Platform::kParking, "login")->direction, Direction::kAuth);
  EXPECT_EQ(registry.Find(Platform::kParking, "heartBeats")->direction, Direction::kAuth);
  EXPECT_EQ(registry.Find(Platform::kParking, "replenishCarInfo")->direction, Direction::kQuery);
  EXPECT_EQ(registry.Find(Platform::kTicketing, "getAccessToken")->direction, Direction::kAuth);
}

// ---- The Keys table of PLATFORMS.md ----

struct KeyRow {
  Platform platform;
  std::string_view name;
  std::string_view partition;
  std::string_view event_time;
  HourRule hour_rule;
  std::vector<std::string_view> dedup;  // must all be part of the dedup key
};

const std::vector<KeyRow>& KeysTable() {
  static const std::vector<KeyRow> rows = {
      // Fitness hourly statistics: the interval is the hour before acqTime.
      {Platform::kFitness,
       "syncBinocularFlowData",
       "venueId",
       "acqTime",
       HourRule::kIntervalEnding,
       {"venueId", "deviceId", "acqTime"}},
      {Platform::kFitness,
       "syncFaceRecognitionFlowData",
       "venueId",
       "acqTime",
       HourRule::kIntervalEnding,
       {"venueId", "deviceId", "acqTime"}},
      {Platform::kFitness,
       "syncEnergyConsumptionData",
       "venueId",
       "acqTime",
       HourRule::kIntervalEnding,
       {"venueId", "deviceId", "acqTime"}},
      {Platform::kFitness,
       "syncWaterConsumptionData",
       "venueId",
       "acqTime",
       HourRule::kIntervalEnding,
       {"venueId", "deviceId", "acqTime"}},
      {Platform::kFitness,
       "syncGasConsumptionData",
       "venueId",
       "acqTime",
       HourRule::kIntervalEnding,
       {"venueId", "deviceId", "acqTime"}},
      // Fitness detail records count in the hour of their own time.
      {Platform::kFitness,
       "syncGatebrakeFlowData",
       "venueId",
       "admTime",
       HourRule::kInstant,
       {"venueId", "deviceId", "admTime"}},
      {Platform::kFitness,
       "syncGardScrnningcodeFlowData",
       "venueId",
       "admTime",
       HourRule::kInstant,
       {"venueId", "deviceId", "userId", "admTime"}},
      // Parking.
      {Platform::kParking, "enterRecord", "parkCode", "enterTime", HourRule::kInstant, {"parkCode", "id"}},
      {Platform::kParking, "exitRecord", "parkCode", "leaveTime", HourRule::kInstant, {"parkCode", "id"}},
      {Platform::kParking,
       "parkCarInfo",
       "parkCode",
       kEnvelopeTs,
       HourRule::kInstant,
       {"parkCode", kEnvelopeTs}},
      {Platform::kParking,
       "parkSpaceInfo",
       "parkCode",
       kEnvelopeTs,
       HourRule::kInstant,
       {"parkCode", kEnvelopeTs}},
      // Community stk/*: area, device, card/plate, time.
      {Platform::kCommunity,
       "stk/zpjl",
       "areaNo",
       "snapTime",
       HourRule::kInstant,
       {"areaNo", "snapNo", "snapTime"}},
      {Platform::kCommunity,
       "stk/rytxjl",
       "areaNo",
       "accessTime",
       HourRule::kInstant,
       {"areaNo", "accessControlNo", "cardNo", "accessTime"}},
      {Platform::kCommunity,
       "stk/cltxjl",
       "areaNo",
       "accessTime",
       HourRule::kInstant,
       {"areaNo", "gateNo", "carNo", "accessTime"}},
      // Ticketing.
      {Platform::kTicketing,
       "report/checking",
       "sessionCode",
       "checkingTime",
       HourRule::kInstant,
       {"ticketId", "checkingTime"}},
  };
  return rows;
}

TEST(RegistryKeysTest, HonoursThePlatformsMdKeysTable) {
  for (const KeyRow& row : KeysTable()) {
    SCOPED_TRACE(Label(row.platform, row.name));
    const InterfaceSpec* spec = Registry::Get().Find(row.platform, row.name);
    ASSERT_NE(spec, nullptr);
    EXPECT_EQ(spec->direction, Direction::kUpload);
    EXPECT_EQ(spec->partition_key, row.partition);
    EXPECT_EQ(spec->event_time, row.event_time);
    EXPECT_EQ(spec->hour_rule, row.hour_rule);
    for (std::string_view key : row.dedup) {
      EXPECT_NE(std::find(spec->dedup_key.begin(), spec->dedup_key.end(), key), spec->dedup_key.end())
          << "dedup key lacks " << key;
    }
  }
}

// stk/sbzt has no time of its own: the status holds as of the request, whose
// time (the server's clock when served) is no event time: it must not move a watermark.
TEST(RegistryKeysTest, DeviceStatusIsKeyedByAreaDeviceAndRequestTimeAndHasNoEventTime) {
  const InterfaceSpec* spec = Registry::Get().Find(Platform::kCommunity, "stk/sbzt");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->partition_key, "areaNo");
  EXPECT_TRUE(spec->event_time.empty()) << spec->event_time;
  EXPECT_NE(std::find(spec->dedup_key.begin(), spec->dedup_key.end(), kEnvelopeTs), spec->dedup_key.end());
  for (std::string_view key : {std::string_view("areaNo"), std::string_view("deviceID")}) {
    EXPECT_NE(std::find(spec->dedup_key.begin(), spec->dedup_key.end(), key), spec->dedup_key.end()) << key;
  }
}

// Every community passage record is partitioned by its community, like the rest of stk/*.
TEST(RegistryKeysTest, CommunityRecordsArePartitionedByCommunity) {
  for (const InterfaceSpec& spec : CommunityInterfaces()) {
    SCOPED_TRACE(spec.name);
    EXPECT_TRUE(spec.partition_key == "xqbm" || spec.partition_key == "areaNo") << spec.partition_key;
  }
}

}  // namespace
}  // namespace civicflow::ingest
