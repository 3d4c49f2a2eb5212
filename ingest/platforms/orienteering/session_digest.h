#pragma once
// SessionDigest: what the session reads (result, replay-summary, gps-track,
// heart-rate, me/sessions) need from one data-plane upload — session-uploads,
// punches or sessions/{session_id}/finish — read from its JSON before it is
// submitted. Records or members the digest cannot read are left out: the
// validator that runs next rejects such uploads, and the digest of a rejected
// upload is dropped. A value type; built on the I/O thread, applied to the
// SessionBook from the upload's `done`.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/local_time.h"
#include "ingest/registry/interface_spec.h"

namespace civicflow::ingest::http {

struct GpsPoint {
  LocalTime recorded_at;
  double latitude = 0, longitude = 0;
};
struct HeartRateSample {
  LocalTime recorded_at;
  int32_t bpm = 0;
};
// One session-uploads record: a stretch of the track and heart rate.
struct TrackChunk {
  int32_t upload_seq = 0;
  LocalTime started_at, ended_at;
  std::vector<GpsPoint> gps;
  std::vector<HeartRateSample> heart_rate;
};
struct Punch {
  std::string control_code;
  std::optional<int32_t> control_seq;
  LocalTime punch_time;
  std::string punch_method;
};
struct FinishReport {
  LocalTime started_at, finished_at;
  std::string finish_status;
  int64_t elapsed_sec = 0;
  std::optional<double> distance_m;
  std::optional<int64_t> punch_count, avg_heart_rate_bpm, max_heart_rate_bpm;
};
// What a record says about its session besides its data.
struct SessionLabels {
  std::string event_id, event_release_id, participant_id, route_code;
};

struct SessionDigest {
  struct Item {
    std::string session_id;
    SessionLabels labels;
    std::optional<TrackChunk> chunk;
    std::optional<Punch> punch;
    std::optional<FinishReport> finish;
  };
  std::vector<Item> items;  // one per record, in order

  // `spec` is one of the three data-plane uploads; `json` one object or an array.
  static SessionDigest Of(const InterfaceSpec& spec, std::string_view json);
};

}  // namespace civicflow::ingest::http
