#pragma once
// LoginDesk: the orienteering app's SMS login (auth/sms/send, auth/login/sms,
// auth/refresh) and the tokens it hands out. civicflow sends no SMS: an
// account's code is the smsCode configured for it, valid for kCodeLifetimeS
// after an auth/sms/send for that mobile, which may be repeated every
// kCooldownS. A login issues an access token (the AdapterContext lifetime)
// and a refresh token (kRefreshLifetimeMs); each revokes the account's
// previous one, and refresh issues a new access token (revoking the old).
// Owns the tokens and the per-account login state; checkpoints keep both
// (a code sent before a restart is still good for its lifetime after), but
// drop those of accounts no longer in the accounts file.
// Thread-safe: Check takes shared locks only.
#include <cstdint>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/base/clock.h"
#include "engine/base/state_codec.h"
#include "ingest/http/account_state.h"
#include "ingest/http/accounts.h"
#include "ingest/http/token_store.h"

namespace civicflow::ingest::http {

class LoginDesk {
 public:
  static constexpr int64_t kCooldownS = 60;
  static constexpr int64_t kCodeLifetimeS = 300;
  static constexpr int64_t kRefreshLifetimeMs = 30LL * 24 * 3600 * 1000;

  LoginDesk(const std::vector<OrienteeringAccount>& accounts, const Clock& clock, int64_t access_lifetime_ms);

  // auth/sms/send: 0 when a code counts as sent now, else the seconds until
  // the next send is allowed. Mobiles without an account are answered alike
  // (and keep no state), so a first send does not tell who has an account.
  int64_t SendCode(std::string_view country_code, std::string_view mobile);

  struct Grant {
    size_t account;
    std::string access_token;
    std::string refresh_token;  // empty from Refresh
  };
  // auth/login/sms: nullopt when no account has this mobile and code, or no
  // code was sent within kCodeLifetimeS.
  std::optional<Grant> LoginWithSms(std::string_view country_code, std::string_view mobile,
                                    std::string_view sms_code, std::string_view client_type);
  // auth/refresh: a new access token, for a live refresh token issued to a
  // login of the same client type; nullopt otherwise.
  std::optional<Grant> Refresh(std::string_view refresh_token, std::string_view client_type);

  // The account of a live access token.
  std::optional<size_t> Check(std::string_view access_token) const { return access_.Check(access_token); }
  // The client_type of the account's latest login ("app" / "wechat").
  std::string ClientTypeOf(size_t account) const;
  // The account's public user id: stable, derived from its mobile.
  const std::string& UserIdOf(size_t account) const { return user_ids_[account]; }
  int64_t access_lifetime_ms() const { return access_.lifetime_ms(); }

  // Checkpoints: the accounts' names (mobiles), both token stores, when each
  // account's code was last sent and its latest login's client type.
  void SaveState(StateWriter& out) const;
  // REQUIRES: nothing issued yet. Returns where each of the state's accounts
  // is now, for the rest of the adapter's state.
  AccountMap LoadState(StateReader& in);

 private:
  std::optional<size_t> AccountOf(std::string_view country_code, std::string_view mobile) const;

  const std::vector<OrienteeringAccount> accounts_;
  const Clock& clock_;
  std::vector<std::string> user_ids_;
  std::unordered_map<std::string, size_t> account_by_mobile_;  // "<country_code>:<mobile>"
  TokenStore access_;
  TokenStore refresh_;
  mutable std::shared_mutex mutex_;    // guards the vectors below
  std::vector<int64_t> code_sent_ms_;  // per account; INT64_MIN: never
  std::vector<std::string> client_types_;
};

}  // namespace civicflow::ingest::http
