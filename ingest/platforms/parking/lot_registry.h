#pragma once
// LotRegistry: which lots each parking account reports for, and when each lot
// last sent a heartbeat — the session state the spec leaves implicit (a login
// is per userId, a heartbeat names no lot).
//
// An account reports for a lot once it has uploaded a valid record carrying
// that parkCode (parkInfo at initialisation, and every later upload, so the
// lots are learned again after a restart) or a heartbeat naming it. A lot is
// offline when its last heartbeat is more than three beats (90 s) old; lots
// that never sent one have no status.
// Checkpoints keep both (the heartbeats as absolute clock times), so a lot
// stays its account's, and online or offline, across a restart. A gone
// account's lots are dropped there, with the heartbeats of lots that no
// account still kept reports.
// Thread-safe: lookups take a shared lock, learning a new lot or a heartbeat
// the exclusive one.
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/state_codec.h"
#include "ingest/http/account_state.h"

namespace civicflow::ingest::parking {

// Lots with a heartbeat session: online, or offline after three missed beats.
struct LotCounts {
  size_t online = 0, offline = 0;
};

class LotRegistry {
 public:
  static constexpr int64_t kHeartbeatIntervalMs = 30'000;
  static constexpr int64_t kOfflineAfterMs = 3 * kHeartbeatIntervalMs;

  explicit LotRegistry(size_t accounts) : lots_by_account_(accounts) {}

  void Learn(size_t account, std::span<const std::string> lots);
  bool Reports(size_t account, std::string_view lot) const;
  std::vector<std::string> LotsOf(size_t account) const;  // sorted

  void Heartbeat(std::string_view lot, int64_t now_ms);
  // Lots whose last heartbeat is more than kOfflineAfterMs before `now_ms`; sorted.
  std::vector<std::string> Offline(int64_t now_ms) const;
  LotCounts Counts(int64_t now_ms) const;

  void SaveState(StateWriter& out) const;
  // REQUIRES: nothing learned yet; `accounts` read from the same state.
  void LoadState(StateReader& in, const http::AccountMap& accounts);

 private:
  // Three beats missed: more than kOfflineAfterMs since the last heartbeat.
  static bool IsOffline(int64_t last_heartbeat_ms, int64_t now_ms) {
    return now_ms - last_heartbeat_ms > kOfflineAfterMs;
  }

  mutable std::shared_mutex mutex_;
  std::vector<std::set<std::string, std::less<>>> lots_by_account_;
  std::map<std::string, int64_t, std::less<>> last_heartbeat_ms_;
};

}  // namespace civicflow::ingest::parking
