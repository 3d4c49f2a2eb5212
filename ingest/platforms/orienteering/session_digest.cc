#include "ingest/platforms/orienteering/session_digest.h"

#include <simdjson.h>

namespace civicflow::ingest::http {
namespace {

namespace dom = simdjson::dom;

enum class Kind { kChunk, kPunch, kFinish };

std::string Text(dom::object object, std::string_view key) {
  std::string_view value;
  return object[key].get_string().get(value) ? std::string() : std::string(value);
}

std::optional<int64_t> Integer(dom::object object, std::string_view key) {
  int64_t value;
  if (object[key].get_int64().get(value)) return std::nullopt;
  return value;
}

std::optional<double> Number(dom::object object, std::string_view key) {
  double value;
  if (object[key].get_double().get(value)) return std::nullopt;
  return value;
}

std::optional<LocalTime> Time(dom::object object, std::string_view key) {
  std::string_view text;
  if (object[key].get_string().get(text)) return std::nullopt;
  return ParseDateTime(text);
}

std::optional<TrackChunk> ChunkOf(dom::object record) {
  const std::optional<int64_t> seq = Integer(record, "upload_seq");
  const std::optional<LocalTime> started = Time(record, "started_at"), ended = Time(record, "ended_at");
  if (!seq || !started || !ended) return std::nullopt;
  TrackChunk chunk{static_cast<int32_t>(*seq), *started, *ended, {}, {}};
  dom::array list;
  if (!record["gps_points"].get_array().get(list)) {
    for (dom::element element : list) {
      dom::object point;
      if (element.get_object().get(point)) continue;
      const std::optional<LocalTime> at = Time(point, "recorded_at");
      const std::optional<double> latitude = Number(point, "latitude"),
                                  longitude = Number(point, "longitude");
      if (at && latitude && longitude) chunk.gps.push_back({*at, *latitude, *longitude});
    }
  }
  if (!record["heart_rate_samples"].get_array().get(list)) {
    for (dom::element element : list) {
      dom::object sample;
      if (element.get_object().get(sample)) continue;
      const std::optional<LocalTime> at = Time(sample, "recorded_at");
      const std::optional<int64_t> bpm = Integer(sample, "bpm");
      if (at && bpm) chunk.heart_rate.push_back({*at, static_cast<int32_t>(*bpm)});
    }
  }
  return chunk;
}

std::optional<Punch> PunchOf(dom::object record) {
  const std::optional<LocalTime> at = Time(record, "punch_time");
  if (!at) return std::nullopt;
  const std::optional<int64_t> seq = Integer(record, "control_seq");
  return Punch{Text(record, "control_code"),
               seq ? std::optional<int32_t>(static_cast<int32_t>(*seq)) : std::nullopt, *at,
               Text(record, "punch_method")};
}

std::optional<FinishReport> FinishOf(dom::object record) {
  const std::optional<LocalTime> started = Time(record, "started_at"), finished = Time(record, "finished_at");
  const std::optional<int64_t> elapsed = Integer(record, "elapsed_sec");
  if (!started || !finished || !elapsed) return std::nullopt;
  return FinishReport{*started,
                      *finished,
                      Text(record, "finish_status"),
                      *elapsed,
                      Number(record, "distance_m"),
                      Integer(record, "punch_count"),
                      Integer(record, "avg_heart_rate_bpm"),
                      Integer(record, "max_heart_rate_bpm")};
}

void Add(Kind kind, dom::object record, SessionDigest& digest) {
  SessionDigest::Item item;
  item.session_id = Text(record, "session_id");
  if (item.session_id.empty()) return;
  item.labels = {Text(record, "event_id"), Text(record, "event_release_id"), Text(record, "participant_id"),
                 Text(record, "route_code")};
  switch (kind) {
    case Kind::kChunk:
      item.chunk = ChunkOf(record);
      break;
    case Kind::kPunch:
      item.punch = PunchOf(record);
      break;
    case Kind::kFinish:
      item.finish = FinishOf(record);
      break;
  }
  digest.items.push_back(std::move(item));
}

}  // namespace

SessionDigest SessionDigest::Of(const InterfaceSpec& spec, std::string_view json) {
  SessionDigest digest;
  const Kind kind = spec.name == "session-uploads" ? Kind::kChunk
                    : spec.name == "punches"       ? Kind::kPunch
                                                   : Kind::kFinish;
  thread_local dom::parser parser;
  dom::element root;
  if (parser.parse(json).get(root)) return digest;
  dom::object object;
  dom::array array;
  if (!root.get_object().get(object)) {
    Add(kind, object, digest);
  } else if (!root.get_array().get(array)) {
    for (dom::element element : array)
      if (!element.get_object().get(object)) Add(kind, object, digest);
  }
  return digest;
}

}  // namespace civicflow::ingest::http
