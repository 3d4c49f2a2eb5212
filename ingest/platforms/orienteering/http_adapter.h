#pragma once
// OrienteeringAdapter: the orienteering app's client API under /client/v1
// (PLATFORMS.md §5; the readings are in this folder's README):
//   auth/sms/send, auth/login/sms, auth/refresh       LoginDesk (no SMS is sent)
//   auth/login/wechat                                 refused: no WeChat link
//   [competitions/{id}/]events/{id}/launch            a session (SessionBook)
//   session-uploads, punches, sessions/{id}/finish    to the submitter
//   sessions/{id}/result|replay-summary|gps-track|heart-rate, me/sessions
//                                                     answered from SessionBook
// Every call but auth/* needs `Authorization: Bearer <access_token>`. Path
// parameters are copied into the body as fields. Replies, all HTTP 200:
//   {"request_id":"req_…","data":{…}}
//   {"request_id":"req_…","error":{"code","message","details":{…}}}
// Owns the login state and the sessions. Thread-safe: every I/O thread calls
// Handle; an upload takes shared locks only (token, session owner) until its
// `done` files the digest.
#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/http/accounts.h"
#include "ingest/http/platform_handler.h"
#include "ingest/platforms/orienteering/login_desk.h"
#include "ingest/platforms/orienteering/session_book.h"
#include "ingest/registry/registry.h"

namespace civicflow::ingest::http {

class OrienteeringAdapter final : public PlatformHandler {
 public:
  static constexpr size_t kBodyLimit = 4u << 20;

  OrienteeringAdapter(const std::vector<OrienteeringAccount>& accounts, const AdapterContext& context);

  size_t BodyLimit(std::string_view path) const override;
  void Handle(Exchange& exchange) override;
  void RejectOversize(Exchange& exchange) override;
  // Checkpoints: the login state (tokens, codes sent) and the sessions.
  void SaveState(StateWriter& out) const override;
  void LoadState(StateReader& in) override;

 private:
  struct Route {
    const InterfaceSpec* spec;
    std::vector<std::string_view> segments;  // of http_path; "{name}" matches any one segment
  };
  struct PathParam {
    std::string_view name;
    std::string value;  // percent-decoded
  };
  struct Call {
    const InterfaceSpec& spec;
    std::vector<PathParam> params;
  };

  // The route of `path`; `wrong_method` when only another method's matches.
  std::optional<Call> Match(std::string_view path, Method method, bool& wrong_method) const;
  // The account of the bearer token; otherwise replies and returns nullopt.
  std::optional<size_t> Authenticate(Exchange& exchange);
  // Adds the path parameters to the body object in exchange.body as members
  // (a member already there must agree); otherwise replies and returns false.
  bool AddPathParams(Exchange& exchange, const Call& call);

  void SendCode(Exchange& exchange, const InterfaceSpec& spec);
  void LoginWithSms(Exchange& exchange, const InterfaceSpec& spec);
  void Refresh(Exchange& exchange, const InterfaceSpec& spec);
  void Launch(Exchange& exchange, const Call& call, size_t account);
  void Upload(Exchange& exchange, const Call& call, size_t account);
  void Read(Exchange& exchange, const Call& call, size_t account);
  void ListSessions(Exchange& exchange, const InterfaceSpec& spec, size_t account);

  void SendData(Exchange& exchange, std::string_view data);
  void SendError(Exchange& exchange, std::string_view code, std::string_view message,
                 std::string_view details = "{}");
  void SendInvalid(Exchange& exchange, const ValidationError& error);

  AdapterContext context_;
  LoginDesk desk_;
  SessionBook sessions_;
  std::vector<Route> routes_;
  const uint64_t request_id_base_;
  std::atomic<uint64_t> next_request_{0};
};

}  // namespace civicflow::ingest::http
