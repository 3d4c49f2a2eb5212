#include "ingest/platforms/community/http_adapter.h"

#include <simdjson.h>

#include "engine/base/json_escape.h"
#include "ingest/http/account_state.h"
#include "ingest/http/reply_parts.h"

namespace civicflow::ingest::http {
namespace {

constexpr std::string_view kPrefix = "/api/v1/";
constexpr std::string_view kDictionaryPrefix = "/api/v1/wd/";
constexpr size_t kAesKeyBytes = 16;

// Reply codes. The spec defines only "0" (success); the others are civicflow's
// (README): every failure of a request maps to exactly one of them.
constexpr std::string_view kSuccess = "0";
constexpr std::string_view kBadAppKey = "1001";            // appKey missing or unknown
constexpr std::string_view kBadEnvelope = "1002";          // body is not {"encrypted","requestData"}
constexpr std::string_view kUndecryptable = "1003";        // Base64, RSA or AES failed
constexpr std::string_view kInvalidData = "1004";          // the validator's error
constexpr std::string_view kMissingPrerequisite = "1005";  // 前置接入 not registered
constexpr std::string_view kUnknownPath = "1006";
constexpr std::string_view kWrongMethod = "1007";
constexpr std::string_view kTooLarge = "1008";
constexpr std::string_view kNotStoredCode = "1009";  // storage failed: nothing kept, send again

// {"code":code,"errMsg":message,"data":data}
void Send(Exchange& exchange, std::string_view code, std::string_view message,
          std::string_view data = "null") {
  exchange.status = 200;
  exchange.content_type = "application/json;charset=UTF-8";
  exchange.reply.clear();
  exchange.reply.reserve(data.size() + message.size() + 48);
  exchange.reply += "{\"code\":\"";
  exchange.reply += code;
  exchange.reply += "\",\"errMsg\":";
  AppendJsonString(exchange.reply, message);
  exchange.reply += ",\"data\":";
  exchange.reply += data;
  exchange.reply += '}';
  exchange.reply_code = std::string(code);
  exchange.Finish();
}

}  // namespace

CommunityAdapter::CommunityAdapter(const std::vector<CommunityAccount>& accounts,
                                   const AdapterContext& context)
    : context_(context) {
  for (const CommunityAccount& account : accounts) {
    Result<crypto::RsaPrivateKey> key = crypto::RsaPrivateKey::FromPem(account.private_key_pem);
    if (!key.ok()) continue;  // Accounts::Parse refuses such files; never matched below
    account_by_app_key_.emplace(account.app_key, keys_.size());
    keys_.push_back(std::move(*key));
    app_keys_.push_back(account.app_key);
  }
}

size_t CommunityAdapter::BodyLimit(std::string_view) const { return kBodyLimit; }

void CommunityAdapter::RejectOversize(Exchange& exchange) {
  const std::string_view path = exchange.path;
  const InterfaceSpec* spec = path.starts_with(kPrefix)
                                  ? Registry::Get().Find(Platform::kCommunity, path.substr(kPrefix.size()))
                                  : nullptr;
  if (spec != nullptr) exchange.interface_id = Registry::Get().IdOf(*spec);
  Send(exchange, kTooLarge,
       "request body too large: at most " + std::to_string(kBodyLimit) + " bytes on " + std::string(path));
}

void CommunityAdapter::Handle(Exchange& exchange) {
  const std::string_view path = exchange.path;
  if (path.starts_with(kDictionaryPrefix)) {
    if (exchange.method != Method::kGet)
      return Send(exchange, kWrongMethod,
                  "method " + std::string(MethodName(exchange.method)) + " not allowed on " +
                      std::string(path) + ": use GET");
    if (!Authenticate(exchange)) return;
    return AnswerDictionary(exchange, path.substr(kDictionaryPrefix.size()));
  }
  const InterfaceSpec* spec = path.starts_with(kPrefix)
                                  ? Registry::Get().Find(Platform::kCommunity, path.substr(kPrefix.size()))
                                  : nullptr;
  if (spec == nullptr || spec->http_path != path)
    return Send(exchange, kUnknownPath, "unknown interface " + std::string(path));
  exchange.interface_id = Registry::Get().IdOf(*spec);
  if (MethodName(exchange.method) != spec->http_method)
    return Send(exchange, kWrongMethod,
                "method " + std::string(MethodName(exchange.method)) + " not allowed on " +
                    std::string(path) + ": use " + std::string(spec->http_method));
  const std::optional<size_t> account = Authenticate(exchange);
  if (!account) return;
  std::optional<std::string> json = DecryptedBody(exchange, *account);
  if (!json) return;
  Upload(exchange, *spec, std::move(*json));
}

std::optional<size_t> CommunityAdapter::Authenticate(Exchange& exchange) {
  const std::string app_key = exchange.QueryParam("appKey");
  if (app_key.empty()) {
    Send(exchange, kBadAppKey, "appKey missing: send ?appKey=<appKey>");
    return std::nullopt;
  }
  const auto it = account_by_app_key_.find(app_key);
  if (it == account_by_app_key_.end()) {
    Send(exchange, kBadAppKey, "unknown appKey");
    return std::nullopt;
  }
  return it->second;
}

std::optional<std::string> CommunityAdapter::DecryptedBody(Exchange& exchange, size_t account) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object envelope;
  std::string_view encrypted, request_data;
  if (parser.parse(exchange.body).get(envelope) || envelope["encrypted"].get_string().get(encrypted) ||
      envelope["requestData"].get_string().get(request_data)) {
    Send(exchange, kBadEnvelope,
         "request body must be a JSON object {\"encrypted\":\"<Base64>\",\"requestData\":\"<Base64>\"}");
    return std::nullopt;
  }
  const std::optional<std::string> sealed_key = crypto::Base64Decode(encrypted);
  if (!sealed_key) {
    Send(exchange, kUndecryptable, "encrypted: not Base64");
    return std::nullopt;
  }
  std::optional<std::string> aes_key = session_keys_.Find(account, *sealed_key);
  if (!aes_key) {
    Result<std::string> unsealed = keys_[account].DecryptPkcs1(*sealed_key);
    if (!unsealed.ok() || unsealed->size() != kAesKeyBytes) {
      Send(exchange, kUndecryptable,
           "encrypted: not a 16-byte AES key sealed with this appKey's public key (RSA PKCS#1 v1.5)");
      return std::nullopt;
    }
    aes_key = std::move(*unsealed);
    session_keys_.Remember(account, *sealed_key, *aes_key);
  }
  const std::optional<std::string> ciphertext = crypto::Base64Decode(request_data);
  if (!ciphertext) {
    Send(exchange, kUndecryptable, "requestData: not Base64");
    return std::nullopt;
  }
  Result<std::string> json = crypto::Aes128EcbDecrypt(*aes_key, *ciphertext);
  if (!json.ok()) {
    Send(exchange, kUndecryptable, "requestData: not AES-128-ECB/PKCS#7 ciphertext under the encrypted key");
    return std::nullopt;
  }
  json->reserve(json->size() + simdjson::SIMDJSON_PADDING);
  return std::move(*json);
}

void CommunityAdapter::Upload(Exchange& exchange, const InterfaceSpec& spec, std::string json) {
  PrerequisiteScan scan = prerequisites_.Check(spec, json, json.capacity());
  if (!scan.missing.empty()) return Send(exchange, kMissingPrerequisite, scan.missing);
  // The exchange keeps the text until Finish(), whatever the submitter holds on to.
  exchange.body = std::move(json);
  std::optional<ValidationError> error = context_.submitter.Submit(
      Registry::Get().IdOf(spec), exchange.body, exchange.received_ms,
      [this, &exchange, registrations = std::move(scan.registrations)](const SubmitOutcome& outcome) {
        if (!outcome.stored) {
          exchange.storage_failed = true;
          return Send(exchange, kNotStoredCode, kNotStored);
        }
        prerequisites_.Register(registrations);
        Send(exchange, kSuccess, "success", OutcomeJson(outcome));
      });
  if (error) Send(exchange, kInvalidData, error->Message());
}

void CommunityAdapter::SaveState(StateWriter& out) const {
  out.Section(PlatformName(Platform::kCommunity));
  PutAccountNames(out, app_keys_);
  prerequisites_.SaveState(out);
}

void CommunityAdapter::LoadState(StateReader& in) {
  in.Section(PlatformName(Platform::kCommunity));
  // Registered codes are global: no community state belongs to an account.
  ReadAccountMap(in, app_keys_);
  if (in.failed()) return;
  prerequisites_.LoadState(in);
}

void CommunityAdapter::Recall(const InterfaceSpec& spec, std::string_view json) {
  std::string padded(json);
  padded.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  prerequisites_.Register(prerequisites_.Check(spec, padded, padded.capacity()).registrations);
}

void CommunityAdapter::AnswerDictionary(Exchange& exchange, std::string_view code) {
  const std::string* data = dictionaries_.Find(code);
  if (data == nullptr) return Send(exchange, kUnknownPath, "unknown dictionary " + std::string(code));
  Send(exchange, kSuccess, "success", *data);
}

}  // namespace civicflow::ingest::http
