#include "ingest/platforms/orienteering/session_book.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>
#include <numbers>

#include "engine/base/json_escape.h"
#include "ingest/crypto/crypto.h"

namespace civicflow::ingest::http {
namespace {

// Appends `"key":` after a separator when the object already has members.
void Key(std::string& out, std::string_view key) {
  if (out.back() != '{' && out.back() != '[') out += ',';
  AppendJsonString(out, key);
  out += ':';
}
// Empty text is null: an id the session never received.
void Text(std::string& out, std::string_view key, std::string_view value) {
  Key(out, key);
  if (value.empty()) {
    out += "null";
  } else {
    AppendJsonString(out, value);
  }
}
void Time(std::string& out, std::string_view key, std::optional<LocalTime> value) {
  Key(out, key);
  if (value) {
    AppendJsonString(out, value->ToString());
  } else {
    out += "null";
  }
}
void Integer(std::string& out, std::string_view key, std::optional<int64_t> value) {
  Key(out, key);
  out += value ? std::to_string(*value) : "null";
}
void Number(std::string& out, std::string_view key, std::optional<double> value) {
  Key(out, key);
  if (!value) {
    out += "null";
    return;
  }
  char digits[32];
  const auto end = std::to_chars(digits, digits + sizeof digits, *value).ptr;
  out.append(digits, end);
}
void Flag(std::string& out, std::string_view key, bool value) {
  Key(out, key);
  out += value ? "true" : "false";
}

double MetresBetween(const GpsPoint& a, const GpsPoint& b) {
  constexpr double kEarthRadiusM = 6'371'000, kRadians = std::numbers::pi / 180;
  const double dlat = (b.latitude - a.latitude) * kRadians, dlon = (b.longitude - a.longitude) * kRadians;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) + std::cos(a.latitude * kRadians) *
                                                                 std::cos(b.latitude * kRadians) *
                                                                 std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

std::string RandomId(std::string_view prefix, size_t bytes) {
  return std::string(prefix) + crypto::HexEncode(crypto::RandomBytes(bytes));
}

}  // namespace

std::string SessionBook::Launch(const LaunchRequest& request) {
  std::unique_lock lock(mutex_);
  const auto key = std::make_pair(request.account, request.launch_request_id);
  auto launched = launches_.find(key);
  Session* session = launched == launches_.end() ? nullptr : &sessions_.at(launched->second);
  std::string id = launched == launches_.end() ? std::string() : launched->second;
  if (session == nullptr) {
    id = RandomId("ses_", 8);
    session = &Create(id, request.account);
    session->launch_request_id = request.launch_request_id;
    session->competition_id = request.competition_id;
    session->participant_id = RandomId("ptc_", 6);
    session->session_token = crypto::HexEncode(crypto::RandomBytes(16));
    session->session_token_expires_ms = request.now_ms + request.token_lifetime_ms;
    session->labels = {request.event_id, request.release_id, session->participant_id, request.route_code};
    launches_.emplace(key, id);
  }
  std::string out = "{";
  Text(out, "session_id", id);
  Text(out, "session_token", session->session_token);
  Time(out, "session_token_expires_at", LocalTime::FromEpochMillis(session->session_token_expires_ms));
  Text(out, "participant_id", session->participant_id);
  if (!session->competition_id.empty()) Text(out, "competition_id", session->competition_id);
  Text(out, "event_id", session->labels.event_id);
  Text(out, "event_release_id", session->labels.event_release_id);
  Text(out, "playfield_version_id", {});  // civicflow holds no manifests
  Text(out, "route_code", session->labels.route_code);
  Key(out, "realtime_endpoint");
  out += "\"\"";
  Key(out, "realtime_token");
  out += "\"\"}";
  return out;
}

SessionBook::Session& SessionBook::Create(std::string session_id, size_t owner) {
  while (!by_age_.empty() && sessions_.size() >= max_sessions_) {
    const auto [order, oldest] = by_age_.front();
    by_age_.pop_front();
    const auto it = sessions_.find(oldest);
    if (it == sessions_.end()) continue;
    by_owner_[it->second.owner].erase(order);
    launches_.erase({it->second.owner, it->second.launch_request_id});
    sessions_.erase(it);
  }
  const uint64_t order = next_order_++;
  by_age_.emplace_back(order, session_id);
  by_owner_[owner].emplace(order, session_id);
  Session& session = sessions_[std::move(session_id)];
  session.owner = owner;
  session.order = order;
  return session;
}

std::optional<std::string> SessionBook::ForeignSession(size_t account, const SessionDigest& digest) const {
  std::shared_lock lock(mutex_);
  for (const SessionDigest::Item& item : digest.items) {
    const auto it = sessions_.find(item.session_id);
    if (it != sessions_.end() && it->second.owner != account) return item.session_id;
  }
  return std::nullopt;
}

void SessionBook::Apply(size_t account, const SessionDigest& digest) {
  std::unique_lock lock(mutex_);
  for (const SessionDigest::Item& item : digest.items) {
    auto it = sessions_.find(item.session_id);
    Session& session = it != sessions_.end() ? it->second : Create(item.session_id, account);
    if (session.owner != account) continue;
    for (auto [mine, theirs] : {std::pair{&session.labels.event_id, &item.labels.event_id},
                                {&session.labels.event_release_id, &item.labels.event_release_id},
                                {&session.labels.participant_id, &item.labels.participant_id},
                                {&session.labels.route_code, &item.labels.route_code}})
      if (mine->empty()) *mine = *theirs;
    if (item.chunk) Keep(session, *item.chunk);
    if (item.punch) session.punches[{item.punch->control_code, item.punch->punch_time.seconds}] = *item.punch;
    if (item.finish) session.finish = item.finish;
  }
}

void SessionBook::Keep(Session& session, TrackChunk chunk) {
  auto& slot = session.chunks[chunk.upload_seq];
  session.gps_points -= slot.gps.size();
  session.heart_rate_samples -= slot.heart_rate.size();
  if (chunk.gps.size() > kMaxSamples - session.gps_points) {
    chunk.gps.resize(kMaxSamples - session.gps_points);
    session.truncated = true;
  }
  if (chunk.heart_rate.size() > kMaxSamples - session.heart_rate_samples) {
    chunk.heart_rate.resize(kMaxSamples - session.heart_rate_samples);
    session.truncated = true;
  }
  session.gps_points += chunk.gps.size();
  session.heart_rate_samples += chunk.heart_rate.size();
  slot = std::move(chunk);
}

std::optional<std::string> SessionBook::Render(Read read, std::string_view session_id, size_t account) const {
  std::shared_lock lock(mutex_);
  const std::string id(session_id);
  const auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.owner != account) return std::nullopt;
  return RenderLocked(read, id, it->second);
}

namespace {

std::string_view StatusOf(bool has_data, const std::optional<FinishReport>& finish) {
  if (finish) return finish->finish_status;
  return has_data ? "in_progress" : "launched";
}

}  // namespace

std::optional<LocalTime> SessionBook::StartedAt(const Session& session) {
  if (session.finish) return session.finish->started_at;
  std::optional<LocalTime> started;
  for (const auto& [seq, chunk] : session.chunks)
    if (!started || chunk.started_at < *started) started = chunk.started_at;
  return started;
}

std::string SessionBook::RenderLocked(Read read, const std::string& id, const Session& session) const {
  const std::optional<LocalTime> started = StartedAt(session);
  std::optional<LocalTime> ended;
  for (const auto& [seq, chunk] : session.chunks)
    if (!ended || chunk.ended_at > *ended) ended = chunk.ended_at;
  if (session.finish) ended = session.finish->finished_at;
  const bool has_data = !session.chunks.empty() || !session.punches.empty();
  const std::optional<FinishReport>& finish = session.finish;
  std::string out = "{";
  Text(out, "session_id", id);
  switch (read) {
    case Read::kResult: {
      Text(out, "competition_id", session.competition_id);
      Text(out, "event_id", session.labels.event_id);
      Text(out, "event_release_id", session.labels.event_release_id);
      Text(out, "participant_id", session.labels.participant_id);
      Text(out, "route_code", session.labels.route_code);
      Text(out, "status", StatusOf(has_data, finish));
      Time(out, "started_at", started);
      Time(out, "finished_at", finish ? std::optional(finish->finished_at) : std::nullopt);
      Integer(out, "elapsed_sec", finish ? std::optional(finish->elapsed_sec) : std::nullopt);
      Number(out, "distance_m", finish ? finish->distance_m : std::nullopt);
      Integer(out, "punch_count", finish ? finish->punch_count : std::nullopt);
      Integer(out, "avg_heart_rate_bpm", finish ? finish->avg_heart_rate_bpm : std::nullopt);
      Integer(out, "max_heart_rate_bpm", finish ? finish->max_heart_rate_bpm : std::nullopt);
      std::vector<const Punch*> punches;
      for (const auto& [key, punch] : session.punches) punches.push_back(&punch);
      std::stable_sort(punches.begin(), punches.end(),
                       [](const Punch* a, const Punch* b) { return a->punch_time < b->punch_time; });
      Key(out, "punches");
      out += '[';
      for (const Punch* punch : punches) {
        if (out.back() != '[') out += ',';
        out += '{';
        Text(out, "control_code", punch->control_code);
        Integer(out, "control_seq", punch->control_seq);
        Time(out, "punch_time", punch->punch_time);
        Text(out, "punch_method", punch->punch_method);
        out += '}';
      }
      out += ']';
      break;
    }
    case Read::kReplaySummary: {
      Text(out, "status", StatusOf(has_data, finish));
      Time(out, "started_at", started);
      Time(out, "ended_at", ended);
      Integer(out, "upload_count", static_cast<int64_t>(session.chunks.size()));
      Integer(out, "gps_point_count", static_cast<int64_t>(session.gps_points));
      Integer(out, "heart_rate_sample_count", static_cast<int64_t>(session.heart_rate_samples));
      Integer(out, "punch_count", static_cast<int64_t>(session.punches.size()));
      double distance = 0;
      const GpsPoint* previous = nullptr;
      double min_lat = 90, max_lat = -90, min_lon = 180, max_lon = -180;
      for (const auto& [seq, chunk] : session.chunks)
        for (const GpsPoint& point : chunk.gps) {
          if (previous != nullptr) distance += MetresBetween(*previous, point);
          previous = &point;
          min_lat = std::min(min_lat, point.latitude), max_lat = std::max(max_lat, point.latitude);
          min_lon = std::min(min_lon, point.longitude), max_lon = std::max(max_lon, point.longitude);
        }
      Number(out, "track_distance_m", std::round(distance * 10) / 10);
      Key(out, "bounds");
      if (previous == nullptr) {
        out += "null";
      } else {
        out += '{';
        Number(out, "min_latitude", min_lat);
        Number(out, "min_longitude", min_lon);
        Number(out, "max_latitude", max_lat);
        Number(out, "max_longitude", max_lon);
        out += '}';
      }
      Flag(out, "truncated", session.truncated);
      break;
    }
    case Read::kGpsTrack: {
      Key(out, "points");
      out += '[';
      for (const auto& [seq, chunk] : session.chunks)
        for (const GpsPoint& point : chunk.gps) {
          if (out.back() != '[') out += ',';
          out += '{';
          Time(out, "recorded_at", point.recorded_at);
          Number(out, "latitude", point.latitude);
          Number(out, "longitude", point.longitude);
          out += '}';
        }
      out += ']';
      Flag(out, "truncated", session.truncated);
      break;
    }
    case Read::kHeartRate: {
      int64_t sum = 0, max = 0, count = 0;
      Key(out, "samples");
      out += '[';
      for (const auto& [seq, chunk] : session.chunks)
        for (const HeartRateSample& sample : chunk.heart_rate) {
          if (out.back() != '[') out += ',';
          out += '{';
          Time(out, "recorded_at", sample.recorded_at);
          Integer(out, "bpm", sample.bpm);
          out += '}';
          sum += sample.bpm, max = std::max<int64_t>(max, sample.bpm), ++count;
        }
      out += ']';
      Integer(out, "avg_bpm", count ? std::optional(sum / count) : std::nullopt);
      Integer(out, "max_bpm", count ? std::optional(max) : std::nullopt);
      Flag(out, "truncated", session.truncated);
      break;
    }
  }
  out += '}';
  return out;
}

std::string SessionBook::SessionsOf(size_t account, int64_t page, int64_t page_size) const {
  std::shared_lock lock(mutex_);
  std::string out = "{\"items\":[";
  const auto owned = by_owner_.find(account);
  if (owned != by_owner_.end()) {
    int64_t skip = (page - 1) * page_size, taken = 0;
    for (auto it = owned->second.rbegin(); it != owned->second.rend() && taken < page_size; ++it) {
      if (skip > 0) {
        --skip;
        continue;
      }
      const Session& session = sessions_.at(it->second);
      if (out.back() != '[') out += ',';
      out += '{';
      Text(out, "session_id", it->second);
      Text(out, "competition_id", session.competition_id);
      Text(out, "event_id", session.labels.event_id);
      Text(out, "route_code", session.labels.route_code);
      Text(out, "status", StatusOf(!session.chunks.empty() || !session.punches.empty(), session.finish));
      Time(out, "started_at", StartedAt(session));
      Time(out, "finished_at", session.finish ? std::optional(session.finish->finished_at) : std::nullopt);
      out += '}';
      ++taken;
    }
  }
  out += "]}";
  return out;
}

}  // namespace civicflow::ingest::http
