#include "ingest/platforms/fitness/http_adapter.h"

#include <strings.h>

#include <fstream>
#include <iterator>

#include "engine/base/json_escape.h"
#include "ingest/crypto/crypto.h"
#include "ingest/http/account_state.h"
#include "ingest/http/multipart.h"
#include "ingest/http/query_record.h"
#include "ingest/http/reply_parts.h"
#include "ingest/http/same_secret.h"

namespace civicflow::ingest::http {
namespace {

constexpr std::string_view kApiPrefix = "/api/";
constexpr std::string_view kFilesPrefix = "/api/files/";
constexpr size_t kPictureLimit = 10u << 20;
constexpr size_t kDesKeyBytes = 8;

// errCode values (spec table 2).
constexpr int kSuccess = 0;
constexpr int kFailed = -1;
constexpr int kDuplicate = 403;
// Token endpoint errcode values (appendix A.4.2).
constexpr int kBadSecret = 40001;
constexpr int kBadGrantType = 40002;
constexpr int kBadAppid = 40003;
// A refused token has no code in the spec: the reply is HTTP 401 with errCode -1,
// and 401 is what metrics (and the client) report.
constexpr unsigned kUnauthorized = 401;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string WithoutWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text)
    if (!IsSpace(c)) out += c;
  return out;
}

bool IsLowerHex(std::string_view text) {
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// {"errCode":code,"errMsg":message<extra members>}
void Send(Exchange& exchange, int code, std::string_view message, std::string_view extra_members = {},
          unsigned status = 200) {
  exchange.status = status;
  exchange.content_type = "application/json;charset=UTF-8";
  exchange.reply.clear();
  exchange.reply += "{\"errCode\":";
  exchange.reply += std::to_string(code);
  exchange.reply += ",\"errMsg\":";
  AppendJsonString(exchange.reply, message);
  exchange.reply += extra_members;
  exchange.reply += '}';
  exchange.reply_code = status == kUnauthorized ? std::to_string(kUnauthorized) : std::to_string(code);
  exchange.Finish();
}

// The token endpoint's own format: {"errcode":code,"errmsg":message}.
void SendTokenError(Exchange& exchange, int code, std::string_view message) {
  exchange.status = 200;
  exchange.reply.clear();
  exchange.reply += "{\"errcode\":";
  exchange.reply += std::to_string(code);
  exchange.reply += ",\"errmsg\":";
  AppendJsonString(exchange.reply, message);
  exchange.reply += '}';
  exchange.reply_code = std::to_string(code);
  exchange.Finish();
}

// The fitness interface at `path` ("/api/<name>"); nullptr when there is none.
const InterfaceSpec* SpecOf(std::string_view path) {
  if (!path.starts_with(kApiPrefix)) return nullptr;
  const InterfaceSpec* spec = Registry::Get().Find(Platform::kFitness, path.substr(kApiPrefix.size()));
  return spec != nullptr && spec->http_path == path ? spec : nullptr;
}

std::string QualifiedName(const InterfaceSpec& spec) { return "fitness/" + std::string(spec.name); }

std::string FormError(const InterfaceSpec& spec, Rule rule, std::string_view field, std::string detail) {
  return ValidationError{rule, QualifiedName(spec), 0, std::string(field), std::move(detail)}.Message();
}

// Where uploadFile's picture is served: absolute when the request named its host,
// so that it passes as a URL field of later uploads.
std::string ImageUrl(const Exchange& exchange, std::string_view id) {
  const std::string_view host = exchange.Header("Host");
  std::string url = host.empty() ? std::string() : "http://" + std::string(host);
  url += kFilesPrefix;
  url += id;
  return url;
}

std::string_view PictureType(std::string_view bytes) {
  if (bytes.starts_with("\xFF\xD8\xFF")) return "image/jpeg";
  if (bytes.starts_with("\x89PNG")) return "image/png";
  if (bytes.starts_with("GIF8")) return "image/gif";
  if (bytes.starts_with("BM")) return "image/bmp";
  return "application/octet-stream";
}

}  // namespace

FitnessAdapter::FitnessAdapter(const std::vector<FitnessAccount>& accounts, const AdapterContext& context)
    : accounts_(accounts),
      context_(context),
      tokens_(context.clock, context.token_lifetime_ms, accounts.size()),
      venue_upload_(*Registry::Get().Find(Platform::kFitness, "syncVenueData")) {
  for (size_t i = 0; i < accounts_.size(); ++i) account_by_appid_.emplace(accounts_[i].appid, i);
}

size_t FitnessAdapter::BodyLimit(std::string_view path) const {
  return path == "/api/uploadFile" ? kUploadFileLimit : kBodyLimit;
}

void FitnessAdapter::RejectOversize(Exchange& exchange) {
  if (const InterfaceSpec* spec = SpecOf(exchange.path); spec != nullptr)
    exchange.interface_id = Registry::Get().IdOf(*spec);
  Send(exchange, kFailed,
       "request body too large: at most " + std::to_string(BodyLimit(exchange.path)) + " bytes on " +
           std::string(exchange.path));
}

void FitnessAdapter::Handle(Exchange& exchange) {
  const std::string_view path = exchange.path;
  if (path.starts_with(kFilesPrefix)) return ServeFile(exchange, path.substr(kFilesPrefix.size()));
  const InterfaceSpec* spec = SpecOf(path);
  if (spec == nullptr) return Send(exchange, kFailed, "unknown interface " + std::string(path));
  exchange.interface_id = Registry::Get().IdOf(*spec);
  const bool token_endpoint = spec->direction == Direction::kAuth;
  if (MethodName(exchange.method) != spec->http_method) {
    const std::string message = "method " + std::string(MethodName(exchange.method)) + " not allowed on " +
                                std::string(path) + ": use " + std::string(spec->http_method);
    return token_endpoint ? SendTokenError(exchange, kFailed, message) : Send(exchange, kFailed, message);
  }
  if (token_endpoint) return IssueToken(exchange);
  const std::optional<size_t> account = Authenticate(exchange);
  if (!account) return;
  if (spec->name == "uploadFile") return UploadFile(exchange, *spec);
  Result<std::string> json = DecodedBody(exchange, accounts_[*account]);
  if (!json.ok()) return Send(exchange, kFailed, json.status().message());
  if (spec->direction == Direction::kQuery) return AnswerVenue(exchange, *spec, *json);
  Upload(exchange, *spec, *json);
}

void FitnessAdapter::IssueToken(Exchange& exchange) {
  if (exchange.QueryParam("grant_type") != "client_credential")
    return SendTokenError(exchange, kBadGrantType, "invalid grant_type: must be client_credential");
  const auto it = account_by_appid_.find(exchange.QueryParam("appid"));
  if (it == account_by_appid_.end()) return SendTokenError(exchange, kBadAppid, "invalid appid");
  if (!SameSecret(accounts_[it->second].secret, exchange.QueryParam("secret")))
    return SendTokenError(exchange, kBadSecret, "invalid secret");
  const std::string token = tokens_.Issue(it->second);
  exchange.status = 200;
  exchange.reply = "{\"access_token\":\"" + token +
                   "\",\"expires_in\":" + std::to_string(tokens_.lifetime_ms() / 1000) + "}";
  exchange.reply_code = std::to_string(kSuccess);
  exchange.Finish();
}

std::optional<size_t> FitnessAdapter::Authenticate(Exchange& exchange) {
  std::string_view token = Trimmed(exchange.Header("Authorization"));
  constexpr std::string_view kScheme = "Bearer ";
  if (token.size() >= kScheme.size() && strncasecmp(token.data(), kScheme.data(), kScheme.size()) == 0)
    token = Trimmed(token.substr(kScheme.size()));
  if (token.empty()) {
    Send(exchange, kFailed, "access_token missing: send Authorization: Bearer <access_token>", {},
         kUnauthorized);
    return std::nullopt;
  }
  const std::optional<size_t> account = tokens_.Check(token);
  if (!account)
    Send(exchange, kFailed, "access_token invalid, expired or replaced by a newer one: get a new token", {},
         kUnauthorized);
  return account;
}

Result<std::string> FitnessAdapter::DecodedBody(Exchange& exchange, const FitnessAccount& account) const {
  const std::string_view text = Trimmed(exchange.body);
  if (text.empty()) return Status::Error("empty body");
  if (text.front() == '{' || text.front() == '[') {
    if (!account.allow_plaintext)
      return Status::Error(
          "plain JSON refused: send the Base64 of the DES-encrypted JSON as text/plain (spec 5.3.2)");
    return std::move(exchange.body);
  }
  if (account.app_key.size() < kDesKeyBytes) return Status::Error("the app's appKey is too short for DES");
  std::optional<std::string> ciphertext = crypto::Base64Decode(text);
  if (!ciphertext) ciphertext = crypto::Base64Decode(WithoutWhitespace(text));
  if (!ciphertext) return Status::Error("body is neither JSON nor Base64");
  Result<std::string> json =
      crypto::DesEcbDecrypt(std::string_view(account.app_key).substr(0, kDesKeyBytes), *ciphertext);
  if (!json.ok()) return Status::Error("body does not decrypt under the app's appKey (DES-ECB/PKCS#5)");
  return json;
}

void FitnessAdapter::Upload(Exchange& exchange, const InterfaceSpec& spec, std::string_view json) {
  std::vector<VenueBook::Venue> venues;
  uint64_t ticket = 0;
  if (&spec == &venue_upload_) {
    venues = VenueBook::VenuesOf(spec, json);
    ticket = venues_.TakeTicket();
  }
  auto error = context_.submitter.Submit(
      Registry::Get().IdOf(spec), json, exchange.received_ms,
      [this, &exchange, ticket, venues = std::move(venues)](const SubmitOutcome& outcome) mutable {
        if (!outcome.stored) {
          exchange.storage_failed = true;
          return Send(exchange, kFailed, kNotStored);
        }
        if (!venues.empty()) venues_.Keep(ticket, std::move(venues));
        if (outcome.records > 0 && outcome.duplicates == outcome.records)
          return Send(exchange, kDuplicate, "duplicate: every record was received before");
        Send(exchange, kSuccess, "success");
      });
  if (error) Send(exchange, kFailed, error->Message());
}

void FitnessAdapter::Recall(const InterfaceSpec& spec, std::string_view json) {
  if (&spec != &venue_upload_) return;
  std::vector<VenueBook::Venue> venues = VenueBook::VenuesOf(spec, json);
  if (!venues.empty()) venues_.Keep(venues_.TakeTicket(), std::move(venues));
}

void FitnessAdapter::SaveState(StateWriter& out) const {
  out.Section(PlatformName(Platform::kFitness));
  PutAccountNames(out, accounts_, [](const FitnessAccount& account) { return account.appid; });
  tokens_.SaveState(out);
  venues_.SaveState(out);
}

void FitnessAdapter::LoadState(StateReader& in) {
  in.Section(PlatformName(Platform::kFitness));
  const AccountMap accounts =
      ReadAccountMap(in, accounts_, [](const FitnessAccount& account) { return account.appid; });
  if (in.failed()) return;
  tokens_.LoadState(in, accounts);
  if (in.failed()) return;
  venues_.LoadState(in);
}

void FitnessAdapter::UploadFile(Exchange& exchange, const InterfaceSpec& spec) {
  const Result<std::vector<FormPart>> form = ParseMultipart(exchange.Header("Content-Type"), exchange.body);
  if (!form.ok()) return Send(exchange, kFailed, QualifiedName(spec) + ": " + form.status().message());
  const FormPart* file = FindPart(form.value(), "uploadFile");
  const FormPart* sign = FindPart(form.value(), "fileSign");
  if (file == nullptr)
    return Send(exchange, kFailed, FormError(spec, Rule::kMissingMandatory, "uploadFile", "no file part"));
  if (file->data.size() > kPictureLimit)
    return Send(exchange, kFailed,
                FormError(spec, Rule::kTooLong, "uploadFile", "a picture is at most 10 MB"));
  if (sign == nullptr)
    return Send(exchange, kFailed, FormError(spec, Rule::kMissingMandatory, "fileSign", "no fileSign part"));
  const std::string md5 = crypto::HexEncode(crypto::Md5(file->data));
  const std::string_view given = Trimmed(sign->data);
  if (given.size() != md5.size() || strncasecmp(given.data(), md5.data(), md5.size()) != 0)
    return Send(exchange, kFailed,
                FormError(spec, Rule::kBadFormat, "fileSign", "not the hex MD5 of the uploaded file"));
  const Result<std::string> id = context_.pictures.Put(file->data);
  if (!id.ok()) return Send(exchange, kFailed, "uploadFile: the picture could not be stored");

  std::string record = "{\"fileSign\":\"" + md5 + "\",\"uploadFile\":";
  AppendJsonString(record, file->filename.empty() ? std::string_view(id.value()) : file->filename);
  record += '}';
  std::string url_member = ",\"imgUrl\":";
  AppendJsonString(url_member, ImageUrl(exchange, id.value()));
  auto error = context_.submitter.Submit(Registry::Get().IdOf(spec), record, exchange.received_ms,
                                         [&exchange, url_member](const SubmitOutcome& outcome) {
                                           if (!outcome.stored) {
                                             exchange.storage_failed = true;
                                             return Send(exchange, kFailed, kNotStored);
                                           }
                                           Send(exchange, kSuccess, "success", url_member);
                                         });
  if (error) Send(exchange, kFailed, error->Message());
}

void FitnessAdapter::AnswerVenue(Exchange& exchange, const InterfaceSpec& spec, std::string_view json) {
  QueryRecord query;
  if (auto error = query.Parse(spec, json)) return Send(exchange, kFailed, error->Message());
  const std::string_view venue_id = query["venueId"].AsText();
  const std::optional<std::string> members = venues_.Find(venue_id);
  if (!members) return Send(exchange, kFailed, "no venue " + std::string(venue_id) + " has been accepted");
  Send(exchange, kSuccess, "success", "," + *members);
}

void FitnessAdapter::ServeFile(Exchange& exchange, std::string_view id) {
  if (exchange.method != Method::kGet)
    return Send(exchange, kFailed,
                "method " + std::string(MethodName(exchange.method)) + " not allowed on " +
                    std::string(exchange.path) + ": use GET");
  std::string bytes;
  if (id.size() == 32 && IsLowerHex(id)) {
    std::ifstream in(context_.pictures.PathOf(id), std::ios::binary);
    if (in) bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) bytes.clear();
  }
  if (bytes.empty()) return Send(exchange, kFailed, "no such file", {}, 404);
  exchange.status = 200;
  exchange.content_type = PictureType(bytes);
  exchange.reply = std::move(bytes);
  exchange.reply_code = std::to_string(kSuccess);
  exchange.Finish();
}

}  // namespace civicflow::ingest::http
