// Focused cases of the generic validator: request atomicity, exact decimals, integer widths, null,
// duplicate and unknown keys, plates and region codes, record_list flattening, envelope event time,
// dedup/content hashes and hour windows.
#include "ingest/registry/record_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/arena.h"
#include "ingest/record.h"
#include "ingest/registry/registry.h"

namespace civicflow::ingest {
namespace {

constexpr int64_t kTs = 1795168800000;  // 2026-11-20 18:00:00 +08:00

InterfaceId Id(Platform platform, std::string_view name) {
  const InterfaceSpec* spec = Registry::Get().Find(platform, name);
  EXPECT_NE(spec, nullptr) << name;
  return Registry::Get().IdOf(*spec);
}

const InterfaceSpec& Spec(InterfaceId id) { return Registry::Get().At(id); }

int Index(InterfaceId id, std::string_view field) {
  const int index = FlatFieldIndex(Spec(id), field);
  EXPECT_GE(index, 0) << field;
  return index;
}

// A JSON object as (key, raw JSON value) pairs, in order; keys may repeat.
using Fields = std::vector<std::pair<std::string, std::string>>;

std::string Str(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string Object(const Fields& fields) {
  std::string out = "{";
  for (const auto& [key, value] : fields) {
    if (out.size() > 1) out += ',';
    out += Str(key) + ":" + value;
  }
  return out + "}";
}

// `fields` with `key` set to `value` (replaced in place, or appended).
Fields With(Fields fields, std::string_view key, std::string value) {
  for (auto& [k, v] : fields) {
    if (k == key) {
      v = std::move(value);
      return fields;
    }
  }
  fields.emplace_back(std::string(key), std::move(value));
  return fields;
}

Fields Without(Fields fields, std::string_view key) {
  std::erase_if(fields, [&](const auto& kv) { return kv.first == key; });
  return fields;
}

Fields EnterRecord() {
  return {{"parkCode", Str("c492c59ab3b6eec618f2ba80974110e0")},
          {"id", Str("095d560a2a2ddc902834c14d431c5451")},
          {"plateNo", Str("粤B12345")},
          {"enterTime", Str("2026-11-20 18:00:00")},
          {"entryCarPhotoId", Str("NSKJY20261120000101")},
          {"entranceCode", Str("NQD001")},
          {"entranceName", Str("南七道入口")},
          {"carModel", "2"}};
}

Fields ExitRecord() {
  return {{"parkCode", Str("c492c59ab3b6eec618f2ba80974110e0")},
          {"id", Str("095d560a2a2ddc902834c14d431c5451")},
          {"plateNo", Str("粤B12345")},
          {"leaveTime", Str("2026-11-20 20:15:30")},
          {"exitCarPhotoId", Str("NSKJY20261120000102")},
          {"exitCode", Str("NQD001")}};
}

Fields ParkInfo() {
  return {{"parkName", Str("南山科技园停车场")},
          {"parkCode", Str("c492c59ab3b6eec618f2ba80974110e0")},
          {"parkType", "1"},
          {"address", Str("深圳市南山区")},
          {"longitude", "113.944"},
          {"latitude", "22.5271"},
          {"areaCode", Str("440305")},
          {"serviceType", "4"},
          {"bizStatus", "1"},
          {"totalSpaces", "420"},
          {"reservable", "1"},
          {"reservableSpaces", "50"},
          {"totalReservableCharingSpaces", "10"},
          {"imageId", Str("NSKJY20261120000001")}};
}

Fields HourlyFlow(std::string_view acq_time) {
  return {{"provinceId", "440000"},      {"cityId", "440300"},       {"districtId", "440305"},
          {"venueId", Str("440305001")}, {"acqTime", Str(acq_time)}, {"acqNumOfPeople", "128"},
          {"deviceId", Str("BINO-01")}};
}

Fields Consumption(std::string consumption) {
  return {{"provinceId", "440000"},
          {"cityId", "440300"},
          {"districtId", "440305"},
          {"venueId", Str("440305001")},
          {"acqTime", Str("2026-11-20 18:00:00")},
          {"consumption", std::move(consumption)},
          {"deviceId", Str("EM-01")}};
}

std::string CheckedTicket(std::string_view ticket_id, std::string_view time) {
  return Object({{"ticketId", Str(ticket_id)},
                 {"sessionId", Str("SS20261120001")},
                 {"priceId", Str("PR380")},
                 {"sessionCode", Str("440305001012026112001")},
                 {"checkingTime", Str(time)},
                 {"checkingType", "1"},
                 {"authType", "1"}});
}

std::string OrderTicket(std::string_view ticket_id, std::string_view session_code) {
  return Object({{"ticketOrderId", Str(std::string("OD1-") + std::string(ticket_id))},
                 {"performanceId", Str("PF20261120001")},
                 {"sessionId", Str("SS20261120001")},
                 {"sessionCode", Str(session_code)},
                 {"priceId", Str("PR380")},
                 {"ticketPrice", "38000"},
                 {"ticketId", Str(ticket_id)},
                 {"ticketOrderAmount", "38000"}});
}

// Parses with a fresh arena and output; keeps both for inspection.
class RecordParserTest : public testing::Test {
 protected:
  ParseOutcome Parse(InterfaceId id, const std::string& json, int64_t ts = kTs) {
    return ParseBodyText(id, json, ts, arena_, out_);
  }
  // The single record of a body that must validate.
  Record One(InterfaceId id, const std::string& json, int64_t ts = kTs) {
    out_.clear();
    const ParseOutcome outcome = Parse(id, json, ts);
    EXPECT_FALSE(outcome.error) << outcome.error->Message();
    EXPECT_EQ(out_.size(), 1u);
    return out_.empty() ? Record{} : out_.back();
  }
  // The error of a body that must be rejected.
  ValidationError Error(InterfaceId id, const std::string& json) {
    out_.clear();
    const ParseOutcome outcome = Parse(id, json);
    EXPECT_TRUE(outcome.error) << json;
    EXPECT_TRUE(out_.empty());
    return outcome.error.value_or(ValidationError{});
  }

  Arena arena_;
  std::vector<Record> out_;
  const InterfaceId enter_ = Id(Platform::kParking, "enterRecord");
  const InterfaceId exit_ = Id(Platform::kParking, "exitRecord");
  const InterfaceId park_info_ = Id(Platform::kParking, "parkInfo");
  const InterfaceId park_car_info_ = Id(Platform::kParking, "parkCarInfo");
  const InterfaceId binocular_ = Id(Platform::kFitness, "syncBinocularFlowData");
  const InterfaceId gate_ = Id(Platform::kFitness, "syncGatebrakeFlowData");
  const InterfaceId electricity_ = Id(Platform::kFitness, "syncEnergyConsumptionData");
  const InterfaceId water_ = Id(Platform::kFitness, "syncWaterConsumptionData");
  const InterfaceId checking_ = Id(Platform::kTicketing, "report/checking");
  const InterfaceId order_ = Id(Platform::kTicketing, "report/order");
};

// ---- Atomic requests ----

TEST_F(RecordParserTest, BadRecordInArrayRejectsTheWholeRequest) {
  const std::string good = Object(EnterRecord());
  const std::string bad = Object(With(EnterRecord(), "enterTime", Str("2026-02-30 10:00:00")));
  arena_.Allocate<char>(5);
  out_.resize(1);  // from an earlier request: must survive
  const Arena::Mark before = arena_.GetMark();

  // The third record (index 2) is bad: the two parsed before it are withdrawn.
  ParseOutcome outcome = Parse(enter_, "[" + good + "," + good + "," + bad + "]");
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.records, 3u);
  EXPECT_EQ(outcome.error->rule, Rule::kBadTime);
  EXPECT_EQ(outcome.error->record_index, 2u);
  EXPECT_EQ(outcome.error->field, "enterTime");
  EXPECT_EQ(outcome.error->interface, "parking/enterRecord");
  EXPECT_EQ(outcome.error->Message(),
            "parking/enterRecord[2].enterTime: bad_time (\"2026-02-30 10:00:00\" is not a valid yyyy-MM-dd "
            "HH:mm:ss time)");
  EXPECT_EQ(out_.size(), 1u);
  EXPECT_EQ(arena_.GetMark().block, before.block);
  EXPECT_EQ(arena_.GetMark().used, before.used);

  // The middle one (index 1).
  outcome = Parse(enter_, "[" + good + "," + bad + "," + good + "]");
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->record_index, 1u);
  EXPECT_EQ(out_.size(), 1u);
  EXPECT_EQ(arena_.GetMark().used, before.used);

  // The same arena and vector then take a valid request.
  outcome = Parse(enter_, "[" + good + "," + good + "," + good + "]");
  ASSERT_FALSE(outcome.error) << outcome.error->Message();
  ASSERT_EQ(out_.size(), 4u);
  for (uint32_t i = 0; i < 3; ++i) EXPECT_EQ(out_[i + 1].index, i);
  EXPECT_EQ(out_[1 + 2][Index(enter_, "plateNo")].AsText(), "粤B12345");
}

TEST_F(RecordParserTest, MalformedAndNonObjectBodies) {
  // Truncated JSON.
  ValidationError e = Error(enter_, Object(EnterRecord()).substr(0, 40));
  EXPECT_EQ(e.rule, Rule::kMalformedJson);
  // Not objects.
  e = Error(enter_, "[" + Object(EnterRecord()) + ",7]");
  EXPECT_EQ(e.rule, Rule::kNotAnObject);
  EXPECT_EQ(e.record_index, 1u);
  e = Error(enter_, "\"enterRecord\"");
  EXPECT_TRUE(e.rule == Rule::kNotAnObject || e.rule == Rule::kMalformedJson) << RuleName(e.rule);
}

// Text after the body is not ignored: `{..},{..}` without brackets must not acknowledge one record and
// silently drop the other.
TEST_F(RecordParserTest, TrailingContentAfterTheBodyIsRejected) {
  const std::string good = Object(EnterRecord());
  for (const std::string& body : {good + "," + good, good + "}", good + " x", "[" + good + "]]"}) {
    const ValidationError e = Error(enter_, body);
    EXPECT_EQ(e.rule, Rule::kMalformedJson) << body;
  }
}

// Every error names its interface as "platform/name", including one raised before parsing starts.
TEST_F(RecordParserTest, MalformedJsonErrorNamesPlatformAndInterface) {
  const ValidationError e = Error(enter_, "");
  EXPECT_EQ(e.rule, Rule::kMalformedJson);
  EXPECT_EQ(e.interface, "parking/enterRecord");
  EXPECT_EQ(e.Message().rfind("parking/enterRecord[0]: malformed_json", 0), 0u) << e.Message();
}

// ---- Decimals: fixed point, 6 decimals, exact ----

TEST_F(RecordParserTest, DecimalsAreExactFixedPoint) {
  const int consumption = Index(electricity_, "consumption");
  auto value = [&](std::string raw) {
    return One(electricity_, Object(Consumption(std::move(raw))))[consumption];
  };
  EXPECT_EQ(value(Str("12.50")).kind, Value::Kind::kDecimal);
  EXPECT_EQ(value(Str("12.50")).i, 12'500'000);
  EXPECT_EQ(value("12.50").i, 12'500'000);  // a JSON number, read from its text
  EXPECT_EQ(value("12.50 ").i, 12'500'000);
  EXPECT_EQ(value(Str("356.75")).i, 356'750'000);
  EXPECT_EQ(value(Str("0.000001")).i, 1);
  EXPECT_EQ(value(Str("0")).i, 0);
  EXPECT_EQ(value(Str("999999999999.999999")).i, 999'999'999'999'999'999);

  // Negative where the range allows it: a longitude.
  const InterfaceId equip = Id(Platform::kFitness, "syncSmartIndoorEquipBasicData");
  Fields equipment = {{"facilitiesName", Str("椭圆机")},
                      {"facilitiesId", Str("IE-1")},
                      {"provinceId", "440000"},
                      {"cityId", "440300"},
                      {"districtId", "440305"},
                      {"venueId", Str("V1")},
                      {"longitude", Str("-12.5")},
                      {"latitude", "22.5139"},
                      {"propOrg", Str("X")},
                      {"builtDate", Str("2024-03-01")},
                      {"facilitiesType", Str("Y")},
                      {"state", Str("1")}};
  EXPECT_EQ(One(equip, Object(equipment))[Index(equip, "longitude")].i, -12'500'000);
  EXPECT_EQ(One(equip, Object(equipment))[Index(equip, "latitude")].i, 22'513'900);
}

TEST_F(RecordParserTest, DecimalsRejectNegativeConsumptionExponentsAndText) {
  auto error = [&](std::string raw) { return Error(electricity_, Object(Consumption(std::move(raw)))); };
  EXPECT_EQ(error(Str("-1")).rule, Rule::kOutOfRange);  // consumption min 0
  EXPECT_EQ(error("-1").rule, Rule::kOutOfRange);
  EXPECT_EQ(error(Str("-1")).field, "consumption");
  for (std::string raw :
       {Str("1e3"), std::string("1e3"), Str("abc"), Str(""), Str("12."), Str(".5"), Str("1.1234567"),
        Str("1,5"), Str(" 12"), std::string("true"), std::string("[1]")}) {
    const ValidationError e = error(raw);
    EXPECT_EQ(e.rule, Rule::kWrongType) << raw;
    EXPECT_EQ(e.field, "consumption") << raw;
  }
}

// ---- Integer widths ----

TEST_F(RecordParserTest, IntIsThirtyTwoBits) {
  const int people = Index(binocular_, "acqNumOfPeople");
  const Fields flow = HourlyFlow("2026-11-20 18:00:00");
  EXPECT_EQ(One(binocular_, Object(With(flow, "acqNumOfPeople", "2147483647")))[people].i, 2147483647);
  ValidationError e = Error(binocular_, Object(With(flow, "acqNumOfPeople", "2147483648")));
  EXPECT_EQ(e.rule, Rule::kOutOfRange);
  EXPECT_EQ(e.field, "acqNumOfPeople");
  e = Error(binocular_, Object(With(flow, "acqNumOfPeople", "-1")));  // min 0
  EXPECT_EQ(e.rule, Rule::kOutOfRange);
  EXPECT_EQ(Error(binocular_, Object(With(flow, "acqNumOfPeople", "1.0"))).rule, Rule::kWrongType);
  EXPECT_EQ(Error(binocular_, Object(With(flow, "acqNumOfPeople", Str("128")))).rule, Rule::kWrongType);
  EXPECT_EQ(Error(binocular_, Object(With(flow, "acqNumOfPeople", "99999999999999999999"))).rule,
            Rule::kWrongType);  // beyond 64 bits

  // Long and epoch-millisecond fields take 64-bit values.
  const InterfaceId picture = Id(Platform::kParking, "picture");
  const Fields pic = {{"parkCode", Str("c492c59ab3b6eec618f2ba80974110e0")},
                      {"id", Str("NSKJY20261120000101")},
                      {"fileName", Str("f")},
                      {"imageBizType", "4"},
                      {"timestamp", "1795168805000"},
                      {"pickTime", "1795168800000"}};
  const Record r = One(picture, Object(pic));
  EXPECT_EQ(r[Index(picture, "timestamp")].i, 1795168805000);
  EXPECT_EQ(r.event_time, LocalTime::FromEpochMillis(1795168800000));
  EXPECT_EQ(r.event_time.ToString(), "2026-11-20 18:00:00");
}

// ---- null, duplicate and unknown keys ----

TEST_F(RecordParserTest, NullIsAbsent) {
  const Record r = One(enter_, Object(With(EnterRecord(), "carModel", "null")));
  EXPECT_FALSE(r[Index(enter_, "carModel")].present());
  EXPECT_EQ(r.content_hash, One(enter_, Object(Without(EnterRecord(), "carModel"))).content_hash);

  const ValidationError e = Error(enter_, Object(With(EnterRecord(), "enterTime", "null")));
  EXPECT_EQ(e.rule, Rule::kMissingMandatory);
  EXPECT_EQ(e.field, "enterTime");
  EXPECT_EQ(Error(enter_, Object(Without(EnterRecord(), "enterTime"))).rule, Rule::kMissingMandatory);
}

TEST_F(RecordParserTest, DuplicateKeyIsRejected) {
  Fields twice = EnterRecord();
  twice.emplace_back("plateNo", Str("粤B54321"));
  ValidationError e = Error(enter_, Object(twice));
  EXPECT_EQ(e.rule, Rule::kDuplicateField);
  EXPECT_EQ(e.field, "plateNo");

  // Inside a list element.
  const std::string ticket = CheckedTicket("TK1", "2026-11-20 18:42:05");
  const std::string doubled = ticket.substr(0, ticket.size() - 1) + ",\"ticketId\":\"TK2\"}";
  e = Error(checking_, "{\"ticketList\":[" + ticket + "," + doubled + "]}");
  EXPECT_EQ(e.rule, Rule::kDuplicateField);
  EXPECT_EQ(e.field, "ticketList[1].ticketId");
  EXPECT_EQ(e.record_index, 0u);
}

// A key is a duplicate even when its first occurrence was null.
TEST_F(RecordParserTest, DuplicateKeyAfterNullIsRejected) {
  Fields twice = With(EnterRecord(), "carModel", "null");
  twice.emplace_back("carModel", "3");
  const ValidationError e = Error(enter_, Object(twice));
  EXPECT_EQ(e.rule, Rule::kDuplicateField);
  EXPECT_EQ(e.field, "carModel");
}

TEST_F(RecordParserTest, UnknownFieldsAreIgnored) {
  const uint64_t plain = One(enter_, Object(EnterRecord())).content_hash;
  Fields extra = EnterRecord();
  extra.insert(extra.begin(), {"vendorExtension", "{\"a\":[1,2,{\"plateNo\":5}],\"b\":null}"});
  extra.emplace_back("zzz", "\"not in the spec\"");
  extra.emplace_back("enterTimeX", "[]");
  const Record r = One(enter_, Object(extra));
  EXPECT_EQ(r.content_hash, plain);
  EXPECT_EQ(r[Index(enter_, "plateNo")].AsText(), "粤B12345");
}

// ---- Strings: escapes, code points, string lists ----

TEST_F(RecordParserTest, StringsAreUnescapedAndCountedInCodePoints) {
  // \u7ca4 is 粤.
  const Record r = One(enter_, Object(With(EnterRecord(), "plateNo", "\"\\u7ca4B12345\"")));
  EXPECT_EQ(r[Index(enter_, "plateNo")].AsText(), "粤B12345");
  // bookCode: max_length 32; 32 CJK characters are 96 bytes.
  std::string cjk;
  for (int i = 0; i < 32; ++i) cjk += "测";
  EXPECT_TRUE(
      One(enter_, Object(With(EnterRecord(), "bookCode", Str(cjk))))[Index(enter_, "bookCode")].present());
  const ValidationError e = Error(enter_, Object(With(EnterRecord(), "bookCode", Str(cjk + "a"))));
  EXPECT_EQ(e.rule, Rule::kTooLong);
  EXPECT_EQ(e.field, "bookCode");
}

TEST_F(RecordParserTest, StringListElementErrorsNameTheElement) {
  const Record r = One(park_info_, Object(With(ParkInfo(), "photoIds", "[\"P1\",\"P2\"]")));
  const Value& photos = r[Index(park_info_, "photoIds")];
  ASSERT_EQ(photos.kind, Value::Kind::kList);
  ASSERT_EQ(photos.size, 2u);
  EXPECT_EQ(photos.rows[1].AsText(), "P2");

  const ValidationError e = Error(park_info_, Object(With(ParkInfo(), "photoIds", "[\"P1\",2]")));
  EXPECT_EQ(e.rule, Rule::kWrongType);
  EXPECT_EQ(e.field, "photoIds[1]");
}

// ---- Formats ----

TEST_F(RecordParserTest, PlateFormat) {
  for (std::string_view plate : {"粤B12345", "粤BD12345", "粤B123456", "京AF0236", "粤B1234学"}) {
    EXPECT_TRUE(
        One(enter_, Object(With(EnterRecord(), "plateNo", Str(plate))))[Index(enter_, "plateNo")].present())
        << plate;
  }
  for (std::string_view plate :
       {"粤b12345", "B12345", "粤B1234", "粤B1234567", "粤B12345 ", "粤-12345", ""}) {
    const ValidationError e = Error(enter_, Object(With(EnterRecord(), "plateNo", Str(plate))));
    EXPECT_EQ(e.rule, Rule::kBadFormat) << plate;
    EXPECT_EQ(e.field, "plateNo") << plate;
  }
}

TEST_F(RecordParserTest, RegionCodes) {
  // As a string (parking areaCode).
  EXPECT_EQ(One(park_info_, Object(ParkInfo()))[Index(park_info_, "areaCode")].AsText(), "440305");
  ValidationError e = Error(park_info_, Object(With(ParkInfo(), "areaCode", Str("440399"))));
  EXPECT_EQ(e.rule, Rule::kUnknownRegion);
  EXPECT_EQ(e.field, "areaCode");
  for (std::string_view bad : {"44030X", "4403050", "44030", ""}) {
    EXPECT_EQ(Error(park_info_, Object(With(ParkInfo(), "areaCode", Str(bad)))).rule, Rule::kBadFormat)
        << bad;
  }
  // As an integer (fitness districtId).
  const Fields flow = HourlyFlow("2026-11-20 18:00:00");
  EXPECT_EQ(One(binocular_, Object(flow))[Index(binocular_, "districtId")].i, 440305);
  e = Error(binocular_, Object(With(flow, "districtId", "440399")));
  EXPECT_EQ(e.rule, Rule::kUnknownRegion);
  EXPECT_EQ(e.field, "districtId");
  EXPECT_EQ(Error(binocular_, Object(With(flow, "provinceId", "0"))).rule, Rule::kUnknownRegion);
}

TEST_F(RecordParserTest, Hex32Format) {
  ValidationError e =
      Error(enter_, Object(With(EnterRecord(), "parkCode", Str("c492c59ab3b6eec618f2ba80974110e"))));
  EXPECT_EQ(e.rule, Rule::kBadFormat);
  EXPECT_EQ(e.field, "parkCode");
  e = Error(enter_, Object(With(EnterRecord(), "id", Str("095d560a2a2ddc902834c14d431c545g"))));
  EXPECT_EQ(e.rule, Rule::kBadFormat);
  EXPECT_EQ(e.field, "id");
  EXPECT_TRUE(One(enter_, Object(With(EnterRecord(), "id",
                                      Str("095D560A2A2DDC902834C14D431C5451"))))[Index(enter_, "id")]
                  .present());
}

// ---- record_list flattening ----

TEST_F(RecordParserTest, CheckingFlattensOneRecordPerTicket) {
  const std::string body = "{\"ticketList\":[" + CheckedTicket("TK1", "2026-11-20 18:42:05") + "," +
                           CheckedTicket("TK2", "2026-11-20 18:43:00") + "," +
                           CheckedTicket("TK3", "2026-11-20 19:01:59") + "]}";
  const ParseOutcome outcome = Parse(checking_, body);
  ASSERT_FALSE(outcome.error) << outcome.error->Message();
  EXPECT_EQ(outcome.records, 1u);  // one body object ...
  ASSERT_EQ(out_.size(), 3u);      // ... three records
  const InterfaceSpec& spec = Spec(checking_);
  EXPECT_EQ(FlatFieldCount(spec), 1u + 7u);
  const int list = Index(checking_, "ticketList"), ticket = Index(checking_, "ticketId");
  const int session = Index(checking_, "sessionCode");
  EXPECT_GE(ticket, 1);  // element fields follow the parent's
  const char* ids[] = {"TK1", "TK2", "TK3"};
  const char* times[] = {"2026-11-20 18:42:05", "2026-11-20 18:43:00", "2026-11-20 19:01:59"};
  for (size_t i = 0; i < 3; ++i) {
    const Record& r = out_[i];
    SCOPED_TRACE(ids[i]);
    EXPECT_EQ(r.interface, checking_);
    EXPECT_EQ(r.index, 0u);  // all from body record 0
    EXPECT_FALSE(r[list].present());
    EXPECT_EQ(r[ticket].AsText(), ids[i]);
    EXPECT_EQ(r[session].AsText(), "440305001012026112001");
    EXPECT_EQ(r.event_time.ToString(), times[i]);
    EXPECT_EQ(r.partition_hash, out_[0].partition_hash);  // same sessionCode
    EXPECT_NE(r.dedup_key, 0u);
  }
  EXPECT_NE(out_[0].dedup_key, out_[1].dedup_key);
  EXPECT_NE(out_[1].dedup_key, out_[2].dedup_key);
  EXPECT_NE(out_[0].dedup_key, out_[2].dedup_key);

  // The same ticket checked at the same time is the same key; at another time, another check.
  const auto key_of = [&](std::string_view id, std::string_view time) {
    out_.clear();
    EXPECT_FALSE(Parse(checking_, "{\"ticketList\":[" + CheckedTicket(id, time) + "]}").error);
    return out_.at(0).dedup_key;
  };
  EXPECT_EQ(key_of("TK1", "2026-11-20 18:42:05"), key_of("TK1", "2026-11-20 18:42:05"));
  EXPECT_NE(key_of("TK1", "2026-11-20 18:42:05"), key_of("TK1", "2026-11-20 18:50:00"));
}

TEST_F(RecordParserTest, CheckingErrorInThirdTicketNamesItsPath) {
  const std::string body = "{\"ticketList\":[" + CheckedTicket("TK1", "2026-11-20 18:42:05") + "," +
                           CheckedTicket("TK2", "2026-11-20 18:43:00") + "," +
                           CheckedTicket("TK3", "2026-11-20 25:00:00") + "]}";
  const ValidationError e = Error(checking_, body);
  EXPECT_EQ(e.rule, Rule::kBadTime);
  EXPECT_EQ(e.record_index, 0u);
  EXPECT_EQ(e.field, "ticketList[2].checkingTime");
  EXPECT_EQ(e.Message().rfind("ticketing/report/checking[0].ticketList[2].checkingTime: bad_time", 0), 0u)
      << e.Message();
}

TEST_F(RecordParserTest, OrderElementsSeeTheirParentFields) {
  const Fields order = {{"orderId", Str("OD1")},
                        {"orderTime", Str("2026-11-18 10:15:32")},
                        {"channelType", "1"},
                        {"channelName", Str("官方小程序")},
                        {"ticketNum", "3"},
                        {"totalAmount", "114000"},
                        {"ticketType", "1"},
                        {"ticketMode", "2"},
                        {"authMode", "3"},
                        {"ticketOrderList", "[" + OrderTicket("TK1", "440305001012026112001") + "," +
                                                OrderTicket("TK2", "440305001012026112001") + "," +
                                                OrderTicket("TK3", "440305001012026112002") + "]"}};
  ASSERT_FALSE(Parse(order_, Object(order)).error);
  ASSERT_EQ(out_.size(), 3u);
  const int order_id = Index(order_, "orderId"), channel = Index(order_, "channelName");
  const int ticket = Index(order_, "ticketId");
  EXPECT_LT(order_id, static_cast<int>(Spec(order_).fields.size()));  // a parent field
  EXPECT_GE(ticket, static_cast<int>(Spec(order_).fields.size()));    // an element field
  for (const Record& r : out_) {
    EXPECT_EQ(r[order_id].AsText(), "OD1");
    EXPECT_EQ(r[channel].AsText(), "官方小程序");
    EXPECT_EQ(r.event_time.ToString(), "2026-11-18 10:15:32");  // the parent's orderTime
  }
  EXPECT_EQ(out_[2][ticket].AsText(), "TK3");
  // Partitioned by each element's sessionCode; deduplicated by (orderId, ticketOrderId).
  EXPECT_EQ(out_[0].partition_hash, out_[1].partition_hash);
  EXPECT_NE(out_[0].partition_hash, out_[2].partition_hash);
  EXPECT_NE(out_[0].dedup_key, out_[1].dedup_key);
}

// ---- Event time, keys and hashes ----

TEST_F(RecordParserTest, ParkCarInfoTakesItsEventTimeFromTheEnvelope) {
  const std::string body = Object({{"parkCode", Str("c492c59ab3b6eec618f2ba80974110e0")},
                                   {"plateNoList", Str("粤BPQR123, 粤BLMN456,粤BZXW789")}});
  const int64_t ts = kTs + 3'600'000 + 250;  // 19:00:00.250
  const Record r = One(park_car_info_, body, ts);
  EXPECT_EQ(r.event_time, LocalTime::FromEpochMillis(ts));
  EXPECT_EQ(r.event_time.ToString(), "2026-11-20 19:00:00");
  EXPECT_EQ(r.request_ts_ms, ts);
  // The envelope time is part of the key: the next hourly list is another record.
  EXPECT_EQ(One(park_car_info_, body, ts).dedup_key, r.dedup_key);
  EXPECT_NE(One(park_car_info_, body, ts + 3'600'000).dedup_key, r.dedup_key);
  EXPECT_EQ(One(park_car_info_, body, ts + 3'600'000).partition_hash, r.partition_hash);
}

TEST_F(RecordParserTest, DedupKeyAndContentHash) {
  const Record a = One(enter_, Object(EnterRecord()));
  const Record b = One(enter_, Object(EnterRecord()), kTs + 5000);  // a resend
  EXPECT_NE(a.dedup_key, 0u);
  EXPECT_EQ(a.dedup_key, b.dedup_key);
  EXPECT_EQ(a.content_hash, b.content_hash);
  EXPECT_EQ(a.partition_hash, b.partition_hash);

  // Same key, other content: a correction.
  const Record corrected = One(enter_, Object(With(EnterRecord(), "entranceName", Str("北门"))));
  EXPECT_EQ(corrected.dedup_key, a.dedup_key);
  EXPECT_NE(corrected.content_hash, a.content_hash);
  const Record later = One(enter_, Object(With(EnterRecord(), "enterTime", Str("2026-11-20 18:00:01"))));
  EXPECT_EQ(later.dedup_key, a.dedup_key);
  EXPECT_NE(later.content_hash, a.content_hash);

  // Another key field: another record.
  const Record other =
      One(enter_, Object(With(EnterRecord(), "id", Str("195d560a2a2ddc902834c14d431c5451"))));
  EXPECT_NE(other.dedup_key, a.dedup_key);
  EXPECT_EQ(other.partition_hash, a.partition_hash);
  const Record other_lot =
      One(enter_, Object(With(EnterRecord(), "parkCode", Str("d492c59ab3b6eec618f2ba80974110e0"))));
  EXPECT_NE(other_lot.dedup_key, a.dedup_key);
  EXPECT_NE(other_lot.partition_hash, a.partition_hash);

  // The interface is part of the key: an exit shares its enter record's id.
  const Record exit = One(exit_, Object(ExitRecord()));
  EXPECT_NE(exit.dedup_key, a.dedup_key);
  EXPECT_EQ(exit.partition_hash, a.partition_hash);  // same lot, same shard

  // ... and so is the kind of an energy reading.
  const Record electricity = One(electricity_, Object(Consumption(Str("1.5"))));
  const Record water = One(water_, Object(Consumption(Str("1.5"))));
  EXPECT_NE(electricity.dedup_key, water.dedup_key);
  EXPECT_EQ(electricity.partition_hash, water.partition_hash);
}

TEST_F(RecordParserTest, HourStartFollowsTheHourRule) {
  struct Case {
    const char* acq_time;
    const char* hour_start;
  };
  // Interval ending: acqTime 18:00:00 labels 17:00-18:00.
  for (const Case& c : {Case{"2026-11-20 18:00:00", "2026-11-20 17:00:00"},
                        Case{"2026-11-20 18:30:00", "2026-11-20 17:00:00"},
                        Case{"2026-11-21 00:00:00", "2026-11-20 23:00:00"}}) {
    const Record r = One(binocular_, Object(HourlyFlow(c.acq_time)));
    EXPECT_EQ(r.event_time.ToString(), c.acq_time);
    EXPECT_EQ(HourStart(Spec(binocular_), r.event_time).ToString(), c.hour_start) << c.acq_time;
  }
  // Instant: a gate passage counts in the hour that contains it.
  const Fields gate = {{"provinceId", "440000"},     {"cityId", "440300"},
                       {"districtId", "440305"},     {"venueId", Str("440305001")},
                       {"deviceId", Str("GATE-01")}, {"admTime", Str("2026-11-20 17:42:10")}};
  const Record r = One(gate_, Object(gate));
  EXPECT_EQ(HourStart(Spec(gate_), r.event_time).ToString(), "2026-11-20 17:00:00");
  EXPECT_EQ(HourStart(Spec(gate_), LocalTime::FromEpochMillis(kTs)).ToString(), "2026-11-20 18:00:00");
}

}  // namespace
}  // namespace civicflow::ingest
