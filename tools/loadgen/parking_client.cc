// The Shenzhen parking platform's client (PLATFORMS.md §2): a parking lot
// management system that logs in with its userId and Base64(SM3(password)),
// then posts each interface as the envelope {"timestamp","sign","version",
// "data":[...]}, signed with the SM3 of the data bytes it sends, with header
// `authorization: <accessToken>`. It always encrypts the sensitive fields
// (header `encrypted: 0`, SM4-ECB under its sm4Key, Base64). picture goes as
// a multipart form.
#include <simdjson.h>

#include "engine/base/json_escape.h"
#include "ingest/crypto/crypto.h"
#include "ingest/platforms/parking/envelope.h"
#include "ingest/platforms/parking/record_fields.h"
#include "tools/loadgen/platform_client.h"

namespace civicflow::loadgen {
namespace {

namespace crypto = ingest::crypto;
namespace parking = ingest::parking;

constexpr std::string_view kPrefix = "/dataReceive/v1/";
constexpr std::string_view kVersion = "1.0.0";
constexpr std::string_view kBoundary = "civicflowParkingForm3f9Q2kLmZx81";
constexpr size_t kStandInPictureBytes = 100 << 10;  // table 15: 100 KB - 500 KB

// The archive keeps a picture's record, not its bytes: the client sends a
// stand-in picture made from the picture id (the same bytes on a resend).
std::string StandInPicture(std::string_view id) {
  std::string bytes = "\xFF\xD8\xFF\xE0";
  std::string block = crypto::Sm3(id);
  while (bytes.size() + 2 < kStandInPictureBytes) {
    bytes += block;
    block = crypto::Sm3(block);
  }
  bytes.resize(kStandInPictureBytes - 2);
  bytes += "\xFF\xD9";
  return bytes;
}

std::string FormField(std::string_view name, std::string_view value) {
  std::string part = "--" + std::string(kBoundary) + "\r\nContent-Disposition: form-data; name=\"";
  part += name;
  part += "\"\r\n\r\n";
  part += value;
  part += "\r\n";
  return part;
}

// `body` (one record or an array of them) as the envelope's data array.
std::string DataArray(std::string_view body) {
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && body[first] == '[') return std::string(body);
  return "[" + std::string(body) + "]";
}

std::string EnvelopeOf(int64_t ts_ms, std::string_view data) {
  return "{\"timestamp\":" + std::to_string(ts_ms) + ",\"sign\":\"" + parking::DataSign(data) +
         "\",\"version\":\"" + std::string(kVersion) + "\",\"data\":" + std::string(data) + "}";
}

class ParkingClient final : public PlatformClient {
 public:
  ParkingClient(const ingest::http::ParkingAccount& account, std::string password)
      : account_(account), password_(std::move(password)) {}

  Result<HttpCall> Upload(std::string_view interface, int64_t ts_ms, std::string_view body,
                          Transport& transport) override {
    if (interface == "login") return LoginCall(ts_ms, DataArray(body));
    if (token_.empty()) {
      Status login = Login(ts_ms, transport);
      if (!login.ok()) return login;
    }
    HttpCall call;
    call.target = std::string(kPrefix) + std::string(interface);
    call.headers.emplace_back("authorization", token_);
    if (interface == "picture") return PictureForm(std::move(call), body);
    Result<std::string> data = Encrypted(interface, DataArray(body));
    if (!data.ok()) return data.status();
    call.headers.emplace_back("encrypted", "0");
    call.headers.emplace_back("Content-Type", "application/json;charset=UTF-8");
    call.body = EnvelopeOf(ts_ms, *data);
    return call;
  }

  std::string ReplyCode(const HttpAnswer& answer) const override { return ReplyMember(answer.body, "code"); }
  bool Accepted(std::string_view code) const override { return code == "0" || code == "1200"; }
  // 3002: the token is unknown, revoked or expired; 5: none was sent.
  bool TokenRejected(std::string_view code) const override { return code == "3002" || code == "5"; }
  void ForgetToken() override { token_.clear(); }

 private:
  HttpCall LoginCall(int64_t ts_ms, std::string_view data) const {
    HttpCall call;
    call.target = std::string(kPrefix) + "login";
    call.headers.emplace_back("Content-Type", "application/json;charset=UTF-8");
    call.body = EnvelopeOf(ts_ms, data);
    return call;
  }

  Status Login(int64_t ts_ms, Transport& transport) {
    std::string data = "[{\"userId\":";
    AppendJsonString(data, account_.user_id);
    data += ",\"password\":\"" + crypto::Base64Encode(crypto::Sm3(password_)) + "\"}]";
    Result<HttpAnswer> answer = transport.RoundTrip(LoginCall(ts_ms, data));
    if (!answer.ok()) return answer.status();
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    std::string_view token;
    if (parser.parse(simdjson::padded_string(answer->body)).get(root) ||
        root["data"].at(0)["accessToken"].get_string().get(token) || token.empty())
      return Status::Error("parking: login refused: code " + ReplyMember(answer->body, "code") + " " +
                           ReplyMember(answer->body, "message"));
    token_ = std::string(token);
    return Status();
  }

  // `data` with its sensitive fields SM4-encrypted and Base64-encoded.
  Result<std::string> Encrypted(std::string_view interface, const std::string& data) const {
    const parking::FieldCipher encrypt = [this](std::string_view value, std::string& out) {
      Result<std::string> cipher_text = crypto::Sm4EcbEncrypt(account_.sm4_key, value);
      if (!cipher_text.ok()) return false;
      out = crypto::Base64Encode(*cipher_text);
      return true;
    };
    const simdjson::padded_string padded(data);
    Result<parking::ScannedData> scanned = parking::ScanData(padded, interface, &encrypt, "cannot encrypt");
    if (!scanned.ok()) return Status::Error("parking: " + scanned.status().message());
    return scanned->rewritten ? std::move(*scanned->rewritten) : data;
  }

  // The picture record's members as form fields, plus the stand-in file.
  static Result<HttpCall> PictureForm(HttpCall call, std::string_view body) {
    simdjson::dom::parser parser;
    simdjson::dom::object record;
    if (parser.parse(simdjson::padded_string(body)).get(record))
      return Status::Error("parking: a picture body is one JSON object");
    std::string form, id = "picture", file_name = "picture";
    for (auto [key, value] : record) {
      const std::string text =
          value.is_string() ? std::string(value.get_string().value_unsafe()) : simdjson::minify(value);
      if (key == "id") id = text;
      if (key == "fileName") file_name = text;
      form += FormField(key, text);
    }
    for (char& c : file_name)
      if (c == '"' || c == '\r' || c == '\n' || c == '\\') c = '_';
    form += "--" + std::string(kBoundary) + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
            file_name + ".jpg\"\r\nContent-Type: image/jpeg\r\n\r\n" + StandInPicture(id) + "\r\n--" +
            std::string(kBoundary) + "--\r\n";
    call.headers.emplace_back("Content-Type", "multipart/form-data; boundary=" + std::string(kBoundary));
    call.body = std::move(form);
    return call;
  }

  ingest::http::ParkingAccount account_;
  std::string password_;
  std::string token_;
};

}  // namespace

std::unique_ptr<PlatformClient> MakeParkingClient(const ingest::http::ParkingAccount& account,
                                                  std::string password) {
  return std::make_unique<ParkingClient>(account, std::move(password));
}

}  // namespace civicflow::loadgen
