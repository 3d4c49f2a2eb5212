#pragma once
// FitnessAdapter: the national fitness platform's HTTP side (PLATFORMS.md §1;
// the readings are in this folder's README):
//   GET  /api/token?grant_type=client_credential&appid=..&secret=..
//   POST /api/<interfaceName>   Authorization: Bearer <access_token>; body the
//        Base64 of the DES-ECB/PKCS#5 ciphertext of the JSON under the first 8
//        bytes of the app's appKey (plain JSON only for allowPlaintext apps)
//   POST /api/uploadFile        multipart: fileSign (hex MD5) + uploadFile
//   POST /api/syncVenueDataGet  answered from the latest accepted syncVenueData
//   GET  /api/files/<md5>       the imgUrl that uploadFile answers (no token)
// Replies {"errCode":0|-1|403,"errMsg"}; the token endpoint answers
// {"access_token","expires_in"} or {"errcode","errmsg"}.
// Owns its tokens and venues. Thread-safe: every I/O thread calls Handle; the
// upload path takes only a shared lock (the token check).
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ingest/http/accounts.h"
#include "ingest/http/platform_handler.h"
#include "ingest/http/token_store.h"
#include "ingest/platforms/fitness/venue_book.h"
#include "ingest/registry/registry.h"

namespace civicflow::ingest::http {

class FitnessAdapter final : public PlatformHandler {
 public:
  static constexpr size_t kBodyLimit = 4u << 20;
  // A 10 MB picture plus the multipart framing around it.
  static constexpr size_t kUploadFileLimit = (10u << 20) + (64u << 10);

  FitnessAdapter(const std::vector<FitnessAccount>& accounts, const AdapterContext& context);

  size_t BodyLimit(std::string_view path) const override;
  void Handle(Exchange& exchange) override;
  void RejectOversize(Exchange& exchange) override;
  // Keeps the venues of a recalled syncVenueData upload for syncVenueDataGet.
  void Recall(const InterfaceSpec& spec, std::string_view json) override;
  // Checkpoints: the live tokens and the venues.
  void SaveState(StateWriter& out) const override;
  void LoadState(StateReader& in) override;

 private:
  void IssueToken(Exchange& exchange);
  // The account of the request's bearer token; otherwise replies 401 and returns nullopt.
  std::optional<size_t> Authenticate(Exchange& exchange);
  // The business JSON of an upload or query body: decrypted, or plain when the app may send it.
  Result<std::string> DecodedBody(Exchange& exchange, const FitnessAccount& account) const;
  void Upload(Exchange& exchange, const InterfaceSpec& spec, std::string_view json);
  void UploadFile(Exchange& exchange, const InterfaceSpec& spec);
  void AnswerVenue(Exchange& exchange, const InterfaceSpec& spec, std::string_view json);
  void ServeFile(Exchange& exchange, std::string_view id);

  std::vector<FitnessAccount> accounts_;
  std::unordered_map<std::string, size_t> account_by_appid_;
  AdapterContext context_;
  TokenStore tokens_;
  VenueBook venues_;
  const InterfaceSpec& venue_upload_;
};

}  // namespace civicflow::ingest::http
