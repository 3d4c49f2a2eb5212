#include "ingest/platforms/orienteering/http_adapter.h"

#include <simdjson.h>
#include <strings.h>

#include <cstdio>
#include <cstring>

#include "engine/base/json_escape.h"
#include "ingest/crypto/crypto.h"
#include "ingest/http/query_record.h"
#include "ingest/http/reply_parts.h"

namespace civicflow::ingest::http {
namespace {

constexpr std::string_view kPrefix = "/client/v1/";

// Error codes: invalid_request as the document uses it; the others are
// civicflow's, in the document's style (README).
constexpr std::string_view kInvalidRequest = "invalid_request";
constexpr std::string_view kUnauthorized = "unauthorized";
constexpr std::string_view kInvalidSmsCode = "invalid_sms_code";
constexpr std::string_view kSmsCooldown = "sms_cooldown";
constexpr std::string_view kInvalidRefreshToken = "invalid_refresh_token";
constexpr std::string_view kClientTypeMismatch = "client_type_mismatch";
constexpr std::string_view kLoginMethodUnavailable = "login_method_unavailable";
constexpr std::string_view kForbidden = "forbidden";
constexpr std::string_view kNotFound = "not_found";
constexpr std::string_view kMethodNotAllowed = "method_not_allowed";
constexpr std::string_view kPayloadTooLarge = "payload_too_large";
constexpr std::string_view kNotStoredCode = "unavailable";  // storage failed: retry
constexpr std::string_view kOk = "ok";                      // reply_code of a data reply

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    out.push_back(
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// {"field":"<field>"}, or {"<field>":"<value>"} when a value is given.
std::string FieldDetails(std::string_view field, std::optional<std::string_view> value = std::nullopt) {
  std::string out = "{";
  AppendJsonString(out, value ? field : "field");
  out += ':';
  AppendJsonString(out, value ? *value : field);
  out += '}';
  return out;
}

std::string QualifiedName(const InterfaceSpec& spec) { return "orienteering/" + std::string(spec.name); }

// A query value as JSON: digits as a number, anything else as a string (the validator names it).
void AppendQueryValue(std::string& out, std::string_view value) {
  const bool number =
      !value.empty() && value.size() <= 9 && value.find_first_not_of("0123456789") == std::string_view::npos;
  if (number) {
    out += value;
  } else {
    AppendJsonString(out, value);
  }
}

std::optional<SessionBook::Read> ReadOf(std::string_view name) {
  if (name.ends_with("/result")) return SessionBook::Read::kResult;
  if (name.ends_with("/replay-summary")) return SessionBook::Read::kReplaySummary;
  if (name.ends_with("/gps-track")) return SessionBook::Read::kGpsTrack;
  if (name.ends_with("/heart-rate")) return SessionBook::Read::kHeartRate;
  return std::nullopt;
}

}  // namespace

OrienteeringAdapter::OrienteeringAdapter(const std::vector<OrienteeringAccount>& accounts,
                                         const AdapterContext& context)
    : context_(context), desk_(accounts, context.clock, context.token_lifetime_ms), request_id_base_([] {
        uint64_t base = 0;
        const std::string bytes = crypto::RandomBytes(sizeof base);
        std::memcpy(&base, bytes.data(), sizeof base);
        return base;
      }()) {
  for (const InterfaceSpec& spec : OrienteeringInterfaces())
    routes_.push_back({&spec, Segments(spec.http_path)});
}

void OrienteeringAdapter::SaveState(StateWriter& out) const {
  out.Section(PlatformName(Platform::kOrienteering));
  desk_.SaveState(out);
  sessions_.SaveState(out);
}

void OrienteeringAdapter::LoadState(StateReader& in) {
  in.Section(PlatformName(Platform::kOrienteering));
  const AccountMap accounts = desk_.LoadState(in);
  if (in.failed()) return;
  sessions_.LoadState(in, accounts);
}

size_t OrienteeringAdapter::BodyLimit(std::string_view) const { return kBodyLimit; }

void OrienteeringAdapter::SendData(Exchange& exchange, std::string_view data) {
  char id[24];
  std::snprintf(id, sizeof id, "req_%016llx",
                static_cast<unsigned long long>(request_id_base_ + next_request_.fetch_add(1)));
  exchange.status = 200;
  exchange.content_type = "application/json;charset=UTF-8";
  exchange.reply.clear();
  exchange.reply.reserve(data.size() + 48);
  exchange.reply += "{\"request_id\":\"";
  exchange.reply += id;
  exchange.reply += "\",\"data\":";
  exchange.reply += data;
  exchange.reply += '}';
  exchange.reply_code = std::string(kOk);
  exchange.Finish();
}

void OrienteeringAdapter::SendError(Exchange& exchange, std::string_view code, std::string_view message,
                                    std::string_view details) {
  char id[24];
  std::snprintf(id, sizeof id, "req_%016llx",
                static_cast<unsigned long long>(request_id_base_ + next_request_.fetch_add(1)));
  exchange.status = 200;
  exchange.content_type = "application/json;charset=UTF-8";
  exchange.reply.clear();
  exchange.reply += "{\"request_id\":\"";
  exchange.reply += id;
  exchange.reply += "\",\"error\":{\"code\":";
  AppendJsonString(exchange.reply, code);
  exchange.reply += ",\"message\":";
  AppendJsonString(exchange.reply, message);
  exchange.reply += ",\"details\":";
  exchange.reply += details;
  exchange.reply += "}}";
  exchange.reply_code = std::string(code);
  exchange.Finish();
}

void OrienteeringAdapter::SendInvalid(Exchange& exchange, const ValidationError& error) {
  std::string details = "{\"interface\":";
  AppendJsonString(details, error.interface);
  details += ",\"record_index\":" + std::to_string(error.record_index) + ",\"field\":";
  AppendJsonString(details, error.field);
  details += ",\"rule\":";
  AppendJsonString(details, RuleName(error.rule));
  details += '}';
  SendError(exchange, kInvalidRequest, error.Message(), details);
}

void OrienteeringAdapter::RejectOversize(Exchange& exchange) {
  bool wrong_method = false;
  if (const std::optional<Call> call = Match(exchange.path, exchange.method, wrong_method))
    exchange.interface_id = Registry::Get().IdOf(call->spec);
  SendError(exchange, kPayloadTooLarge,
            "request body too large: at most " + std::to_string(kBodyLimit) + " bytes on " +
                std::string(exchange.path),
            "{\"limit_bytes\":" + std::to_string(kBodyLimit) + "}");
}

std::optional<OrienteeringAdapter::Call> OrienteeringAdapter::Match(std::string_view path, Method method,
                                                                    bool& wrong_method) const {
  wrong_method = false;
  if (!path.starts_with(kPrefix)) return std::nullopt;
  const std::vector<std::string_view> segments = Segments(path);
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::vector<PathParam> params;
    bool matches = true;
    for (size_t i = 0; i < segments.size() && matches; ++i) {
      const std::string_view pattern = route.segments[i];
      if (pattern.starts_with('{') && pattern.ends_with('}')) {
        matches = !segments[i].empty();
        params.push_back({pattern.substr(1, pattern.size() - 2), PercentDecoded(segments[i])});
      } else {
        matches = pattern == segments[i];
      }
    }
    if (!matches) continue;
    if (route.spec->http_method == MethodName(method)) return Call{*route.spec, std::move(params)};
    wrong_method = true;
  }
  return std::nullopt;
}

void OrienteeringAdapter::Handle(Exchange& exchange) {
  bool wrong_method = false;
  const std::optional<Call> call = Match(exchange.path, exchange.method, wrong_method);
  if (!call) {
    if (wrong_method)
      return SendError(exchange, kMethodNotAllowed,
                       "method " + std::string(MethodName(exchange.method)) + " not allowed on " +
                           std::string(exchange.path));
    return SendError(exchange, kNotFound, "no such endpoint: " + std::string(exchange.path));
  }
  const InterfaceSpec& spec = call->spec;
  exchange.interface_id = Registry::Get().IdOf(spec);
  if (spec.name == "auth/sms/send") return SendCode(exchange, spec);
  if (spec.name == "auth/login/sms") return LoginWithSms(exchange, spec);
  if (spec.name == "auth/refresh") return Refresh(exchange, spec);
  if (spec.name == "auth/login/wechat")
    return SendError(exchange, kLoginMethodUnavailable,
                     "WeChat login is not available on this platform: log in with auth/login/sms");
  const std::optional<size_t> account = Authenticate(exchange);
  if (!account) return;
  if (spec.name.ends_with("/launch")) return Launch(exchange, *call, *account);
  if (spec.direction == Direction::kUpload) return Upload(exchange, *call, *account);
  if (spec.name == "me/sessions") return ListSessions(exchange, spec, *account);
  Read(exchange, *call, *account);
}

std::optional<size_t> OrienteeringAdapter::Authenticate(Exchange& exchange) {
  std::string_view token = Trimmed(exchange.Header("Authorization"));
  constexpr std::string_view kScheme = "Bearer ";
  const bool bearer =
      token.size() > kScheme.size() && strncasecmp(token.data(), kScheme.data(), kScheme.size()) == 0;
  token = bearer ? Trimmed(token.substr(kScheme.size())) : std::string_view();
  if (token.empty()) {
    SendError(exchange, kUnauthorized, "access token missing: send Authorization: Bearer <access_token>");
    return std::nullopt;
  }
  const std::optional<size_t> account = desk_.Check(token);
  if (!account)
    SendError(exchange, kUnauthorized, "access token unknown, expired or revoked: log in or refresh it");
  return account;
}

bool OrienteeringAdapter::AddPathParams(Exchange& exchange, const Call& call) {
  if (call.params.empty()) return true;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(exchange.body).get(object)) {
    SendInvalid(exchange,
                ValidationError{
                    Rule::kNotAnObject, QualifiedName(call.spec), 0, {}, "the body must be one JSON object"});
    return false;
  }
  std::string members;
  for (const PathParam& param : call.params) {
    std::string_view given;
    if (object[param.name].get_string().get(given) == simdjson::SUCCESS) {
      if (given == param.value) continue;
      SendError(exchange, kInvalidRequest,
                std::string(param.name) + " in the body differs from the path (" + param.value + ")",
                FieldDetails(param.name));
      return false;
    }
    if (!members.empty()) members += ',';
    AppendJsonString(members, param.name);
    members += ':';
    AppendJsonString(members, param.value);
  }
  if (!members.empty()) {
    if (object.size() > 0) members += ',';
    exchange.body.insert(exchange.body.find('{') + 1, members);
  }
  return true;
}

void OrienteeringAdapter::SendCode(Exchange& exchange, const InterfaceSpec& spec) {
  QueryRecord request;
  if (auto error = request.Parse(spec, exchange.body)) return SendInvalid(exchange, *error);
  const int64_t wait_s = desk_.SendCode(request["country_code"].AsText(), request["mobile"].AsText());
  if (wait_s > 0)
    return SendError(exchange, kSmsCooldown, "a code was sent less than a minute ago: retry later",
                     "{\"retry_after_sec\":" + std::to_string(wait_s) + "}");
  SendData(exchange, "{\"cooldown_sec\":" + std::to_string(LoginDesk::kCooldownS) +
                         ",\"expires_in_sec\":" + std::to_string(LoginDesk::kCodeLifetimeS) + "}");
}

void OrienteeringAdapter::LoginWithSms(Exchange& exchange, const InterfaceSpec& spec) {
  QueryRecord request;
  if (auto error = request.Parse(spec, exchange.body)) return SendInvalid(exchange, *error);
  const std::optional<LoginDesk::Grant> grant =
      desk_.LoginWithSms(request["country_code"].AsText(), request["mobile"].AsText(),
                         request["sms_code"].AsText(), request["client_type"].AsText());
  if (!grant)
    return SendError(exchange, kInvalidSmsCode,
                     "sms_code wrong or expired for this mobile: request one with auth/sms/send");
  std::string data = "{\"user_id\":";
  AppendJsonString(data, desk_.UserIdOf(grant->account));
  data += ",\"access_token\":\"" + grant->access_token + "\",\"refresh_token\":\"" + grant->refresh_token +
          "\",\"login_method\":\"sms\",\"body_profile_status\":\"pending\",\"expires_in_sec\":" +
          std::to_string(desk_.access_lifetime_ms() / 1000) + "}";
  SendData(exchange, data);
}

void OrienteeringAdapter::Refresh(Exchange& exchange, const InterfaceSpec& spec) {
  QueryRecord request;
  if (auto error = request.Parse(spec, exchange.body)) return SendInvalid(exchange, *error);
  const std::optional<LoginDesk::Grant> grant =
      desk_.Refresh(request["refresh_token"].AsText(), request["client_type"].AsText());
  if (!grant)
    return SendError(
        exchange, kInvalidRefreshToken,
        "refresh_token unknown, expired, revoked or issued to another client_type: log in again");
  SendData(exchange, "{\"access_token\":\"" + grant->access_token +
                         "\",\"expires_in_sec\":" + std::to_string(desk_.access_lifetime_ms() / 1000) + "}");
}

void OrienteeringAdapter::Launch(Exchange& exchange, const Call& call, size_t account) {
  if (!AddPathParams(exchange, call)) return;
  QueryRecord request;
  if (auto error = request.Parse(call.spec, exchange.body)) return SendInvalid(exchange, *error);
  const std::string_view client_type = request["client_type"].AsText();
  if (client_type != desk_.ClientTypeOf(account))
    return SendError(exchange, kClientTypeMismatch,
                     "client_type must be the one the access token was issued to",
                     FieldDetails("client_type"));
  SendData(exchange,
           sessions_.Launch(
               {account, std::string(request["launch_request_id"].AsText()),
                std::string(request["competition_id"].AsText()), std::string(request["event_id"].AsText()),
                std::string(request["release_id"].AsText()), std::string(request["route_code"].AsText()),
                context_.clock.NowMs(), desk_.access_lifetime_ms()}));
}

void OrienteeringAdapter::Upload(Exchange& exchange, const Call& call, size_t account) {
  if (!AddPathParams(exchange, call)) return;
  SessionDigest digest = SessionDigest::Of(call.spec, exchange.body);
  if (const std::optional<std::string> foreign = sessions_.ForeignSession(account, digest))
    return SendError(exchange, kForbidden, "session " + *foreign + " belongs to another user",
                     FieldDetails("session_id", *foreign));
  std::optional<ValidationError> error = context_.submitter.Submit(
      Registry::Get().IdOf(call.spec), exchange.body, exchange.received_ms,
      [this, &exchange, account, digest = std::move(digest)](const SubmitOutcome& outcome) {
        if (!outcome.stored) {
          exchange.storage_failed = true;
          return SendError(exchange, kNotStoredCode, kNotStored, "{}");
        }
        sessions_.Apply(account, digest);
        SendData(exchange, OutcomeJson(outcome));
      });
  if (error) SendInvalid(exchange, *error);
}

void OrienteeringAdapter::Read(Exchange& exchange, const Call& call, size_t account) {
  std::string json = "{";
  for (const PathParam& param : call.params) {
    if (json.size() > 1) json += ',';
    AppendJsonString(json, param.name);
    json += ':';
    AppendJsonString(json, param.value);
  }
  json += '}';
  QueryRecord request;
  if (auto error = request.Parse(call.spec, json)) return SendInvalid(exchange, *error);
  const std::string_view session_id = request["session_id"].AsText();
  const std::optional<std::string> data = sessions_.Render(*ReadOf(call.spec.name), session_id, account);
  if (!data)
    return SendError(exchange, kNotFound, "no session " + std::string(session_id) + " of this user",
                     FieldDetails("session_id", session_id));
  SendData(exchange, *data);
}

void OrienteeringAdapter::ListSessions(Exchange& exchange, const InterfaceSpec& spec, size_t account) {
  std::string json = "{";
  for (std::string_view name : {"page", "page_size"}) {
    const std::string value = exchange.QueryParam(name);
    if (value.empty()) continue;
    if (json.size() > 1) json += ',';
    AppendJsonString(json, name);
    json += ':';
    AppendQueryValue(json, value);
  }
  json += '}';
  QueryRecord request;
  if (auto error = request.Parse(spec, json)) return SendInvalid(exchange, *error);
  const Value& page = request["page"];
  const Value& page_size = request["page_size"];
  SendData(exchange, sessions_.SessionsOf(account, page.present() ? page.i : 1,
                                          page_size.present() ? page_size.i : 20));
}

}  // namespace civicflow::ingest::http
