#pragma once
// FlowHourly: the flow_hourly table — entries per site, hour and source —
// for every flow source of PLATFORMS.md. Windows are hours of event time
// (fitness hourly statistics use the interval-ending rule via HourStart);
// an hour is emitted once the watermark passes its end. A record arriving
// for an hour already emitted opens it again and yields a further additive
// row at the next watermark, so SUM(entries) per key is always the total.
// A correction retracts what its key contributed (a negative delta) and adds
// its new value. Shard-owned: one thread only.
#include <span>
#include <string>
#include <vector>

#include "engine/base/table_sink.h"
#include "engine/operator.h"
#include "operators/hourly_windows.h"
#include "operators/text_interner.h"

namespace civicflow::operators {

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
  // Throws std::logic_error if a source names an interface or field the
  // registry lacks: a programming error, caught by the tests.
  // `horizon_s` bounds how long a key's contribution is kept for corrections.
  FlowHourly(std::span<const FlowSource> sources, TableSink& sink, int64_t horizon_s = 48 * 3600);

  void OnBatch(std::span<const ingest::Record* const> records) override;
  void OnCorrection(const ingest::Record& record) override;
  void OnWatermark(LocalTime watermark) override;
  void Flush() override;
  void SaveState(StateWriter& out) const override;
  void LoadState(StateReader& in) override;

  size_t open_windows() const;
  size_t retained_contributions() const { return retractions_.size(); }  // keys kept for corrections
  uint64_t late_rows() const override { return windows_.late_rows(); }

 private:
  struct Route {
    int source = -1;  // index into sources_, -1: interface not a flow source
    int site = -1;    // flat field index
    int count = -1;   // flat field index, -1: count records
    // False when a correction cannot change what a record contributes (it
    // counts 1, and its site and time are part of its dedup key): such
    // records need no retraction state.
    bool retractable = true;
  };
  // What one record added to one window: kept per dedup key for retraction.
  struct Contribution {
    uint64_t window;  // site index << 8 | source index
    int64_t hour;
    int64_t amount;
  };
  bool ContributionOf(const ingest::Record& r, Contribution& out);
  void Add(const Contribution& c, int64_t sign);
  void EmitThrough(int64_t hour_end_limit);

  std::vector<FlowSource> sources_;
  TableSink& sink_;
  std::vector<Route> routes_;  // by InterfaceId
  TextInterner sites_;
  HourlyWindows<int64_t> windows_;  // window: site index << 8 | source index → entries
  Retractions<Contribution> retractions_;
  RowBuilder row_;
};

}  // namespace civicflow::operators
