#include "ingest/platforms/parking/http_adapter.h"

#include <algorithm>

#include "engine/base/json_escape.h"
#include "ingest/crypto/crypto.h"
#include "ingest/http/account_state.h"
#include "ingest/http/multipart.h"
#include "ingest/http/query_record.h"
#include "ingest/http/reply_parts.h"
#include "ingest/http/same_secret.h"
#include "ingest/platforms/parking/reply.h"

namespace civicflow::ingest::parking {
namespace {

using http::Exchange;

constexpr std::string_view kVersionPrefix = "/dataReceive/v1/";

// The registry interface addressed by `path`; nullptr when none.
const InterfaceSpec* InterfaceAt(std::string_view path) {
  if (!path.starts_with(kVersionPrefix)) return nullptr;
  return Registry::Get().Find(Platform::kParking, path.substr(kVersionPrefix.size()));
}

// A platform id derived from what identifies the object within its vendor
// (isvParkId, entrance ids): 32 hex digits, the same on every call.
std::string PlatformId(std::string_view user_id, std::string_view a, std::string_view b = {}) {
  std::string key(user_id);
  key.append(1, '\n').append(a).append(1, '\n').append(b);
  return crypto::HexEncode(crypto::Md5(key));
}

// {"<name>":"<raw contents>"} members; `raw` is JSON string contents as sent.
void AppendMember(std::string& out, std::string_view name, std::string_view raw) {
  if (out.back() != '{') out += ',';
  out += '"';
  out += name;
  out += "\":\"";
  out += raw;
  out += '"';
}

// The distinct lots of an upload's records (usually one).
std::vector<std::string> LotsOf(std::span<const RecordKeys> records) {
  std::vector<std::string> lots;
  for (const RecordKeys& keys : records)
    if (!keys.park_code.empty() && std::find(lots.begin(), lots.end(), keys.park_code) == lots.end())
      lots.emplace_back(keys.park_code);
  return lots;
}

bool IsInteger(std::string_view text) {
  const std::string_view digits = text.starts_with('-') ? text.substr(1) : text;
  return !digits.empty() && digits.size() <= 18 &&
         std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The picture's form fields as the registry's record: integer-typed fields
// with integer text as numbers, everything else as strings (so a bad number
// fails validation as a wrong type).
std::string PictureRecord(const InterfaceSpec& spec, const std::vector<http::FormPart>& parts) {
  std::string json = "{";
  for (const FieldSpec& field : spec.fields) {
    const http::FormPart* part = http::FindPart(parts, field.name);
    if (part == nullptr) continue;
    if (json.size() > 1) json += ',';
    AppendJsonString(json, field.name);
    json += ':';
    const bool numeric = field.type == FieldType::kInt || field.type == FieldType::kLong ||
                         field.type == FieldType::kEpochMillis;
    if (numeric && IsInteger(part->data))
      json += part->data;
    else
      AppendJsonString(json, part->data);
  }
  json += '}';
  return json;
}

}  // namespace

ParkingAdapter::ParkingAdapter(const std::vector<http::ParkingAccount>& accounts,
                               const http::AdapterContext& context, const ReplenishSource& replenish)
    : accounts_(accounts),
      submitter_(context.submitter),
      clock_(context.clock),
      pictures_(context.pictures),
      replenish_(replenish),
      tokens_(context.clock, context.token_lifetime_ms, accounts.size()),
      lots_(accounts.size()) {
  for (size_t i = 0; i < accounts_.size(); ++i) account_by_user_.emplace(accounts_[i].user_id, i);
}

size_t ParkingAdapter::BodyLimit(std::string_view path) const {
  const InterfaceSpec* spec = InterfaceAt(path);
  return spec != nullptr && spec->name == "picture" ? kPictureBodyLimit : kBodyLimit;
}

void ParkingAdapter::RejectOversize(Exchange& exchange) {
  if (const InterfaceSpec* spec = InterfaceAt(exchange.path))
    exchange.interface_id = Registry::Get().IdOf(*spec);
  Finish(
      exchange, kTooLong,
      CodeMessage(kTooLong, "request body exceeds " + std::to_string(BodyLimit(exchange.path)) + " bytes"));
}

std::vector<std::string> ParkingAdapter::OfflineLots() const { return lots_.Offline(clock_.NowMs()); }
LotCounts ParkingAdapter::HeartbeatCounts() const { return lots_.Counts(clock_.NowMs()); }

void ParkingAdapter::SaveState(StateWriter& out) const {
  out.Section(PlatformName(Platform::kParking));
  http::PutAccountNames(out, accounts_, [](const http::ParkingAccount& account) { return account.user_id; });
  tokens_.SaveState(out);
  lots_.SaveState(out);
}

void ParkingAdapter::LoadState(StateReader& in) {
  in.Section(PlatformName(Platform::kParking));
  const http::AccountMap accounts = http::ReadAccountMap(
      in, accounts_, [](const http::ParkingAccount& account) { return account.user_id; });
  if (in.failed()) return;
  tokens_.LoadState(in, accounts);
  if (in.failed()) return;
  lots_.LoadState(in, accounts);
}

void ParkingAdapter::Handle(Exchange& exchange) {
  const InterfaceSpec* spec = InterfaceAt(exchange.path);
  if (spec == nullptr)
    return Finish(exchange, kBadCode,
                  CodeMessage(kBadCode, "no interface at " + std::string(exchange.path.substr(0, 100))));
  exchange.interface_id = Registry::Get().IdOf(*spec);
  if (exchange.method != http::Method::kPost)
    return Finish(exchange, kFormatError, CodeMessage(kFormatError, "interfaces are called with POST"));
  if (spec->name == "login") return Login(exchange, *spec);

  const std::string_view token = exchange.Header("authorization");
  if (token.empty()) return Finish(exchange, kTokenCheckFailed, CodeText(kTokenCheckFailed));
  const std::optional<size_t> account = tokens_.Check(token);
  if (!account) return Finish(exchange, kBadToken, CodeText(kBadToken));
  if (spec->name == "picture") return Picture(exchange, *spec, *account);

  const std::string_view encrypted = exchange.Header("encrypted");
  if (!encrypted.empty() && encrypted != "0" && encrypted != "1")
    return Finish(exchange, kBadParameter, CodeMessage(kBadParameter, "header encrypted must be 0 or 1"));
  Call call{*spec, *account, {}, encrypted == "0"};
  if (!ReadEnvelope(exchange, call.envelope)) return;
  if (spec->name == "heartBeats") return HeartBeats(exchange, call, token);
  if (spec->direction == Direction::kQuery) return ReplenishCarInfo(exchange, call);
  Upload(exchange, call);
}

bool ParkingAdapter::ReadEnvelope(Exchange& exchange, Envelope& envelope) const {
  Result<Envelope> parsed = ParseEnvelope(PaddedBody(exchange.body));
  if (!parsed.ok()) {
    Finish(exchange, kFormatError, CodeMessage(kFormatError, parsed.status().message()));
    return false;
  }
  if (!SignMatches(*parsed)) {
    Finish(exchange, kBadSign, CodeText(kBadSign));
    return false;
  }
  envelope = *parsed;
  return true;
}

void ParkingAdapter::Login(Exchange& exchange, const InterfaceSpec& spec) {
  Envelope envelope;
  if (!ReadEnvelope(exchange, envelope)) return;
  thread_local http::QueryRecord login;
  if (auto error = login.Parse(spec, envelope.data))
    return Finish(exchange, CodeOf(*error), error->Message());
  const auto account = account_by_user_.find(std::string(login["userId"].AsText()));
  if (account == account_by_user_.end() ||
      !http::SameSecret(accounts_[account->second].password_sm3_base64, login["password"].AsText()))
    return Finish(exchange, kBadCredentials, CodeText(kBadCredentials));
  const std::string token = tokens_.Issue(account->second);
  Finish(exchange, kOk, CodeText(kOk), "[{\"accessToken\":\"" + token + "\"}]");
}

void ParkingAdapter::Upload(Exchange& exchange, const Call& call) {
  const std::string& key = accounts_[call.account].sm4_key;
  const FieldCipher decrypt = [&key](std::string_view value, std::string& plaintext) {
    thread_local std::string cipher_text;
    return crypto::Base64Decode(value, cipher_text) &&
           crypto::Sm4EcbDecrypt(key, cipher_text, plaintext).ok();
  };
  Result<ScannedData> scanned = ScanData(PaddedPart(exchange.body, call.envelope.data), call.spec.name,
                                         call.encrypted ? &decrypt : nullptr,
                                         "not Base64 SM4-ECB ciphertext under the account's sm4Key");
  if (!scanned.ok())
    return Finish(exchange, kBadParameter, CodeMessage(kBadParameter, scanned.status().message()));
  if (scanned->records.empty())
    return Finish(exchange, kBadParameter, CodeMessage(kBadParameter, "data is empty"));
  const std::string_view payload =
      scanned->rewritten ? std::string_view(*scanned->rewritten) : call.envelope.data;
  Submit(exchange, call.spec, call.account, payload, call.envelope.timestamp,
         ReplyData(call.spec, call.account, scanned->records), LotsOf(scanned->records));
}

void ParkingAdapter::HeartBeats(Exchange& exchange, const Call& call, std::string_view token) {
  if (!tokens_.Refresh(token)) return Finish(exchange, kBadToken, CodeText(kBadToken));
  Heartbeats beats = WithSessionLots(call.envelope.data, lots_.LotsOf(call.account));
  if (beats.data == "[]") return Finish(exchange, kBadParameter, CodeMessage(kBadParameter, "data is empty"));
  const Registry& registry = Registry::Get();
  auto done = [this, &exchange, account = call.account,
               lots = std::move(beats.lots)](const http::SubmitOutcome& outcome) {
    if (!outcome.stored) {
      exchange.storage_failed = true;
      return Finish(exchange, kOtherError, http::kNotStored);
    }
    lots_.Learn(account, lots);
    const int64_t now = clock_.NowMs();
    for (const std::string& lot : lots) lots_.Heartbeat(lot, now);
    Finish(exchange, kOk, CodeText(kOk), "[{\"timestamp\":" + std::to_string(now) + "}]");
  };
  if (auto error =
          submitter_.Submit(registry.IdOf(call.spec), beats.data, call.envelope.timestamp, std::move(done)))
    Finish(exchange, CodeOf(*error), error->Message());
}

void ParkingAdapter::ReplenishCarInfo(Exchange& exchange, const Call& call) {
  thread_local http::QueryRecord query;
  if (auto error = query.Parse(call.spec, call.envelope.data))
    return Finish(exchange, CodeOf(*error), error->Message());
  const std::string_view park_code = query["parkCode"].AsText();
  if (!lots_.Reports(call.account, park_code)) return Finish(exchange, kNoSuchLot, CodeText(kNoSuchLot));
  ReplenishAnswer answer = replenish_.Answer(park_code, query["queryDate"].AsTime().DateString(),
                                             query["currentPage"].i, query["pageSize"].i, clock_.NowMs());
  exchange.status = 200;
  exchange.reply = std::move(answer.reply);
  exchange.reply_code = std::to_string(answer.code);
  exchange.Finish();
}

void ParkingAdapter::Picture(Exchange& exchange, const InterfaceSpec& spec, size_t account) {
  Result<std::vector<http::FormPart>> parts =
      http::ParseMultipart(exchange.Header("content-type"), exchange.body);
  if (!parts.ok()) return Finish(exchange, kFormatError, CodeMessage(kFormatError, parts.status().message()));
  const http::FormPart* file = http::FindPart(*parts, "file");
  if (file == nullptr || file->data.empty())
    return Finish(exchange, kBadParameter, CodeMessage(kBadParameter, "parking/picture[0].file: missing"));
  if (file->data.size() > kMaxPictureBytes)
    return Finish(exchange, kTooLong, CodeMessage(kTooLong, "parking/picture[0].file: larger than 500 KB"));
  const std::string record = PictureRecord(spec, *parts);
  // Checked before the picture is stored, so a refused upload stores nothing.
  thread_local http::QueryRecord check;
  if (auto error = check.Parse(spec, record)) return Finish(exchange, CodeOf(*error), error->Message());
  Result<std::string> id = pictures_.Put(file->data);
  if (!id.ok())
    return Finish(exchange, kOtherError, CodeMessage(kOtherError, "the picture could not be stored"));
  Submit(exchange, spec, account, record, check["timestamp"].i, "[{\"id\":\"" + *id + "\"}]",
         {std::string(check["parkCode"].AsText())});
}

void ParkingAdapter::Submit(Exchange& exchange, const InterfaceSpec& spec, size_t account,
                            std::string_view payload, int64_t request_ts_ms, std::string reply_data,
                            std::vector<std::string> lots) {
  auto done = [this, &exchange, account, data = std::move(reply_data),
               lots = std::move(lots)](const http::SubmitOutcome& outcome) {
    if (!outcome.stored) {
      exchange.storage_failed = true;
      return Finish(exchange, kOtherError, http::kNotStored);
    }
    lots_.Learn(account, lots);
    const int code = outcome.records > 0 && outcome.duplicates == outcome.records ? kExists : kOk;
    Finish(exchange, code, CodeText(code), data);
  };
  if (auto error = submitter_.Submit(Registry::Get().IdOf(spec), payload, request_ts_ms, std::move(done)))
    Finish(exchange, CodeOf(*error), error->Message());
}

std::string ParkingAdapter::ReplyData(const InterfaceSpec& spec, size_t account,
                                      std::span<const RecordKeys> records) const {
  const std::string_view name = spec.name;
  const std::string& user = accounts_[account].user_id;
  std::string data = "[";
  for (const RecordKeys& keys : records) {
    if (data.size() > 1) data += ',';
    data += '{';
    if (name == "parkInfo") {
      AppendMember(data, "parkCode", keys.park_code);
      AppendMember(data, "isvParkId", PlatformId(user, keys.park_code));
    } else if (name == "entranceExitInfo") {
      AppendMember(data, "id", PlatformId(user, keys.park_code, keys.entrance_exit_code));
    } else if (name == "enterRecord" || name == "exitRecord") {
      AppendMember(data, "id", keys.id);
    } else if (name == "parkSpaceInfo" || name == "parkCarInfo") {
      AppendMember(data, "parkCode", keys.park_code);
    } else if (name == "reservation" || name == "cancelReservation") {
      AppendMember(data, "bookCode", keys.book_code);
    }
    data += '}';
  }
  data += ']';
  return data;
}

void ParkingAdapter::Finish(Exchange& exchange, int code, std::string_view message,
                            std::string_view data) const {
  exchange.status = 200;
  exchange.reply = Reply(code, message, clock_.NowMs(), data);
  exchange.reply_code = std::to_string(code);
  exchange.Finish();
}

}  // namespace civicflow::ingest::parking
