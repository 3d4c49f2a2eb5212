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

}  // namespace civicflow::ingest::http
