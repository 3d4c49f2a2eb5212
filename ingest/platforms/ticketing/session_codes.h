#pragma once
// SessionCodes: the sessionCode civicflow assigns to each session that
// /performance/code registers (21 characters, as the spec's example
// 440305001012026112001): the hall's 11-character hallCode (a venue without
// halls gives its 9-character venueCode, completed with "00"), the session's
// start date yyyyMMdd, and a 2-digit sequence within that hall and day.
// A code is stable: the same performanceId and sessionId get their first code
// back, whatever else changed, across restarts too (checkpoints keep the
// codes and each hall-day's sequence). Thread-safe (one mutex; registrations
// are rare).
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/base/local_time.h"
#include "engine/base/state_codec.h"
#include "engine/base/status.h"

namespace civicflow::ingest::http {

class SessionCodes {
 public:
  struct Session {
    std::string_view session_id;
    std::string_view hall_code;  // REQUIRES: 9 or 11 characters
    LocalTime start;
  };

  // The codes of one performance's sessions, in order: all are assigned, or
  // none (error: a hall out of codes for a day).
  Result<std::vector<std::string>> Assign(std::string_view performance_id, std::span<const Session> sessions);

  void SaveState(StateWriter& out) const;
  // REQUIRES: nothing assigned yet.
  void LoadState(StateReader& in);

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::string> by_session_;  // performanceId \x1f sessionId -> code
  std::unordered_map<std::string, int> used_by_hall_day_;    // hall code + yyyyMMdd -> codes given
};

}  // namespace civicflow::ingest::http
