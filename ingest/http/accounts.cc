#include "ingest/http/accounts.h"

#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ingest/crypto/crypto.h"

namespace civicflow::ingest::http {
namespace {

namespace dom = simdjson::dom;

// Reads one account object's fields by name; remembers the first error.
class AccountReader {
 public:
  AccountReader(dom::object object, std::string where) : object_(object), where_(std::move(where)) {}

  std::string Text(std::string_view key) {
    std::string_view value;
    if (!error_.empty()) return {};
    if (object_[key].get_string().get(value))
      error_ = where_ + "." + std::string(key) + ": missing or not a string";
    return std::string(value);
  }
  bool Flag(std::string_view key) {
    bool value = false;
    auto field = object_[key];
    if (field.error() == simdjson::NO_SUCH_FIELD || !error_.empty()) return false;
    if (field.get_bool().get(value)) error_ = where_ + "." + std::string(key) + ": not a boolean";
    return value;
  }
  void Fail(std::string_view key, std::string_view why) {
    if (error_.empty()) error_ = where_ + "." + std::string(key) + ": " + std::string(why);
  }
  const std::string& error() const { return error_; }

 private:
  dom::object object_;
  std::string where_;
  std::string error_;
};

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Result<Accounts> Accounts::Parse(std::string_view json, const std::string& base_dir) {
  dom::parser parser;
  dom::object root;
  if (auto e = parser.parse(simdjson::padded_string(json)).get(root))
    return Status::Error(std::string("accounts: not a JSON object: ") + simdjson::error_message(e));
  Accounts accounts;
  for (auto [platform, value] : root) {
    dom::array list;
    if (value.get_array().get(list))
      return Status::Error("accounts." + std::string(platform) + ": not an array");
    size_t index = 0;
    for (dom::element element : list) {
      const std::string where = "accounts." + std::string(platform) + "[" + std::to_string(index++) + "]";
      dom::object object;
      if (element.get_object().get(object)) return Status::Error(where + ": not an object");
      AccountReader r(object, where);
      if (platform == "fitness") {
        FitnessAccount a{r.Text("appid"), r.Text("secret"), r.Text("appKey"), r.Flag("allowPlaintext")};
        if (r.error().empty() && a.app_key.size() < 8)
          r.Fail("appKey", "needs at least 8 bytes (the DES key)");
        accounts.fitness.push_back(std::move(a));
      } else if (platform == "parking") {
        ParkingAccount a{r.Text("userId"), r.Text("passwordSm3Base64"), {}};
        const std::string hex = r.Text("sm4Key");
        auto key = crypto::HexDecode(hex);
        if (r.error().empty() && (!key || key->size() != 16)) r.Fail("sm4Key", "needs 32 hex digits");
        if (key) a.sm4_key = std::move(*key);
        accounts.parking.push_back(std::move(a));
      } else if (platform == "community") {
        CommunityAccount a{r.Text("appKey"), {}};
        const std::string pem_path = r.Text("privateKeyPem");
        if (r.error().empty()) {
          const std::filesystem::path path = std::filesystem::path(base_dir) / pem_path;
          auto pem = ReadFile(path.string());
          if (!pem.ok())
            r.Fail("privateKeyPem", pem.status().message());
          else if (!crypto::RsaPrivateKey::FromPem(*pem).ok())
            r.Fail("privateKeyPem", "not an RSA private key");
          else
            a.private_key_pem = std::move(*pem);
        }
        accounts.community.push_back(std::move(a));
      } else if (platform == "ticketing") {
        accounts.ticketing.push_back({r.Text("appId"), r.Text("secret")});
      } else if (platform == "orienteering") {
        accounts.orienteering.push_back({r.Text("countryCode"), r.Text("mobile"), r.Text("smsCode")});
      } else {
        return Status::Error("accounts: unknown platform \"" + std::string(platform) + "\"");
      }
      if (!r.error().empty()) return Status::Error(r.error());
    }
  }
  return accounts;
}

Result<Accounts> Accounts::Load(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  return Parse(*text, std::filesystem::path(path).parent_path().string());
}

}  // namespace civicflow::ingest::http
