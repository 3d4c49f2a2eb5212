#pragma once
// CommunityAdapter: the smart community platform's HTTP side (PLATFORMS.md §3;
// the readings are in this folder's README):
//   POST /api/v1/<path>?appKey=..   body {"encrypted","requestData"}:
//        encrypted   = Base64(RSA-PKCS#1 v1.5 of a random 16-byte AES key,
//                      under the appKey's public key)
//        requestData = Base64(AES-128-ECB/PKCS#7 of the business JSON)
//   GET  /api/v1/wd/<code>?appKey=..  a dictionary (CommunityDictionaries)
// Replies {"code":"0"|"100x","errMsg","data"} with HTTP 200. Records that
// name an unregistered community, entrance, camera, barrier or access-control
// system are refused (前置接入, PrerequisiteBook).
// Owns the accounts' private keys, the registered codes and the dictionaries.
// Thread-safe: every I/O thread calls Handle; an upload takes one shared lock
// (the prerequisite check) and costs one RSA private-key operation.
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ingest/crypto/crypto.h"
#include "ingest/http/accounts.h"
#include "ingest/http/platform_handler.h"
#include "ingest/platforms/community/dictionaries.h"
#include "ingest/platforms/community/prerequisite_book.h"
#include "ingest/platforms/community/session_keys.h"
#include "ingest/registry/registry.h"

namespace civicflow::ingest::http {

class CommunityAdapter final : public PlatformHandler {
 public:
  static constexpr size_t kBodyLimit = 4u << 20;

  // REQUIRES: every account's private_key_pem is an RSA private key (Accounts checks it).
  CommunityAdapter(const std::vector<CommunityAccount>& accounts, const AdapterContext& context);

  size_t BodyLimit(std::string_view path) const override;
  void Handle(Exchange& exchange) override;
  void RejectOversize(Exchange& exchange) override;
  // Registers the codes a recalled master-data upload registered.
  void Recall(const InterfaceSpec& spec, std::string_view json) override;
  // Checkpoints: the registered codes. The unsealed AES keys are a cache
  // (SessionKeys) and are not kept: a sealed key unseals again.
  void SaveState(StateWriter& out) const override;
  void LoadState(StateReader& in) override;

  // For tests and tools: whether an accepted upload registered `code`.
  const PrerequisiteBook& prerequisites() const { return prerequisites_; }

 private:
  // The account named by ?appKey=; otherwise replies and returns nullopt.
  std::optional<size_t> Authenticate(Exchange& exchange);
  // The business JSON of the envelope in exchange.body, with simdjson padding
  // reserved past its end; otherwise replies and returns nullopt.
  std::optional<std::string> DecryptedBody(Exchange& exchange, size_t account);
  void Upload(Exchange& exchange, const InterfaceSpec& spec, std::string json);
  void AnswerDictionary(Exchange& exchange, std::string_view code);

  std::vector<std::string> app_keys_;
  std::vector<crypto::RsaPrivateKey> keys_;
  SessionKeys session_keys_;
  std::unordered_map<std::string, size_t> account_by_app_key_;
  AdapterContext context_;
  PrerequisiteBook prerequisites_;
  const CommunityDictionaries dictionaries_;
};

}  // namespace civicflow::ingest::http
