#pragma once
// Demo accounts for every platform, for load runs and benchmarks: an
// accounts file in the PLATFORMS.md format with fresh random secrets, and
// for the community platform a freshly generated RSA key per account, each
// written beside the file and named by a relative path.
// Stateless functions; any thread.
#include <string>

#include "engine/base/status.h"

namespace civicflow::loadgen {

inline constexpr std::string_view kDefaultParkingPassword = "civicflow-demo";

struct DemoAccountsOptions {
  std::string dir;  // created when missing
  std::string parking_password = std::string(kDefaultParkingPassword);
  int per_platform = 2;  // REQUIRES: >= 1
};

// What the parking platform stores for a password: Base64(SM3(password)).
std::string ParkingPasswordHash(std::string_view password);

// Writes DIR/accounts.json and DIR/community-<n>.pem (n from 1); returns
// the accounts file's path.
Result<std::string> WriteDemoAccounts(const DemoAccountsOptions& options);

}  // namespace civicflow::loadgen
