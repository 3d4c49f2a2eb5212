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

void LotRegistry::SaveState(StateWriter& out) const {
  std::shared_lock lock(mutex_);
  out.Section("lots");
  out.PutCount(lots_by_account_.size());
  for (const auto& lots : lots_by_account_) {
    out.PutCount(lots.size());
    for (const std::string& lot : lots) out.PutText(lot);
  }
  out.PutCount(last_heartbeat_ms_.size());
  for (const auto& [lot, last_ms] : last_heartbeat_ms_) {
    out.PutText(lot);
    out.Put<int64_t>(last_ms);
  }
}

void LotRegistry::LoadState(StateReader& in, const http::AccountMap& accounts) {
  in.Section("lots");
  const uint64_t saved_accounts = in.GetCount(sizeof(uint64_t));
  if (saved_accounts != accounts.saved_accounts() && !in.failed())
    return in.Fail("lots of another number of accounts than the state lists");
  std::vector<std::set<std::string, std::less<>>> lots_by_account(lots_by_account_.size());
  std::set<std::string, std::less<>> lots_of_gone_accounts;
  for (uint64_t saved = 0; saved < saved_accounts && !in.failed(); ++saved) {
    const std::optional<size_t> account = accounts.CurrentOf(saved);
    auto& lots = account ? lots_by_account[*account] : lots_of_gone_accounts;
    std::set<std::string, std::less<>> listed;
    const uint64_t n = in.GetCount(sizeof(uint64_t));
    for (uint64_t i = 0; i < n && !in.failed(); ++i)
      if (!listed.emplace(in.GetText()).second && !in.failed()) return in.Fail("a lot listed twice");
    lots.merge(listed);
  }
  std::map<std::string, int64_t, std::less<>> last_heartbeat_ms;
  const uint64_t n = in.GetCount(sizeof(uint64_t) + sizeof(int64_t));
  for (uint64_t i = 0; i < n && !in.failed(); ++i) {
    const std::string_view lot = in.GetText();
    const int64_t last_ms = in.Get<int64_t>();
    if (!last_heartbeat_ms.emplace(lot, last_ms).second && !in.failed())
      return in.Fail("a lot's heartbeat listed twice");
  }
  if (in.failed()) return;
  for (const std::string& lot : lots_of_gone_accounts) {
    const bool still_reported = std::any_of(lots_by_account.begin(), lots_by_account.end(),
                                            [&](const auto& lots) { return lots.contains(lot); });
    if (!still_reported) last_heartbeat_ms.erase(lot);
  }
  std::unique_lock lock(mutex_);
  lots_by_account_ = std::move(lots_by_account);
  last_heartbeat_ms_ = std::move(last_heartbeat_ms);
}

}  // namespace civicflow::ingest::parking
