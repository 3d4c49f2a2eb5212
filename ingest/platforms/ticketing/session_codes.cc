#include "ingest/platforms/ticketing/session_codes.h"

namespace civicflow::ingest::http {
namespace {

constexpr int kCodesPerHallDay = 99;

std::string HallDay(const SessionCodes::Session& session) {
  std::string key(session.hall_code);
  if (key.size() == 9) key += "00";
  for (char c : session.start.DateString())
    if (c != '-') key += c;
  return key;
}

}  // namespace

Result<std::vector<std::string>> SessionCodes::Assign(std::string_view performance_id,
                                                      std::span<const Session> sessions) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> codes;
  std::unordered_map<std::string, std::string> fresh;  // new in this request, by session key
  std::unordered_map<std::string, int> fresh_by_hall_day;
  for (const Session& session : sessions) {
    std::string key = std::string(performance_id) + '\x1f' + std::string(session.session_id);
    if (auto known = by_session_.find(key); known != by_session_.end()) {
      codes.push_back(known->second);
      continue;
    }
    if (auto known = fresh.find(key); known != fresh.end()) {
      codes.push_back(known->second);
      continue;
    }
    std::string hall_day = HallDay(session);
    const int number = used_by_hall_day_[hall_day] + ++fresh_by_hall_day[hall_day];
    if (number > kCodesPerHallDay)
      return Status::Error("hall " + std::string(session.hall_code) + " has no sessionCode left for " +
                           session.start.DateString());
    codes.push_back(hall_day + (number < 10 ? "0" : "") + std::to_string(number));
    fresh.emplace(std::move(key), codes.back());
  }
  by_session_.merge(fresh);
  for (const auto& [hall_day, count] : fresh_by_hall_day) used_by_hall_day_[hall_day] += count;
  return codes;
}

void SessionCodes::SaveState(StateWriter& out) const {
  std::lock_guard lock(mutex_);
  out.Section("session codes");
  out.PutCount(by_session_.size());
  for (const auto& [session, code] : by_session_) {
    out.PutText(session);
    out.PutText(code);
  }
  out.PutCount(used_by_hall_day_.size());
  for (const auto& [hall_day, used] : used_by_hall_day_) {
    out.PutText(hall_day);
    out.Put<int32_t>(used);
  }
}

void SessionCodes::LoadState(StateReader& in) {
  in.Section("session codes");
  std::unordered_map<std::string, std::string> by_session;
  const uint64_t sessions = in.GetCount(2 * sizeof(uint64_t));
  for (uint64_t i = 0; i < sessions && !in.failed(); ++i) {
    std::string session(in.GetText());
    std::string code(in.GetText());
    if (!in.failed() && !by_session.emplace(std::move(session), std::move(code)).second)
      return in.Fail("a session with two codes");
  }
  std::unordered_map<std::string, int> used_by_hall_day;
  const uint64_t hall_days = in.GetCount(sizeof(uint64_t) + sizeof(int32_t));
  for (uint64_t i = 0; i < hall_days && !in.failed(); ++i) {
    std::string hall_day(in.GetText());
    const int32_t used = in.Get<int32_t>();
    if (used < 0 || used > kCodesPerHallDay) return in.Fail("a hall-day's code count out of range");
    used_by_hall_day.emplace(std::move(hall_day), used);
  }
  if (in.failed()) return;
  std::lock_guard lock(mutex_);
  by_session_ = std::move(by_session);
  used_by_hall_day_ = std::move(used_by_hall_day);
}

}  // namespace civicflow::ingest::http
