// The performance ticketing platform's client (PLATFORMS.md §4): a ticket
// seller that fetches an accessToken with its appId and secret
// (POST /getAccessToken) and then posts each call's JSON object with
// "accessToken" added as its first member. The GET type list passes the
// token as a query parameter, since a GET carries no body.
#include "engine/base/json_escape.h"
#include "tools/loadgen/platform_client.h"

namespace civicflow::loadgen {
namespace {

class TicketingClient final : public PlatformClient {
 public:
  explicit TicketingClient(const ingest::http::TicketingAccount& account) : account_(account) {}

  Result<HttpCall> Upload(std::string_view interface, int64_t /*ts_ms*/, std::string_view body,
                          Transport& transport) override {
    if (token_.empty()) {
      Status login = Login(transport);
      if (!login.ok()) return login;
    }
    HttpCall call;
    call.target = "/" + std::string(interface);
    if (interface == "standard/performance/type/list") {
      call.method = "GET";
      call.target += "?accessToken=" + token_;
      return call;
    }
    const size_t open = body.find_first_not_of(" \t\r\n");
    if (open == std::string_view::npos || body[open] != '{')
      return Status::Error("ticketing: a request body is one JSON object");
    call.method = "POST";
    call.headers.emplace_back("Content-Type", "application/json;charset=UTF-8");
    call.body = "{\"accessToken\":";
    AppendJsonString(call.body, token_);
    const std::string_view rest = body.substr(open + 1);
    const size_t first = rest.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && rest[first] != '}') call.body += ',';
    call.body += rest;
    return call;
  }

  std::string ReplyCode(const HttpAnswer& answer) const override { return ReplyMember(answer.body, "code"); }
  bool Accepted(std::string_view code) const override { return code == "200"; }
  bool TokenRejected(std::string_view code) const override { return code == "4200"; }
  void ForgetToken() override { token_.clear(); }

 private:
  Status Login(Transport& transport) {
    HttpCall call;
    call.method = "POST";
    call.target = "/getAccessToken";
    call.headers.emplace_back("Content-Type", "application/json;charset=UTF-8");
    call.body = "{\"appId\":";
    AppendJsonString(call.body, account_.app_id);
    call.body += ",\"secret\":";
    AppendJsonString(call.body, account_.secret);
    call.body += '}';
    Result<HttpAnswer> answer = transport.RoundTrip(call);
    if (!answer.ok()) return answer.status();
    std::string token = ReplyMember(ReplyMember(answer->body, "data"), "accessToken");
    if (token.empty())
      return Status::Error("ticketing: token refused: code " + ReplyMember(answer->body, "code") + " " +
                           ReplyMember(answer->body, "msg"));
    token_ = std::move(token);
    return Status();
  }

  ingest::http::TicketingAccount account_;
  std::string token_;
};

}  // namespace

std::unique_ptr<PlatformClient> MakeTicketingClient(const ingest::http::TicketingAccount& account) {
  return std::make_unique<TicketingClient>(account);
}

}  // namespace civicflow::loadgen
