// OrienteeringClient: the orienteering app's side of the client API
// (/client/v1). It logs in as the app does — auth/sms/send, then
// auth/login/sms with the account's code — keeps the access and refresh
// tokens, and when the access token is forgotten (rejected) renews it with
// auth/refresh before falling back to a new SMS login. An upload's path
// parameters ({session_id} …) are taken out of the archive body and put in
// the path; GET calls send the remaining members as the query string.
#include <simdjson.h>

#include <algorithm>

#include "engine/base/json_escape.h"
#include "ingest/crypto/crypto.h"
#include "ingest/registry/registry.h"
#include "tools/loadgen/platform_client.h"
#include "tools/loadgen/query_encoding.h"

namespace civicflow::loadgen {
namespace {

namespace dom = simdjson::dom;

constexpr std::string_view kClientType = "app";

// A member's value as path or query text: a string's contents, otherwise its JSON.
std::string PlainText(dom::element value) {
  std::string_view text;
  if (!value.get_string().get(text)) return std::string(text);
  return simdjson::minify(value);
}

// {"error":{"code":…}} → code; {"data":…} → "ok".
std::string CodeOf(std::string_view reply) {
  dom::parser parser;
  dom::element root;
  if (parser.parse(simdjson::padded_string(reply)).get(root)) return {};
  std::string_view code;
  if (!root["error"]["code"].get_string().get(code)) return std::string(code);
  dom::element data;
  return root["data"].get(data) ? std::string() : "ok";
}

std::string DataMember(std::string_view reply, std::string_view key) {
  dom::parser parser;
  std::string_view value;
  if (parser.parse(simdjson::padded_string(reply))["data"][key].get_string().get(value)) return {};
  return std::string(value);
}

class OrienteeringClient final : public PlatformClient {
 public:
  explicit OrienteeringClient(const ingest::http::OrienteeringAccount& account)
      : account_(account), device_id_("dev_loadgen_" + account.mobile) {}

  Result<HttpCall> Upload(std::string_view interface, int64_t /*ts_ms*/, std::string_view body,
                          Transport& transport) override {
    const ingest::InterfaceSpec* spec =
        ingest::Registry::Get().Find(ingest::Platform::kOrienteering, interface);
    if (spec == nullptr)
      return Status::Error("orienteering has no interface \"" + std::string(interface) + "\"");
    Result<HttpCall> call = CallFor(*spec, body);
    if (!call.ok() || interface.starts_with("auth/")) return call;
    if (access_token_.empty())
      if (const Status status = LogIn(transport); !status.ok()) return status;
    call->headers.emplace_back("Authorization", "Bearer " + access_token_);
    return call;
  }

  std::string ReplyCode(const HttpAnswer& answer) const override { return CodeOf(answer.body); }
  bool Accepted(std::string_view code) const override { return code == "ok"; }
  bool TokenRejected(std::string_view code) const override { return code == "unauthorized"; }
  void ForgetToken() override { access_token_.clear(); }

 private:
  // The request for `spec` from an archive body: path parameters substituted.
  static Result<HttpCall> CallFor(const ingest::InterfaceSpec& spec, std::string_view body) {
    const bool get = spec.http_method == "GET";
    if (!get && spec.http_path.find('{') == std::string_view::npos)  // sent as it is
      return HttpCall{
          "POST", std::string(spec.http_path), {{"Content-Type", "application/json"}}, std::string(body)};
    dom::parser parser;
    dom::object object;
    if (parser.parse(simdjson::padded_string(body)).get(object))
      return Status::Error("orienteering/" + std::string(spec.name) + ": the body must be one JSON object");
    HttpCall call;
    call.method = std::string(spec.http_method);
    std::vector<std::string_view> in_path;
    std::string_view rest = spec.http_path;
    while (!rest.empty()) {
      const size_t open = rest.find('{');
      call.target += rest.substr(0, open);
      if (open == std::string_view::npos) break;
      const size_t close = rest.find('}', open);
      const std::string_view name = rest.substr(open + 1, close - open - 1);
      dom::element value;
      if (object[name].get(value))
        return Status::Error("orienteering/" + std::string(spec.name) + ": the body has no " +
                             std::string(name));
      call.target += UrlEncoded(PlainText(value));
      in_path.push_back(name);
      rest.remove_prefix(close + 1);
    }
    std::string members;
    for (auto [key, value] : object) {
      if (std::find(in_path.begin(), in_path.end(), key) != in_path.end()) continue;
      if (get) {
        members += members.empty() ? '?' : '&';
        members += UrlEncoded(key) + "=" + UrlEncoded(PlainText(value));
      } else {
        if (!members.empty()) members += ',';
        AppendJsonString(members, key);
        members += ':';
        members += simdjson::minify(value);
      }
    }
    if (get) {
      call.target += members;
    } else {
      call.body = "{" + members + "}";
      call.headers.emplace_back("Content-Type", "application/json");
    }
    return call;
  }

  static HttpCall Post(std::string_view path, std::string body) {
    return HttpCall{
        "POST", "/client/v1/" + std::string(path), {{"Content-Type", "application/json"}}, std::move(body)};
  }

  // A new access token: by refresh token when there is one, else by SMS login.
  Status LogIn(Transport& transport) {
    if (!refresh_token_.empty()) {
      std::string body = "{\"refresh_token\":";
      AppendJsonString(body, refresh_token_);
      body += ",\"client_type\":\"app\"}";
      Result<HttpAnswer> answer = transport.RoundTrip(Post("auth/refresh", std::move(body)));
      if (answer.ok() && CodeOf(answer->body) == "ok") {
        access_token_ = DataMember(answer->body, "access_token");
        if (!access_token_.empty()) return Status();
      }
      refresh_token_.clear();
    }
    std::string identity = "\"country_code\":";
    AppendJsonString(identity, account_.country_code);
    identity += ",\"mobile\":";
    AppendJsonString(identity, account_.mobile);
    identity += ",\"client_type\":\"" + std::string(kClientType) + "\",\"device_id\":";
    AppendJsonString(identity, device_id_);
    Result<HttpAnswer> sent =
        transport.RoundTrip(Post("auth/sms/send", "{\"scene\":\"client_login\"," + identity + "}"));
    if (!sent.ok()) return sent.status();
    // A code sent within the cooldown is still valid: go on and use it.
    const std::string sent_code = CodeOf(sent->body);
    if (sent_code != "ok" && sent_code != "sms_cooldown")
      return Status::Error("auth/sms/send: " + sent->body);
    std::string login = "{\"login_request_id\":\"login_" +
                        ingest::crypto::HexEncode(ingest::crypto::RandomBytes(8)) + "\",\"sms_code\":";
    AppendJsonString(login, account_.sms_code);
    login += "," + identity + "}";
    Result<HttpAnswer> answer = transport.RoundTrip(Post("auth/login/sms", std::move(login)));
    if (!answer.ok()) return answer.status();
    access_token_ = DataMember(answer->body, "access_token");
    refresh_token_ = DataMember(answer->body, "refresh_token");
    if (access_token_.empty()) return Status::Error("auth/login/sms: " + ReplyMember(answer->body, "error"));
    return Status();
  }

  const ingest::http::OrienteeringAccount account_;
  const std::string device_id_;
  std::string access_token_, refresh_token_;
};

}  // namespace

std::unique_ptr<PlatformClient> MakeOrienteeringClient(const ingest::http::OrienteeringAccount& account) {
  return std::make_unique<OrienteeringClient>(account);
}

}  // namespace civicflow::loadgen
