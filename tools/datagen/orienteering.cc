#include "tools/datagen/orienteering.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "tools/datagen/json_text.h"

namespace civicflow::datagen {
namespace {

using ingest::Platform;

// A session yields about a dozen uploads, a dozen punches and its finish.
constexpr double kRecordsPerSession = 24;
constexpr int64_t kUploadEvery = 300, kSampleEvery = 30;

struct Park {
  std::string_view event_id;
  double latitude, longitude;
};
constexpr Park kParks[] = {{"sz-lianhuashan-classic", 22.5563, 114.0548},
                           {"sz-shenzhenwan-sprint", 22.5150, 113.9452},
                           {"sz-xiangmihu-middle", 22.5466, 114.0113}};

int64_t Scaled(double value) { return std::lround(value * 1e6); }

}  // namespace

OrienteeringGenerator::OrienteeringGenerator(const World& world)
    : world_(world),
      rng_(world.seed, 0x0e1e),
      upload_id_(InterfaceIdOf(Platform::kOrienteering, "session-uploads")),
      punch_id_(InterfaceIdOf(Platform::kOrienteering, "punches")),
      finish_id_(InterfaceIdOf(Platform::kOrienteering, "sessions/{session_id}/finish")) {}

void OrienteeringGenerator::SetFlowBudget(uint64_t records) {
  const size_t sessions = static_cast<size_t>(std::ceil(static_cast<double>(records) / kRecordsPerSession));
  runs_.clear();
  for (size_t i = 0; i < sessions; ++i) {
    const int64_t day = static_cast<int64_t>(rng_.Below(static_cast<uint64_t>(world_.days)));
    const int64_t start = world_.start_s + day * kDayS + rng_.Between(8 * kHourS, 16 * kHourS);
    runs_.push_back(Run{start, static_cast<uint32_t>(i + 1)});
  }
  std::sort(runs_.begin(), runs_.end(), [](const Run& a, const Run& b) { return a.start_s < b.start_s; });
}

void OrienteeringGenerator::RunSession(const Run& run) {
  const Park& park = kParks[rng_.Below(std::size(kParks))];
  const std::string date = DateTimeString(run.start_s);
  const std::string session = "ses_" + date.substr(0, 4) + date.substr(5, 2) + date.substr(8, 2) + "_" +
                              std::to_string(1000000 + run.seq).substr(1);
  std::string device = "dev_";
  AppendHex(device, rng_.Next(), 10);
  const std::string client = rng_.Chance(0.6) ? "app" : "wechat";
  const std::string route = std::string(park.event_id.substr(3)) + "-r" + std::to_string(rng_.Between(1, 3));
  const int64_t duration = rng_.Between(30 * 60, 90 * 60);
  const int64_t end = run.start_s + duration;
  const int controls = static_cast<int>(rng_.Between(8, 15));
  const double base_hr = rng_.Uniform(120, 150);
  // The runner's position moves along a loop around the park's start.
  auto position = [&](int64_t t, double& lat, double& lon) {
    const double phase =
        2 * std::numbers::pi * static_cast<double>(t - run.start_s) / static_cast<double>(duration);
    lat = park.latitude + 0.006 * std::sin(phase) + rng_.Uniform(-0.00005, 0.00005);
    lon = park.longitude + 0.008 * (1 - std::cos(phase)) + rng_.Uniform(-0.00005, 0.00005);
  };
  auto heart_rate = [&](int64_t t) {
    return static_cast<int64_t>(
        std::clamp(base_hr + 25 * std::sin(static_cast<double>(t - run.start_s) / 600.0) + rng_.Normal(0, 4),
                   60.0, 200.0));
  };
  int64_t hr_sum = 0, hr_max = 0, hr_count = 0;
  for (int64_t seq = 0, t0 = run.start_s; t0 < end; ++seq, t0 += kUploadEvery) {
    const int64_t t1 = std::min(end, t0 + kUploadEvery);
    Item item{t0, t1, {}};
    JsonObject o(item.text);
    o.Str("session_id", session).Int("upload_seq", seq).Str("event_id", park.event_id);
    o.Str("event_release_id", std::string(park.event_id) + "-rel-1")
        .Str("participant_id", "ptc_" + session.substr(13));
    o.Str("route_code", route).Str("device_id", device).Str("client_type", client);
    o.DateTime("started_at", t0).DateTime("ended_at", t1);
    std::string& gps = o.Begin("gps_points");
    gps.push_back('[');
    for (int64_t t = t0; t < t1; t += kSampleEvery) {
      if (t > t0) gps.push_back(',');
      double lat, lon;
      position(t, lat, lon);
      JsonObject p(gps);
      p.DateTime("recorded_at", t).Fixed("latitude", Scaled(lat), 6).Fixed("longitude", Scaled(lon), 6);
      p.Fixed("altitude_m", rng_.Between(50, 600), 1).Fixed("accuracy_m", rng_.Between(20, 80), 1);
      p.Fixed("speed_mps", rng_.Between(150, 420), 2);
    }
    gps.push_back(']');
    std::string& hr = o.Begin("heart_rate_samples");
    hr.push_back('[');
    for (int64_t t = t0; t < t1; t += kSampleEvery) {
      if (t > t0) hr.push_back(',');
      const int64_t bpm = heart_rate(t);
      hr_sum += bpm;
      hr_count += 1;
      hr_max = std::max(hr_max, bpm);
      JsonObject(hr).DateTime("recorded_at", t).Int("bpm", bpm);
    }
    hr.push_back(']');
    o.Close();
    uploads_.push_back(std::move(item));
  }
  const bool completed = rng_.Chance(0.9);
  const int punched = completed ? controls : std::max(1, static_cast<int>(controls * rng_.Uniform(0.3, 0.9)));
  for (int k = 0; k < punched; ++k) {
    const int64_t t = run.start_s + duration * (k + 1) / (controls + 1) + rng_.Between(-20, 20);
    double lat, lon;
    position(t, lat, lon);
    Item item{t, t, {}};
    JsonObject o(item.text);
    o.Str("session_id", session).Str("event_id", park.event_id).Str("route_code", route);
    o.Str("control_code", std::to_string(31 + k)).Int("control_seq", k + 1).DateTime("punch_time", t);
    const std::string_view methods[] = {"gps", "qr", "nfc"};
    o.Str("punch_method", methods[rng_.Below(3)])
        .Fixed("latitude", Scaled(lat), 6)
        .Fixed("longitude", Scaled(lon), 6);
    o.Fixed("accuracy_m", rng_.Between(20, 90), 1)
        .Int("heart_rate_bpm", heart_rate(t))
        .Str("device_id", device);
    o.Close();
    punches_.push_back(std::move(item));
  }
  Item finish{end, end, {}};
  {
    JsonObject o(finish.text);
    o.Str("session_id", session).Str("finish_request_id", "fin_" + session.substr(4));
    o.DateTime("started_at", run.start_s).DateTime("finished_at", end);
    o.Str("finish_status", completed ? "completed" : rng_.Chance(0.7) ? "abandoned" : "timeout");
    o.Int("elapsed_sec", duration)
        .Fixed("distance_m", std::lround(duration * rng_.Uniform(2.0, 3.5) * 10), 1);
    o.Int("punch_count", punched).Int("avg_heart_rate_bpm", hr_count ? hr_sum / hr_count : 100);
    o.Int("max_heart_rate_bpm", std::max<int64_t>(hr_max, 60)).Str("device_id", device);
  }
  finishes_.push_back(std::move(finish));
}

void OrienteeringGenerator::GenerateHour(int64_t hour_s, Emitter& out) {
  while (next_run_ < runs_.size() && runs_[next_run_].start_s < hour_s + kHourS)
    RunSession(runs_[next_run_++]);
  out.Stream(upload_id_, uploads_, StreamShape{});
  out.Stream(punch_id_, punches_, StreamShape{});
  out.Stream(finish_id_, finishes_, StreamShape{});
}

}  // namespace civicflow::datagen
