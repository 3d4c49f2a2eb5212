#include "ingest/http/token_store.h"

#include "ingest/crypto/crypto.h"

namespace civicflow::ingest::http {

std::string TokenStore::Issue(size_t account) {
  std::string token = crypto::HexEncode(crypto::RandomBytes(16));
  std::unique_lock lock(mutex_);
  if (!current_[account].empty()) grants_.erase(current_[account]);
  current_[account] = token;
  grants_[token] = Grant{account, clock_.NowMs() + lifetime_ms_};
  return token;
}

std::optional<size_t> TokenStore::Check(std::string_view token) const {
  std::shared_lock lock(mutex_);
  auto it = grants_.find(token);
  if (it == grants_.end() || it->second.expires_ms <= clock_.NowMs()) return std::nullopt;
  return it->second.account;
}

bool TokenStore::Refresh(std::string_view token) {
  std::unique_lock lock(mutex_);
  auto it = grants_.find(token);
  const int64_t now = clock_.NowMs();
  if (it == grants_.end() || it->second.expires_ms <= now) return false;
  it->second.expires_ms = now + lifetime_ms_;
  return true;
}

void TokenStore::SaveState(StateWriter& out) const {
  std::shared_lock lock(mutex_);
  const int64_t now = clock_.NowMs();
  size_t live = 0;
  for (const auto& [token, grant] : grants_) live += grant.expires_ms > now;
  out.Section("tokens");
  out.PutCount(live);
  for (const auto& [token, grant] : grants_) {
    if (grant.expires_ms <= now) continue;
    out.PutText(token);
    out.Put<uint64_t>(grant.account);
    out.Put<int64_t>(grant.expires_ms);
  }
}

void TokenStore::LoadState(StateReader& in, const AccountMap& accounts) {
  in.Section("tokens");
  const uint64_t n = in.GetCount(2 * sizeof(uint64_t) + sizeof(int64_t));
  std::unordered_map<std::string, Grant, TokenHash, std::equal_to<>> grants;
  std::vector<std::string> current(current_.size());
  for (uint64_t i = 0; i < n && !in.failed(); ++i) {
    const std::string_view token = in.GetText();
    const std::optional<size_t> account = accounts.ReadAccount(in);
    const int64_t expires_ms = in.Get<int64_t>();
    if (in.failed()) break;
    if (token.empty()) return in.Fail("an empty token");
    if (!account) continue;  // its account is gone
    if (!current[*account].empty()) return in.Fail("two tokens for one account");
    if (!grants.emplace(std::string(token), Grant{*account, expires_ms}).second)
      return in.Fail("a token held by two accounts");
    current[*account] = token;
  }
  if (in.failed()) return;
  std::unique_lock lock(mutex_);
  grants_ = std::move(grants);
  current_ = std::move(current);
}

}  // namespace civicflow::ingest::http
