#include "ingest/platforms/ticketing/http_adapter.h"

#include <simdjson.h>

#include <algorithm>

#include "engine/base/json_escape.h"
#include "ingest/http/account_state.h"
#include "ingest/http/query_record.h"
#include "ingest/http/reply_parts.h"
#include "ingest/http/same_secret.h"

namespace civicflow::ingest::http {
namespace {

// Reply codes (spec tables A.1, A.2).
constexpr int kOk = 200;
constexpr int kBadParameters = 4000;
constexpr int kTokenInvalid = 4200;
constexpr int kSystemError = 5000;

constexpr uint32_t kDefaultPageSize = 10;

// Table A.8 rows. The scan lost the list itself; this one is the project's,
// numbered like the spec's sample (typeId 1001 under first-level 10).
struct PerformanceType {
  int type_id;
  std::string_view name;
  int parent_type_id;  // 0 for a first-level type
};
constexpr PerformanceType kPerformanceTypes[] = {
    {10, "音乐", 0},      {1001, "音乐会", 10},   {1002, "演唱会", 10}, {1003, "音乐节", 10},
    {11, "戏剧", 0},      {1101, "话剧", 11},     {1102, "歌剧", 11},   {1103, "音乐剧", 11},
    {1104, "儿童剧", 11}, {12, "戏曲", 0},        {1201, "京剧", 12},   {1202, "地方戏曲", 12},
    {13, "舞蹈", 0},      {1301, "芭蕾舞", 13},   {1302, "民族舞", 13}, {1303, "现代舞", 13},
    {14, "曲艺", 0},      {1401, "相声", 14},     {1402, "评书", 14},   {1403, "脱口秀", 14},
    {15, "杂技", 0},      {1501, "杂技", 15},     {1502, "魔术", 15},   {1503, "马戏", 15},
    {16, "综艺", 0},      {1601, "综艺晚会", 16}, {19, "其他", 0},      {1901, "其他演出", 19},
};

std::string PerformanceTypesJson() {
  std::string out = "[";
  for (const PerformanceType& type : kPerformanceTypes) {
    if (out.size() > 1) out += ',';
    out += "{\"typeId\":" + std::to_string(type.type_id) + ",\"typeName\":";
    AppendJsonString(out, type.name);
    out += ",\"parentTypeId\":" + std::to_string(type.parent_type_id) +
           ",\"level\":" + (type.parent_type_id == 0 ? "1" : "2") + "}";
  }
  return out + "]";
}

// {"code":code,"msg":message,"success":code==200,"data":data}
void Send(Exchange& exchange, int code, std::string_view message, std::string_view data = "null") {
  exchange.status = 200;
  exchange.content_type = "application/json;charset=UTF-8";
  exchange.reply.clear();
  exchange.reply += "{\"code\":";
  exchange.reply += std::to_string(code);
  exchange.reply += ",\"msg\":";
  AppendJsonString(exchange.reply, message);
  exchange.reply += code == kOk ? ",\"success\":true,\"data\":" : ",\"success\":false,\"data\":";
  exchange.reply += data;
  exchange.reply += '}';
  exchange.reply_code = std::to_string(code);
  exchange.Finish();
}

// The ticketing interface at `path`; nullptr when there is none.
const InterfaceSpec* SpecOf(std::string_view path) {
  if (!path.starts_with('/')) return nullptr;
  const InterfaceSpec* spec = Registry::Get().Find(Platform::kTicketing, path.substr(1));
  return spec != nullptr && spec->http_path == path ? spec : nullptr;
}

std::string QualifiedName(const InterfaceSpec& spec) { return "ticketing/" + std::string(spec.name); }

// Reads the top-level "accessToken" of a JSON object body into `token` (left
// empty when absent or not a string) and overwrites its characters in the
// body with '*'. Fails when the body is not a JSON object.
std::optional<ValidationError> TakeAccessToken(const InterfaceSpec& spec, std::string& body,
                                               std::string& token) {
  thread_local simdjson::ondemand::parser parser;
  body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  simdjson::ondemand::document document;
  simdjson::ondemand::object object;
  simdjson::ondemand::value value;
  auto error =
      parser.iterate(simdjson::padded_string_view(body.data(), body.size(), body.capacity())).get(document);
  if (!error) error = document.get_object().get(object);
  if (!error) error = object.find_field_unordered("accessToken").get(value);
  if (error == simdjson::NO_SUCH_FIELD) return std::nullopt;
  if (error)
    return ValidationError{error == simdjson::INCORRECT_TYPE ? Rule::kNotAnObject : Rule::kMalformedJson,
                           QualifiedName(spec),
                           0,
                           {},
                           "the body must be one JSON object"};
  const std::string_view raw = value.raw_json_token();
  std::string_view text;
  if (value.get_string().get(text)) return std::nullopt;
  token = text;
  // Mask only a token written without escapes: exactly `"<token>"` in the body.
  if (raw.size() >= text.size() + 2 && raw[0] == '"' && raw.substr(1, text.size()) == text)
    std::fill_n(body.begin() + (raw.data() - body.data()) + 1, text.size(), '*');
  return std::nullopt;
}

void AppendVenue(std::string& out, const VenueDirectory::Venue& venue) {
  out += "{\"venueCode\":";
  AppendJsonString(out, venue.code);
  out += ",\"venueName\":";
  AppendJsonString(out, venue.name);
  out += ",\"hallNum\":" + std::to_string(venue.halls.size());
  out += ",\"provinceId\":" + std::to_string(venue.province_id);
  out += ",\"cityId\":" + std::to_string(venue.city_id);
  out += ",\"districtId\":" + std::to_string(venue.district_id);
  out += ",\"venueAddress\":";
  AppendJsonString(out, venue.address);
  out += ",\"hallList\":[";
  for (size_t i = 0; i < venue.halls.size(); ++i) {
    const VenueDirectory::Hall& hall = venue.halls[i];
    out += i == 0 ? "{\"hallName\":" : ",{\"hallName\":";
    AppendJsonString(out, hall.name);
    out += ",\"hallCode\":";
    AppendJsonString(out, hall.code);
    out += ",\"hasSeat\":" + std::to_string(hall.has_seat);
    if (hall.seat_num) out += ",\"seatNum\":" + std::to_string(*hall.seat_num);
    if (hall.seating_capacity) out += ",\"seatingCapacity\":" + std::to_string(*hall.seating_capacity);
    out += ",\"enableState\":1}";
  }
  out += "]}";
}

std::optional<int64_t> IntOf(const Value& value) {
  return value.kind == Value::Kind::kInt ? std::optional<int64_t>(value.i) : std::nullopt;
}

}  // namespace

TicketingAdapter::TicketingAdapter(const std::vector<TicketingAccount>& accounts,
                                   const AdapterContext& context)
    : accounts_(accounts),
      context_(context),
      tokens_(context.clock, context.token_lifetime_ms, accounts.size()) {
  for (size_t i = 0; i < accounts_.size(); ++i) account_by_app_id_.emplace(accounts_[i].app_id, i);
}

void TicketingAdapter::SaveState(StateWriter& out) const {
  out.Section(PlatformName(Platform::kTicketing));
  PutAccountNames(out, accounts_, [](const TicketingAccount& account) { return account.app_id; });
  tokens_.SaveState(out);
  venues_.SaveState(out);
  sessions_.SaveState(out);
}

void TicketingAdapter::LoadState(StateReader& in) {
  in.Section(PlatformName(Platform::kTicketing));
  const AccountMap accounts =
      ReadAccountMap(in, accounts_, [](const TicketingAccount& account) { return account.app_id; });
  if (in.failed()) return;
  tokens_.LoadState(in, accounts);
  if (in.failed()) return;
  venues_.LoadState(in);
  if (in.failed()) return;
  sessions_.LoadState(in);
}

size_t TicketingAdapter::BodyLimit(std::string_view) const { return kBodyLimit; }

void TicketingAdapter::RejectOversize(Exchange& exchange) {
  if (const InterfaceSpec* spec = SpecOf(exchange.path); spec != nullptr)
    exchange.interface_id = Registry::Get().IdOf(*spec);
  Send(exchange, kBadParameters,
       "request body too large: at most " + std::to_string(kBodyLimit) + " bytes on " +
           std::string(exchange.path));
}

void TicketingAdapter::Handle(Exchange& exchange) {
  const std::string_view path = exchange.path;
  const InterfaceSpec* spec = SpecOf(path);
  if (spec == nullptr) return Send(exchange, kBadParameters, "unknown interface " + std::string(path));
  exchange.interface_id = Registry::Get().IdOf(*spec);
  if (MethodName(exchange.method) != spec->http_method)
    return Send(exchange, kBadParameters,
                "method " + std::string(MethodName(exchange.method)) + " not allowed on " +
                    std::string(path) + ": use " + std::string(spec->http_method));
  if (spec->direction == Direction::kAuth) return IssueToken(exchange, *spec);
  if (!Authenticate(exchange, *spec)) return;
  if (spec->direction == Direction::kUpload) return Upload(exchange, *spec);
  if (spec->name == "standard/performance/type/list") {
    static const std::string types = PerformanceTypesJson();
    return Send(exchange, kOk, "success", types);
  }
  if (spec->name == "standard/venue/list") return ListVenues(exchange, *spec);
  if (spec->name == "standard/venue/save") return SaveVenue(exchange, *spec);
  RegisterPerformance(exchange, *spec);
}

void TicketingAdapter::IssueToken(Exchange& exchange, const InterfaceSpec& spec) {
  QueryRecord query;
  if (auto error = query.Parse(spec, exchange.body)) {
    error->detail.clear();  // it could quote the secret
    return Send(exchange, kBadParameters, error->Message());
  }
  const auto it = account_by_app_id_.find(std::string(query["appId"].AsText()));
  if (it == account_by_app_id_.end() || !SameSecret(accounts_[it->second].secret, query["secret"].AsText()))
    return Send(exchange, kBadParameters, "appId or secret invalid");
  const std::string data = "{\"accessToken\":\"" + tokens_.Issue(it->second) +
                           "\",\"expiresIn\":" + std::to_string(tokens_.lifetime_ms() / 1000) + "}";
  Send(exchange, kOk, "success", data);
}

bool TicketingAdapter::Authenticate(Exchange& exchange, const InterfaceSpec& spec) {
  std::string token;
  const bool bodiless = exchange.body.find_first_not_of(" \t\r\n") == std::string::npos;
  if (exchange.method == Method::kGet && bodiless) {
    token = exchange.QueryParam("accessToken");
  } else if (auto error = TakeAccessToken(spec, exchange.body, token)) {
    Send(exchange, kBadParameters, error->Message());
    return false;
  }
  if (token.empty()) {
    Send(exchange, kTokenInvalid, "accessToken missing: get one from /getAccessToken");
    return false;
  }
  if (!tokens_.Check(token)) {
    Send(exchange, kTokenInvalid, "accessToken invalid or expired: get a new one from /getAccessToken");
    return false;
  }
  return true;
}

void TicketingAdapter::Upload(Exchange& exchange, const InterfaceSpec& spec) {
  auto error = context_.submitter.Submit(
      Registry::Get().IdOf(spec), exchange.body, exchange.received_ms,
      [&exchange](const SubmitOutcome& outcome) {
        if (!outcome.stored) {
          exchange.storage_failed = true;
          return Send(exchange, kSystemError, kNotStored, "null");
        }
        const bool duplicate = outcome.records > 0 && outcome.duplicates == outcome.records;
        Send(exchange, kOk, duplicate ? "duplicate: every record was received before" : "success", "true");
      });
  if (error) Send(exchange, kBadParameters, error->Message());
}

void TicketingAdapter::ListVenues(Exchange& exchange, const InterfaceSpec& spec) {
  QueryRecord query;
  if (auto error = query.Parse(spec, exchange.body)) return Send(exchange, kBadParameters, error->Message());
  VenueDirectory::Filter filter{IntOf(query["provinceId"]), IntOf(query["cityId"]),
                                IntOf(query["districtId"]), std::string(query["venueName"].AsText())};
  const auto page_no = static_cast<uint32_t>(IntOf(query["pageNo"]).value_or(1));
  const auto page_size = static_cast<uint32_t>(IntOf(query["pageSize"]).value_or(kDefaultPageSize));
  const VenueDirectory::Page page = venues_.List(filter, page_no, page_size);
  std::string data = "{\"dataList\":[";
  for (size_t i = 0; i < page.venues.size(); ++i) {
    if (i > 0) data += ',';
    AppendVenue(data, page.venues[i]);
  }
  data += "],\"page\":" + std::to_string(page_no) + ",\"pageSize\":" + std::to_string(page_size) +
          ",\"totalRow\":" + std::to_string(page.total) + "}";
  Send(exchange, kOk, "success", data);
}

void TicketingAdapter::SaveVenue(Exchange& exchange, const InterfaceSpec& spec) {
  QueryRecord query;
  if (auto error = query.Parse(spec, exchange.body)) return Send(exchange, kBadParameters, error->Message());
  VenueDirectory::Save save;
  if (!query["venueCode"].AsText().empty()) save.venue_code = std::string(query["venueCode"].AsText());
  save.province_id = query["provinceId"].i;
  save.city_id = query["cityId"].i;
  save.district_id = query["districtId"].i;
  save.name = query["venueName"].AsText();
  save.address = query["venueAddress"].AsText();
  if (query["hasHall"].i == 1) {
    if (query["hallName"].AsText().empty())
      return Send(exchange, kBadParameters,
                  ValidationError{Rule::kMissingMandatory, QualifiedName(spec), 0, "hallName",
                                  "required when hasHall is 1"}
                      .Message());
    save.hall = VenueDirectory::Hall{std::string(query["hallName"].AsText()),
                                     {},
                                     query["hasSeat"].i,
                                     IntOf(query["seatNum"]),
                                     IntOf(query["seatingCapacity"])};
  }
  const Result<VenueDirectory::Codes> codes = venues_.Store(save);
  if (!codes.ok()) return Send(exchange, kBadParameters, codes.status().message());
  std::string data = "{\"venueCode\":";
  AppendJsonString(data, codes.value().venue_code);
  if (!codes.value().hall_code.empty()) {
    data += ",\"hallCode\":";
    AppendJsonString(data, codes.value().hall_code);
  }
  Send(exchange, kOk, "success", data + "}");
}

void TicketingAdapter::RegisterPerformance(Exchange& exchange, const InterfaceSpec& spec) {
  QueryRecord query;
  if (auto error = query.Parse(spec, exchange.body)) return Send(exchange, kBadParameters, error->Message());
  std::vector<SessionCodes::Session> sessions;
  for (uint32_t row = 0; row < query.ListSize("sessionList"); ++row) {
    const std::string_view hall = query.ListValue("sessionList", row, "hallCode").AsText();
    if (hall.size() != 9 && hall.size() != 11)
      return Send(
          exchange, kBadParameters,
          ValidationError{Rule::kBadFormat, QualifiedName(spec), 0,
                          "sessionList[" + std::to_string(row) + "].hallCode",
                          "\"" + std::string(hall) + "\" is neither a venueCode (9) nor a hallCode (11)"}
              .Message());
    sessions.push_back({query.ListValue("sessionList", row, "sessionId").AsText(), hall,
                        query.ListValue("sessionList", row, "sessionStartTime").AsTime()});
  }
  const Result<std::vector<std::string>> codes = sessions_.Assign(query["performanceId"].AsText(), sessions);
  if (!codes.ok()) return Send(exchange, kBadParameters, codes.status().message());
  std::string data = "{";
  for (size_t i = 0; i < sessions.size(); ++i) {
    if (i > 0) data += ',';
    AppendJsonString(data, sessions[i].session_id);
    data += ':';
    AppendJsonString(data, codes.value()[i]);
  }
  Send(exchange, kOk, "success", data + "}");
}

}  // namespace civicflow::ingest::http
