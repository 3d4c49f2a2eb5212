#pragma once
// Accounts: who may upload, per platform, read once at start from the
// accounts file (PLATFORMS.md, "Accounts file"). Immutable afterwards.
//   {"fitness":[{"appid","secret","appKey","allowPlaintext"}],
//    "parking":[{"userId","passwordSm3Base64","sm4Key"}],
//    "community":[{"appKey","privateKeyPem"}],          privateKeyPem: a path, relative to the file
//    "ticketing":[{"appId","secret"}],
//    "orienteering":[{"countryCode","mobile","smsCode"}]}
// civicflow sends no SMS: an orienteering account's login code is the
// configured smsCode. Every platform key is optional; unknown keys are errors.
#include <string>
#include <vector>

#include "engine/base/status.h"

namespace civicflow::ingest::http {

struct FitnessAccount {
  std::string appid, secret, app_key;
  bool allow_plaintext = false;  // accept unencrypted JSON bodies
};
struct ParkingAccount {
  std::string user_id, password_sm3_base64;
  std::string sm4_key;  // 16 raw bytes (hex in the file)
};
struct CommunityAccount {
  std::string app_key;
  std::string private_key_pem;  // the key itself, read from the file the account names
};
struct TicketingAccount {
  std::string app_id, secret;
};
struct OrienteeringAccount {
  std::string country_code, mobile, sms_code;
};

struct Accounts {
  std::vector<FitnessAccount> fitness;
  std::vector<ParkingAccount> parking;
  std::vector<CommunityAccount> community;
  std::vector<TicketingAccount> ticketing;
  std::vector<OrienteeringAccount> orienteering;

  // Errors name the platform, the account index and the field.
  static Result<Accounts> Parse(std::string_view json, const std::string& base_dir);
  static Result<Accounts> Load(const std::string& path);
};

}  // namespace civicflow::ingest::http
