#pragma once
// TokenStore: bearer tokens of one platform. Issuing a token for an account
// revokes the account's previous one; tokens expire after a lifetime.
// Thread-safe: I/O threads check tokens under a shared lock, issuing takes
// the exclusive one. Checkpoints keep the live tokens with their expiry as
// absolute clock time, so a token that expired while the server was down is
// refused after a restart; a gone account's tokens are dropped there. Tokens
// are secrets: nothing here puts one in an error message.
#include <cstdint>
#include <functional>
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

namespace civicflow::ingest::http {

class TokenStore {
 public:
  TokenStore(const Clock& clock, int64_t lifetime_ms, size_t accounts)
      : clock_(clock), lifetime_ms_(lifetime_ms), current_(accounts) {}

  // A new 32-character hex token for `account`; the previous one stops working.
  std::string Issue(size_t account);
  // The account the token belongs to, unless unknown, revoked or expired.
  std::optional<size_t> Check(std::string_view token) const;
  // Extends a live token's lifetime from now (parking heartBeats). False when not live.
  bool Refresh(std::string_view token);
  int64_t lifetime_ms() const { return lifetime_ms_; }

  // Checkpoints: every token still live at the clock's now, with its account
  // and absolute expiry.
  void SaveState(StateWriter& out) const;
  // REQUIRES: nothing issued yet; `accounts` read from the same state. Fails
  // on an account the state does not list or a second token for one account.
  void LoadState(StateReader& in, const AccountMap& accounts);

 private:
  struct Grant {
    size_t account;
    int64_t expires_ms;
  };
  // Lets Check look a token up by view: no allocation per request.
  struct TokenHash {
    using is_transparent = void;
    size_t operator()(std::string_view token) const { return std::hash<std::string_view>()(token); }
  };
  const Clock& clock_;
  const int64_t lifetime_ms_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Grant, TokenHash, std::equal_to<>> grants_;
  std::vector<std::string> current_;  // by account: its live token, empty if none
};

}  // namespace civicflow::ingest::http
