// SessionBook's checkpoint form: the sessions in creation order, each whole,
// then the launches that name them. Sample counts are recomputed on load;
// owners are saved account indices, mapped to the current ones on load.
#include <algorithm>
#include <mutex>

#include "ingest/platforms/orienteering/session_book.h"

namespace civicflow::ingest::http {
namespace {

// The smallest a session can be in the state: its 9 texts' lengths, owner,
// order, expiry, its chunk and punch counts and its two flags.
constexpr size_t kMinSessionBytes = 9 * sizeof(uint64_t) + 3 * sizeof(uint64_t) + 2 * sizeof(uint64_t) + 2;

template <typename T>
void PutOptional(StateWriter& out, const std::optional<T>& value) {
  out.Put<uint8_t>(value.has_value());
  out.Put<T>(value.value_or(T{}));
}
template <typename T>
std::optional<T> GetOptional(StateReader& in) {
  const bool present = in.Get<uint8_t>() != 0;
  const T value = in.Get<T>();
  return present ? std::optional(value) : std::nullopt;
}

void PutChunk(StateWriter& out, const TrackChunk& chunk) {
  out.Put<int32_t>(chunk.upload_seq);
  out.Put<int64_t>(chunk.started_at.seconds);
  out.Put<int64_t>(chunk.ended_at.seconds);
  out.PutVector(chunk.gps);
  out.PutCount(chunk.heart_rate.size());
  for (const HeartRateSample& sample : chunk.heart_rate) {
    out.Put<int64_t>(sample.recorded_at.seconds);
    out.Put<int32_t>(sample.bpm);
  }
}
TrackChunk GetChunk(StateReader& in) {
  TrackChunk chunk;
  chunk.upload_seq = in.Get<int32_t>();
  chunk.started_at.seconds = in.Get<int64_t>();
  chunk.ended_at.seconds = in.Get<int64_t>();
  in.GetVector(chunk.gps);
  const uint64_t samples = in.GetCount(sizeof(int64_t) + sizeof(int32_t));
  chunk.heart_rate.resize(samples);
  for (HeartRateSample& sample : chunk.heart_rate) {
    sample.recorded_at.seconds = in.Get<int64_t>();
    sample.bpm = in.Get<int32_t>();
  }
  return chunk;
}

void PutPunch(StateWriter& out, const Punch& punch) {
  out.PutText(punch.control_code);
  PutOptional(out, punch.control_seq);
  out.Put<int64_t>(punch.punch_time.seconds);
  out.PutText(punch.punch_method);
}
Punch GetPunch(StateReader& in) {
  Punch punch;
  punch.control_code = in.GetText();
  punch.control_seq = GetOptional<int32_t>(in);
  punch.punch_time.seconds = in.Get<int64_t>();
  punch.punch_method = in.GetText();
  return punch;
}

void PutFinish(StateWriter& out, const std::optional<FinishReport>& finish) {
  out.Put<uint8_t>(finish.has_value());
  if (!finish) return;
  out.Put<int64_t>(finish->started_at.seconds);
  out.Put<int64_t>(finish->finished_at.seconds);
  out.PutText(finish->finish_status);
  out.Put<int64_t>(finish->elapsed_sec);
  PutOptional(out, finish->distance_m);
  PutOptional(out, finish->punch_count);
  PutOptional(out, finish->avg_heart_rate_bpm);
  PutOptional(out, finish->max_heart_rate_bpm);
}
std::optional<FinishReport> GetFinish(StateReader& in) {
  if (in.Get<uint8_t>() == 0) return std::nullopt;
  FinishReport finish;
  finish.started_at.seconds = in.Get<int64_t>();
  finish.finished_at.seconds = in.Get<int64_t>();
  finish.finish_status = in.GetText();
  finish.elapsed_sec = in.Get<int64_t>();
  finish.distance_m = GetOptional<double>(in);
  finish.punch_count = GetOptional<int64_t>(in);
  finish.avg_heart_rate_bpm = GetOptional<int64_t>(in);
  finish.max_heart_rate_bpm = GetOptional<int64_t>(in);
  return finish;
}

}  // namespace

void SessionBook::SaveState(StateWriter& out) const {
  std::shared_lock lock(mutex_);
  std::vector<const std::pair<const std::string, Session>*> by_order;
  by_order.reserve(sessions_.size());
  for (const auto& entry : sessions_) by_order.push_back(&entry);
  std::sort(by_order.begin(), by_order.end(),
            [](const auto* a, const auto* b) { return a->second.order < b->second.order; });

  out.Section("orienteering sessions");
  out.Put<uint64_t>(next_order_);
  out.PutCount(by_order.size());
  for (const auto* entry : by_order) {
    const Session& session = entry->second;
    out.PutText(entry->first);
    out.Put<uint64_t>(session.owner);
    out.Put<uint64_t>(session.order);
    for (const std::string* text :
         {&session.launch_request_id, &session.competition_id, &session.participant_id,
          &session.session_token, &session.labels.event_id, &session.labels.event_release_id,
          &session.labels.participant_id, &session.labels.route_code})
      out.PutText(*text);
    out.Put<int64_t>(session.session_token_expires_ms);
    out.PutCount(session.chunks.size());
    for (const auto& [seq, chunk] : session.chunks) PutChunk(out, chunk);
    out.PutCount(session.punches.size());
    for (const auto& [key, punch] : session.punches) PutPunch(out, punch);
    PutFinish(out, session.finish);
    out.Put<uint8_t>(session.truncated);
  }
  out.PutCount(launches_.size());
  for (const auto& [account_and_request, session_id] : launches_) {
    out.Put<uint64_t>(account_and_request.first);
    out.PutText(account_and_request.second);
    out.PutText(session_id);
  }
}

void SessionBook::LoadState(StateReader& in, const AccountMap& accounts) {
  in.Section("orienteering sessions");
  const uint64_t next_order = in.Get<uint64_t>();
  const uint64_t count = in.GetCount(kMinSessionBytes);
  if (count > max_sessions_) return in.Fail("more orienteering sessions than the book holds");
  decltype(sessions_) sessions;
  decltype(by_age_) by_age;
  decltype(by_owner_) by_owner;
  std::optional<uint64_t> last_order;
  for (uint64_t i = 0; i < count && !in.failed(); ++i) {
    std::string id(in.GetText());
    Session session;
    const std::optional<size_t> owner = accounts.ReadAccount(in);
    session.owner = owner.value_or(0);
    session.order = in.Get<uint64_t>();
    for (std::string* text :
         {&session.launch_request_id, &session.competition_id, &session.participant_id,
          &session.session_token, &session.labels.event_id, &session.labels.event_release_id,
          &session.labels.participant_id, &session.labels.route_code})
      *text = in.GetText();
    session.session_token_expires_ms = in.Get<int64_t>();
    const uint64_t chunks = in.GetCount(3 * sizeof(int64_t));
    for (uint64_t c = 0; c < chunks && !in.failed(); ++c) {
      TrackChunk chunk = GetChunk(in);
      session.gps_points += chunk.gps.size();
      session.heart_rate_samples += chunk.heart_rate.size();
      if (!session.chunks.emplace(chunk.upload_seq, std::move(chunk)).second && !in.failed())
        return in.Fail("an orienteering upload_seq twice in one session");
    }
    const uint64_t punches = in.GetCount(3 * sizeof(uint64_t));
    for (uint64_t p = 0; p < punches && !in.failed(); ++p) {
      Punch punch = GetPunch(in);
      auto key = std::pair(punch.control_code, punch.punch_time.seconds);
      session.punches.emplace(std::move(key), std::move(punch));
    }
    session.finish = GetFinish(in);
    session.truncated = in.Get<uint8_t>() != 0;
    if (in.failed()) break;
    if (session.order >= next_order || (last_order && session.order <= *last_order))
      return in.Fail("orienteering sessions out of creation order");
    last_order = session.order;
    if (session.gps_points > kMaxSamples || session.heart_rate_samples > kMaxSamples)
      return in.Fail("an orienteering session with more samples than it keeps");
    if (!owner) continue;  // its account is gone
    by_age.emplace_back(session.order, id);
    by_owner[session.owner].emplace(session.order, id);
    if (!sessions.emplace(std::move(id), std::move(session)).second)
      return in.Fail("an orienteering session twice");
  }
  decltype(launches_) launches;
  const uint64_t launch_count = in.GetCount(3 * sizeof(uint64_t));
  for (uint64_t i = 0; i < launch_count && !in.failed(); ++i) {
    const std::optional<size_t> account = accounts.ReadAccount(in);
    std::string request_id(in.GetText());
    std::string session_id(in.GetText());
    if (in.failed()) break;
    if (!account) continue;  // its account is gone, and its sessions with it
    const auto session = sessions.find(session_id);
    if (session == sessions.end() || session->second.owner != *account)
      return in.Fail("a launch naming no session of its account");
    launches.emplace(std::pair(*account, std::move(request_id)), std::move(session_id));
  }
  if (in.failed()) return;
  std::unique_lock lock(mutex_);
  next_order_ = next_order;
  sessions_ = std::move(sessions);
  by_age_ = std::move(by_age);
  by_owner_ = std::move(by_owner);
  launches_ = std::move(launches);
}

}  // namespace civicflow::ingest::http
