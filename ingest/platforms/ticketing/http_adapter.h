#pragma once
// TicketingAdapter: the performance ticketing platform's HTTP side
// (PLATFORMS.md §4; the readings are in this folder's README):
//   POST /getAccessToken {appId, secret} -> data {accessToken, expiresIn}
//   every other call carries "accessToken" in its JSON object body (the GET
//   type list may pass it as a query parameter instead)
//   uploads (/report/...) go to the submitter; the type list, venue list,
//   venue save and /performance/code are answered from this adapter's state.
// Replies {"code","msg","success","data"}: 200 success, 4000 parameters,
// 4200 token invalid (get a new one), 5000 system.
// The token is blanked out of the body once checked, so that nothing
// downstream holds it.
// Owns its tokens, venues and session codes. Thread-safe: every I/O thread
// calls Handle; the upload path takes only a shared lock (the token check).
#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "ingest/http/accounts.h"
#include "ingest/http/platform_handler.h"
#include "ingest/http/token_store.h"
#include "ingest/platforms/ticketing/session_codes.h"
#include "ingest/platforms/ticketing/venue_directory.h"
#include "ingest/registry/registry.h"

namespace civicflow::ingest::http {

class TicketingAdapter final : public PlatformHandler {
 public:
  static constexpr size_t kBodyLimit = 4u << 20;

  TicketingAdapter(const std::vector<TicketingAccount>& accounts, const AdapterContext& context);

  size_t BodyLimit(std::string_view path) const override;
  void Handle(Exchange& exchange) override;
  void RejectOversize(Exchange& exchange) override;
  // Checkpoints: the live tokens, the venues and the session codes.
  void SaveState(StateWriter& out) const override;
  void LoadState(StateReader& in) override;

 private:
  void IssueToken(Exchange& exchange, const InterfaceSpec& spec);
  // True when the request's accessToken is live; otherwise replies (4000 / 4200).
  bool Authenticate(Exchange& exchange, const InterfaceSpec& spec);
  void Upload(Exchange& exchange, const InterfaceSpec& spec);
  void ListVenues(Exchange& exchange, const InterfaceSpec& spec);
  void SaveVenue(Exchange& exchange, const InterfaceSpec& spec);
  void RegisterPerformance(Exchange& exchange, const InterfaceSpec& spec);

  std::vector<TicketingAccount> accounts_;
  std::unordered_map<std::string, size_t> account_by_app_id_;
  AdapterContext context_;
  TokenStore tokens_;
  VenueDirectory venues_;
  SessionCodes sessions_;
};

}  // namespace civicflow::ingest::http
