#pragma once
// SessionBook: the orienteering sessions civicflow knows — launched through
// it, or first seen in an accepted data-plane upload (the session then
// belongs to the uploading account) — and what the session reads answer:
// result, replay-summary, gps-track, heart-rate and me/sessions, rendered
// as the JSON of the reply's `data`.
// Bounded: at most kMaxSessions sessions (the oldest are forgotten first)
// and kMaxSamples GPS points and heart-rate samples each per session (later
// chunks are cut and the reads say "truncated":true).
// Checkpoints keep every session whole (owner, launch, data), since no
// upload says which account launched a session (session_book_state.cc);
// loading drops the sessions of accounts no longer in the accounts file.
// Thread-safe: reads and the ownership check take a shared lock; Launch and
// Apply (from an upload's `done`) the exclusive one.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/base/state_codec.h"
#include "ingest/http/account_state.h"
#include "ingest/platforms/orienteering/session_digest.h"

namespace civicflow::ingest::http {

class SessionBook {
 public:
  static constexpr size_t kMaxSessions = 20'000;
  static constexpr size_t kMaxSamples = 20'000;

  explicit SessionBook(size_t max_sessions = kMaxSessions) : max_sessions_(max_sessions) {}

  struct LaunchRequest {
    size_t account;
    std::string launch_request_id, competition_id, event_id, release_id, route_code;
    int64_t now_ms;
    int64_t token_lifetime_ms;
  };
  // The launch reply's `data`. Idempotent: the same account and
  // launch_request_id answer the session launched the first time.
  std::string Launch(const LaunchRequest& request);

  // The first session of `digest` that belongs to another account than `account`.
  std::optional<std::string> ForeignSession(size_t account, const SessionDigest& digest) const;
  // Keeps an accepted upload's digest; sessions of other accounts are left alone.
  void Apply(size_t account, const SessionDigest& digest);

  enum class Read { kResult, kReplaySummary, kGpsTrack, kHeartRate };
  // The read's `data`; nullopt when the account has no such session.
  std::optional<std::string> Render(Read read, std::string_view session_id, size_t account) const;
  // me/sessions: the account's sessions, newest first, page `page` (from 1) of `page_size`.
  std::string SessionsOf(size_t account, int64_t page, int64_t page_size) const;

  void SaveState(StateWriter& out) const;
  // REQUIRES: no session yet; `accounts` read from the same state (LoginDesk).
  void LoadState(StateReader& in, const AccountMap& accounts);

 private:
  struct Session {
    size_t owner = 0;
    uint64_t order = 0;  // creation order, for eviction and listing
    std::string launch_request_id, competition_id, participant_id, session_token;
    SessionLabels labels;
    int64_t session_token_expires_ms = 0;
    std::map<int32_t, TrackChunk> chunks;                      // by upload_seq: a repeat replaces
    std::map<std::pair<std::string, int64_t>, Punch> punches;  // by (control_code, punch_time)
    std::optional<FinishReport> finish;
    size_t gps_points = 0, heart_rate_samples = 0;
    bool truncated = false;
  };
  Session& Create(std::string session_id, size_t owner);
  void Keep(Session& session, TrackChunk chunk);
  // The finish's start, else the earliest chunk's; nullopt before any data.
  static std::optional<LocalTime> StartedAt(const Session& session);
  std::string RenderLocked(Read read, const std::string& id, const Session& session) const;

  const size_t max_sessions_;
  mutable std::shared_mutex mutex_;
  uint64_t next_order_ = 0;
  std::unordered_map<std::string, Session> sessions_;
  std::deque<std::pair<uint64_t, std::string>> by_age_;                   // oldest first
  std::unordered_map<size_t, std::map<uint64_t, std::string>> by_owner_;  // order -> session id
  std::map<std::pair<size_t, std::string>, std::string> launches_;        // (account, launch_request_id)
};

}  // namespace civicflow::ingest::http
