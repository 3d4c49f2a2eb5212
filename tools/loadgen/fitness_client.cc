// The national fitness platform's client (PLATFORMS.md §1): a management
// system that fetches an access_token with its appid and secret, then posts
// each interface's JSON encrypted with DES-ECB/PKCS#5 under the first 8 bytes
// of its appKey, Base64-encoded, as text/plain (it always encrypts, even when
// the platform would take plain JSON). uploadFile goes as a multipart form.
#include <simdjson.h>

#include "ingest/crypto/crypto.h"
#include "tools/loadgen/platform_client.h"
#include "tools/loadgen/query_encoding.h"

namespace civicflow::loadgen {
namespace {

namespace crypto = ingest::crypto;

constexpr std::string_view kBoundary = "civicflowFitnessForm7MA4YWxkTrZu0gW";

// The archive keeps a picture's name, not its bytes: the client sends a small
// stand-in picture made from the name, and signs what it sends.
std::string StandInPicture(std::string_view name) {
  std::string bytes = "\xFF\xD8\xFF\xE0";
  bytes += "civicflow stand-in picture: ";
  bytes += name;
  bytes += "\xFF\xD9";
  return bytes;
}

std::string SafeFilename(std::string_view name) {
  std::string out(name.empty() ? std::string_view("picture.jpg") : name);
  for (char& c : out)
    if (c == '"' || c == '\r' || c == '\n' || c == '\\') c = '_';
  return out;
}

class FitnessClient final : public PlatformClient {
 public:
  explicit FitnessClient(const ingest::http::FitnessAccount& account) : account_(account) {}

  Result<HttpCall> Upload(std::string_view interface, int64_t /*ts_ms*/, std::string_view body,
                          Transport& transport) override {
    if (token_.empty()) {
      Status login = Login(transport);
      if (!login.ok()) return login;
    }
    HttpCall call;
    call.method = "POST";
    call.target = "/api/" + std::string(interface);
    call.headers.emplace_back("Authorization", "Bearer " + token_);
    if (interface == "uploadFile") return FileForm(std::move(call), body);
    Result<std::string> ciphertext =
        crypto::DesEcbEncrypt(std::string_view(account_.app_key).substr(0, 8), body);
    if (!ciphertext.ok()) return Status::Error("fitness: cannot encrypt: " + ciphertext.status().message());
    call.headers.emplace_back("Content-Type", "text/plain;charset=UTF-8");
    call.body = crypto::Base64Encode(ciphertext.value());
    return call;
  }

  std::string ReplyCode(const HttpAnswer& answer) const override {
    if (answer.status == 401) return "401";  // the adapter's refusal of a token (errCode -1 in the body)
    return ReplyMember(answer.body, "errCode");
  }
  bool Accepted(std::string_view code) const override { return code == "0" || code == "403"; }
  bool TokenRejected(std::string_view code) const override { return code == "401"; }
  void ForgetToken() override { token_.clear(); }

 private:
  Status Login(Transport& transport) {
    HttpCall call;
    call.method = "GET";
    call.target = "/api/token?grant_type=client_credential&appid=" + UrlEncoded(account_.appid) +
                  "&secret=" + UrlEncoded(account_.secret);
    Result<HttpAnswer> answer = transport.RoundTrip(call);
    if (!answer.ok()) return answer.status();
    std::string token = ReplyMember(answer->body, "access_token");
    if (token.empty())
      return Status::Error("fitness: token refused: errcode " + ReplyMember(answer->body, "errcode") + " " +
                           ReplyMember(answer->body, "errmsg"));
    token_ = std::move(token);
    return Status();
  }

  static Result<HttpCall> FileForm(HttpCall call, std::string_view body) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    std::string_view name;
    if (parser.parse(simdjson::padded_string(body)).get(root) || root["uploadFile"].get_string().get(name))
      return Status::Error("fitness: uploadFile body needs an uploadFile name");
    const std::string picture = StandInPicture(name);
    const std::string boundary(kBoundary);
    call.headers.emplace_back("Content-Type", "multipart/form-data; boundary=" + boundary);
    call.body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"fileSign\"\r\n\r\n" +
                crypto::HexEncode(crypto::Md5(picture)) + "\r\n--" + boundary +
                "\r\nContent-Disposition: form-data; name=\"uploadFile\"; filename=\"" + SafeFilename(name) +
                "\"\r\nContent-Type: image/jpeg\r\n\r\n" + picture + "\r\n--" + boundary + "--\r\n";
    return call;
  }

  ingest::http::FitnessAccount account_;
  std::string token_;
};

}  // namespace

std::unique_ptr<PlatformClient> MakeFitnessClient(const ingest::http::FitnessAccount& account) {
  return std::make_unique<FitnessClient>(account);
}

}  // namespace civicflow::loadgen
