#pragma once
// FlowHourly: the flow_hourly table — entries per site, hour and source —
// for every flow source of PLATFORMS.md. Windows are hours of event time
// (fitness hourly statistics use the interval-ending rule via HourStart);
// an hour is emitted once the watermark passes its end. A record arriving
// for an hour already emitted opens it again and yields a further additive
// row at the next watermark, so SUM(entries) per key is always the total.
// Shard-owned: one thread only.
#include <deque>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/operator.h"

namespace civicflow::operators {

// One row of flow_hourly(platform, site_id, hour_start, source, entries).
struct FlowRow {
  ingest::Platform platform;
  std::string_view site_id;
  LocalTime hour_start;
  std::string_view source;
  int64_t entries;
};

// Which interface feeds which source, and how it counts.
struct FlowSource {
  ingest::Platform platform;
  std::string_view interface;
  std::string_view source;       // flow_hourly.source value
  std::string_view site_field;   // becomes site_id
  std::string_view count_field;  // summed; empty: each record counts 1
};

// The sources PLATFORMS.md defines.
std::span<const FlowSource> DefaultFlowSources();

class FlowHourly final : public Operator {
 public:
  using RowSink = std::function<void(const FlowRow&)>;
  // Throws std::logic_error if a source names an interface or field the
  // registry lacks: a programming error, caught by the tests.
  FlowHourly(std::span<const FlowSource> sources, RowSink sink);

  void OnBatch(std::span<const ingest::Record* const> records) override;
  void OnWatermark(LocalTime watermark) override;
  void Flush() override;

  size_t open_windows() const;

 private:
  struct Route {
    int source = -1;  // index into sources_, -1: interface not a flow source
    int site = -1;    // flat field index
    int count = -1;   // flat field index, -1: count records
  };
  uint32_t InternSite(std::string_view site);
  void EmitThrough(int64_t hour_end_limit);

  std::vector<FlowSource> sources_;
  RowSink sink_;
  std::vector<Route> routes_;  // by InterfaceId
  std::deque<std::string> site_names_;
  std::unordered_map<std::string_view, uint32_t> site_index_;
  uint32_t last_site_ = UINT32_MAX;
  // hour_start → (site index << 8 | source index) → entries
  std::map<int64_t, std::unordered_map<uint64_t, int64_t>> windows_;
};

}  // namespace civicflow::operators
