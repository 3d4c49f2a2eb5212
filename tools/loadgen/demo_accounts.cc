#include "tools/loadgen/demo_accounts.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "engine/base/json_escape.h"
#include "ingest/crypto/crypto.h"

namespace civicflow::loadgen {
namespace {

namespace crypto = ingest::crypto;
namespace fs = std::filesystem;

std::string RandomHex(size_t bytes) { return crypto::HexEncode(crypto::RandomBytes(bytes)); }

std::string Numbered(const char* format, int n) {
  char text[64];
  std::snprintf(text, sizeof(text), format, n);
  return text;
}

// {"k1":"v1","k2":v2...} from already-encoded values.
class JsonObject {
 public:
  JsonObject& Text(std::string_view key, std::string_view value) {
    Key(key);
    AppendJsonString(text_, value);
    return *this;
  }
  JsonObject& Flag(std::string_view key, bool value) {
    Key(key);
    text_ += value ? "true" : "false";
    return *this;
  }
  std::string Done() { return text_ + "}"; }

 private:
  void Key(std::string_view key) {
    text_ += text_.size() > 1 ? "," : "";
    AppendJsonString(text_, key);
    text_ += ':';
  }
  std::string text_ = "{";
};

Status WriteFile(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) return Status::Error("cannot write " + path.string());
  return Status();
}

}  // namespace

std::string ParkingPasswordHash(std::string_view password) {
  return crypto::Base64Encode(crypto::Sm3(password));
}

Result<std::string> WriteDemoAccounts(const DemoAccountsOptions& options) {
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec) return Status::Error("cannot create " + options.dir + ": " + ec.message());
  const fs::path dir(options.dir);
  std::string fitness, parking, community, ticketing, orienteering;
  for (int n = 1; n <= options.per_platform; ++n) {
    const std::string comma = n > 1 ? "," : "";
    fitness += comma + JsonObject()
                           .Text("appid", Numbered("cf-fitness-%02d", n))
                           .Text("secret", RandomHex(16))
                           .Text("appKey", RandomHex(8))
                           .Flag("allowPlaintext", false)
                           .Done();
    parking += comma + JsonObject()
                           .Text("userId", Numbered("cfpark%010d", n))
                           .Text("passwordSm3Base64", ParkingPasswordHash(options.parking_password))
                           .Text("sm4Key", RandomHex(16))
                           .Done();
    const std::string pem_name = Numbered("community-%d.pem", n);
    Status written = WriteFile(dir / pem_name, crypto::GenerateRsaPrivateKeyPem());
    if (!written.ok()) return written;
    fs::permissions(dir / pem_name, fs::perms::owner_read | fs::perms::owner_write, ec);
    community +=
        comma +
        JsonObject().Text("appKey", Numbered("cf-community-%02d", n)).Text("privateKeyPem", pem_name).Done();
    ticketing +=
        comma +
        JsonObject().Text("appId", Numbered("cf-ticketing-%02d", n)).Text("secret", RandomHex(16)).Done();
    orienteering += comma + JsonObject()
                                .Text("countryCode", "86")
                                .Text("mobile", Numbered("139000%05d", n))
                                .Text("smsCode", Numbered("%06d", 100000 + n * 7919 % 900000))
                                .Done();
  }
  const std::string text = "{\n  \"fitness\": [" + fitness + "],\n  \"parking\": [" + parking +
                           "],\n  \"community\": [" + community + "],\n  \"ticketing\": [" + ticketing +
                           "],\n  \"orienteering\": [" + orienteering + "]\n}\n";
  const fs::path path = dir / "accounts.json";
  Status written = WriteFile(path, text);
  if (!written.ok()) return written;
  return path.string();
}

}  // namespace civicflow::loadgen
