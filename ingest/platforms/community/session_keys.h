#pragma once
// SessionKeys: the AES keys unsealed from community envelopes, by account
// and sealed bytes. RSA decryption is deterministic, so a sealed key seen
// before unseals to the same AES key: a client that keeps its AES key for a
// while costs one RSA operation, not one per request. Bounded: when full it
// starts over. Thread-safe (shared lock to look up).
#include <cstddef>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace civicflow::ingest::http {

class SessionKeys {
 public:
  static constexpr size_t kCapacity = 4096;

  std::optional<std::string> Find(size_t account, std::string_view sealed) const {
    std::shared_lock lock(mutex_);
    auto it = keys_.find(Key(account, sealed));
    if (it == keys_.end()) return std::nullopt;
    return it->second;
  }
  void Remember(size_t account, std::string_view sealed, std::string aes_key) {
    std::unique_lock lock(mutex_);
    if (keys_.size() >= kCapacity) keys_.clear();
    keys_.insert_or_assign(Key(account, sealed), std::move(aes_key));
  }

 private:
  static std::string Key(size_t account, std::string_view sealed) {
    return std::to_string(account) + ":" + std::string(sealed);
  }
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::string> keys_;
};

}  // namespace civicflow::ingest::http
