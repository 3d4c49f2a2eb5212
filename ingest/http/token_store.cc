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

}  // namespace civicflow::ingest::http
