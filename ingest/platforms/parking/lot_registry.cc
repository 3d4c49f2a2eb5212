#include "ingest/platforms/parking/lot_registry.h"

#include <algorithm>

namespace civicflow::ingest::parking {

void LotRegistry::Learn(size_t account, std::span<const std::string> lots) {
  {
    std::shared_lock lock(mutex_);
    bool known = true;
    for (const std::string& lot : lots) known = known && lots_by_account_[account].contains(lot);
    if (known) return;
  }
  std::unique_lock lock(mutex_);
  for (const std::string& lot : lots) lots_by_account_[account].insert(lot);
}

bool LotRegistry::Reports(size_t account, std::string_view lot) const {
  std::shared_lock lock(mutex_);
  return lots_by_account_[account].contains(lot);
}

std::vector<std::string> LotRegistry::LotsOf(size_t account) const {
  std::shared_lock lock(mutex_);
  return {lots_by_account_[account].begin(), lots_by_account_[account].end()};
}

void LotRegistry::Heartbeat(std::string_view lot, int64_t now_ms) {
  std::unique_lock lock(mutex_);
  const auto it = last_heartbeat_ms_.find(lot);
  if (it == last_heartbeat_ms_.end())
    last_heartbeat_ms_.emplace(std::string(lot), now_ms);
  else
    it->second = std::max(it->second, now_ms);
}

std::vector<std::string> LotRegistry::Offline(int64_t now_ms) const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> offline;
  for (const auto& [lot, last_ms] : last_heartbeat_ms_)
    if (IsOffline(last_ms, now_ms)) offline.push_back(lot);
  return offline;
}

LotCounts LotRegistry::Counts(int64_t now_ms) const {
  std::shared_lock lock(mutex_);
  LotCounts counts;
  for (const auto& [lot, last_ms] : last_heartbeat_ms_)
    ++(IsOffline(last_ms, now_ms) ? counts.offline : counts.online);
  return counts;
}

}  // namespace civicflow::ingest::parking
