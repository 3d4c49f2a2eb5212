#pragma once
// EnergyTotals: the energy_hourly and energy_daily tables — electricity,
// water and gas consumption of the fitness platform per venue and hour, and
// per district, city and province and day. Both tables are additive.
//
// Windows are event time: an hour by the interval-ending rule (acqTime 18:00
// is the hour 17:00–18:00), a day is the date of that hour (acqTime 00:00
// still belongs to the day before). An hour is emitted once the watermark
// reaches its end, a day once it reaches the next midnight. Data for a window
// already emitted, and corrections, reopen it and yield further rows (deltas)
// at the next watermark, so SUM(consumption) per key is always the total.
// A correction retracts everything its dedup key contributed — the hourly row
// and all three daily rows — and adds the new values.
//
// Amounts stay fixed point (×10^6) from the validator to the row: no rounding
// ever. Shard-owned: one thread only, no locks. Steady state allocates only
// for a venue or region seen for the first time; window cells live in flat
// vectors reused across emissions.
#include <deque>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/base/table_sink.h"
#include "engine/operator.h"
#include "operators/hourly_windows.h"
#include "operators/text_interner.h"

namespace civicflow::operators {

// Which interface feeds which energy kind.
struct EnergySource {
  std::string_view interface;  // a fitness interface with the consumption fields
  std::string_view kind;       // energy_hourly.kind / energy_daily.kind value
};

// The sources PLATFORMS.md defines: electricity, water, gas.
std::span<const EnergySource> DefaultEnergySources();

class EnergyTotals final : public Operator {
 public:
  // Throws std::logic_error if a source names an interface or field the
  // registry lacks: a programming error, caught by the tests. `horizon_s`
  // bounds how long a key's contribution is kept for corrections (the dedup
  // horizon: past it the deduplicator forgets the key too).
  EnergyTotals(std::span<const EnergySource> sources, TableSink& hourly, TableSink& daily,
               int64_t horizon_s = 48 * 3600);

  void OnBatch(std::span<const ingest::Record* const> records) override;
  void OnCorrection(const ingest::Record& record) override;
  void OnWatermark(LocalTime watermark) override;
  void Flush() override;
  void SaveState(StateWriter& out) const override;
  void LoadState(StateReader& in) override;

  size_t open_hourly_cells() const { return hourly_.size(); }
  size_t open_daily_cells() const { return daily_.size(); }
  // Rows written for windows emitted before (late data, corrections), both tables.
  uint64_t late_rows() const override { return late_hourly_rows_ + late_daily_rows_; }
  uint64_t late_hourly_rows() const { return late_hourly_rows_; }
  uint64_t late_daily_rows() const { return late_daily_rows_; }

 private:
  // The changes to one additive table not yet written, by (window, cell).
  // Each cell carries the delta of its sum and of its record count since the
  // window was last emitted. Cells live in one dense vector with an
  // open-addressing index beside it; both keep their capacity across
  // emissions, so a warm table never allocates.
  class OpenWindows {
   public:
    struct Cell {
      int64_t start;  // window start, local seconds
      uint64_t key;   // the operator's encoding of the row's other key columns
      int64_t amount;
      int64_t records;
    };

    explicit OpenWindows(int64_t length) : length_(length) {}

    void Add(int64_t start, uint64_t key, int64_t amount, int64_t records);
    // Moves the cells of windows ending at or before `limit` into `out`
    // (cleared first), sorted by (start, key).
    void TakeThrough(int64_t limit, std::vector<Cell>& out);

    size_t size() const { return cells_.size(); }
    int64_t length() const { return length_; }
    std::span<const Cell> cells() const { return cells_; }

    // Checkpoints: the cells; the index and the oldest start are rebuilt.
    void SaveState(StateWriter& out) const;
    // REQUIRES: no cells. Fails `in` on a cell twice or at a start that is
    // not a window's; the owner checks the keys.
    void LoadState(StateReader& in);

   private:
    size_t Slot(int64_t start, uint64_t key) const;
    void Reindex(size_t capacity);

    int64_t length_;
    std::vector<Cell> cells_;
    std::vector<uint32_t> index_;  // position in cells_ + 1; 0: empty. Power-of-two size.
    int64_t oldest_start_ = INT64_MAX;
  };

  struct Route {
    int source = -1;  // index into sources_; -1: interface not an energy source
    int venue = -1, province = -1, city = -1, district = -1, consumption = -1;  // flat field indexes
  };
  // A venue with its region codes: the hourly row's identity apart from hour and kind.
  struct Site {
    uint32_t venue;  // index into venues_
    int64_t province, city, district;
    bool operator==(const Site&) const = default;
  };
  struct SiteHash {
    size_t operator()(const Site& s) const;
  };
  // What one record added: kept per dedup key so a correction can retract it.
  struct Contribution {
    int64_t hour;
    int64_t amount;
    uint32_t site;
    uint32_t source;
  };

  bool ContributionOf(const ingest::Record& r, Contribution& out);
  void Add(const Contribution& c, int64_t sign);
  uint32_t InternSite(std::string_view venue, int64_t province, int64_t city, int64_t district);
  void EmitThrough(int64_t limit);

  std::vector<EnergySource> sources_;
  TableSink& hourly_sink_;
  TableSink& daily_sink_;
  std::vector<Route> routes_;  // by InterfaceId

  TextInterner venues_;
  std::vector<Site> sites_;
  std::unordered_map<Site, uint32_t, SiteHash> site_index_;
  uint32_t last_site_ = UINT32_MAX;

  OpenWindows hourly_;                   // key: site << 8 | source
  OpenWindows daily_;                    // key: level << 32 | region code << 8 | source
  int64_t emitted_through_ = INT64_MIN;  // windows ending at or before this were emitted
  Retractions<Contribution> retractions_;
  uint64_t late_hourly_rows_ = 0, late_daily_rows_ = 0;
  std::vector<OpenWindows::Cell> due_;  // reused by EmitThrough
  RowBuilder row_;
};

}  // namespace civicflow::operators
