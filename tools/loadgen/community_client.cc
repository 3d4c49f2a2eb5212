// CommunityClient: a community management system's side of the smart
// community specification (section 1.3): every request carries ?appKey= and
// the envelope {"encrypted","requestData"} — a fresh random AES-128 key per
// request, sealed with the platform's RSA public key (PKCS#1 v1.5), and the
// JSON under that key (AES-128-ECB/PKCS#7), both Base64. There is no login:
// the appKey and the key pair are the credentials.
#include "engine/base/json_escape.h"
#include "ingest/crypto/crypto.h"
#include "ingest/registry/registry.h"
#include "tools/loadgen/platform_client.h"
#include "tools/loadgen/query_encoding.h"

namespace civicflow::loadgen {
namespace {

class CommunityClient final : public PlatformClient {
 public:
  explicit CommunityClient(const ingest::http::CommunityAccount& account)
      : app_key_query_("?appKey=" + UrlEncoded(account.app_key)), private_key_pem_(account.private_key_pem) {}

  Result<HttpCall> Upload(std::string_view interface, int64_t /*ts_ms*/, std::string_view body,
                          Transport& /*transport*/) override {
    const ingest::InterfaceSpec* spec = ingest::Registry::Get().Find(ingest::Platform::kCommunity, interface);
    if (spec == nullptr)
      return Status::Error("community has no interface \"" + std::string(interface) + "\"");
    if (const Status status = LoadPublicKey(); !status.ok()) return status;
    if (sealed_key_.empty()) {
      // One AES key per client, sealed once: the platform caches what it unseals.
      aes_key_ = ingest::crypto::RandomBytes(16);
      Result<std::string> sealed = public_key_->EncryptPkcs1(aes_key_);
      if (!sealed.ok()) return sealed.status();
      sealed_key_ = ingest::crypto::Base64Encode(*sealed);
    }
    Result<std::string> ciphertext = ingest::crypto::Aes128EcbEncrypt(aes_key_, body);
    if (!ciphertext.ok()) return ciphertext.status();
    HttpCall call;
    call.method = std::string(spec->http_method);
    call.target = std::string(spec->http_path) + app_key_query_;
    call.headers.emplace_back("Content-Type", "application/json;charset=UTF-8");
    call.body = "{\"encrypted\":";
    AppendJsonString(call.body, sealed_key_);
    call.body += ",\"requestData\":";
    AppendJsonString(call.body, ingest::crypto::Base64Encode(*ciphertext));
    call.body += '}';
    return call;
  }

  std::string ReplyCode(const HttpAnswer& answer) const override { return ReplyMember(answer.body, "code"); }
  bool Accepted(std::string_view code) const override { return code == "0"; }
  bool TokenRejected(std::string_view) const override { return false; }  // no tokens on this platform
  void ForgetToken() override {}

 private:
  // The platform hands the public key out with the appKey; the account file
  // holds the pair, so the client derives it (once).
  Status LoadPublicKey() {
    if (public_key_) return Status();
    Result<ingest::crypto::RsaPrivateKey> private_key =
        ingest::crypto::RsaPrivateKey::FromPem(private_key_pem_);
    if (!private_key.ok()) return private_key.status();
    Result<ingest::crypto::RsaPublicKey> public_key =
        ingest::crypto::RsaPublicKey::FromPem(private_key->PublicKeyPem());
    if (!public_key.ok()) return public_key.status();
    public_key_ = std::make_unique<ingest::crypto::RsaPublicKey>(std::move(*public_key));
    private_key_pem_.clear();
    return Status();
  }

  const std::string app_key_query_;
  std::string private_key_pem_;
  std::unique_ptr<ingest::crypto::RsaPublicKey> public_key_;
  std::string aes_key_;
  std::string sealed_key_;  // aes_key_ sealed with the public key, Base64
};

}  // namespace

std::unique_ptr<PlatformClient> MakeCommunityClient(const ingest::http::CommunityAccount& account) {
  return std::make_unique<CommunityClient>(account);
}

}  // namespace civicflow::loadgen
