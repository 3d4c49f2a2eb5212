#pragma once
// The two mechanisms every additive hourly operator shares.
//
// HourlyWindows<Cell>: open cells keyed by (hour start, window key). Hours
// are emitted in order once the watermark passes their end; a cell for an
// hour emitted before is emitted at the next watermark as a further additive
// row and counted in late_rows().
//
// Retractions<Contribution>: what each dedup key contributed, kept for the
// dedup horizon, so a correction can take it back (a negative delta) before
// adding the new values.
//
// Both are shard-owned: one thread only.
#include <algorithm>
#include <cstdint>
#include <map>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "engine/base/local_time.h"
#include "engine/base/state_codec.h"
#include "operators/hour_keyed_table.h"

namespace civicflow::operators {

// Whether `start` can begin a window of `length` seconds: aligned, and within
// the years a validated time names. Loading state checks it, so damaged
// state cannot overflow the window arithmetic.
constexpr bool PlausibleWindowStart(int64_t start, int64_t length) {
  constexpr int64_t kLimit = int64_t{1} << 40;  // about ±34,000 years
  return start > -kLimit && start < kLimit && FloorDiv(start, length) * length == start;
}

template <typename Cell>
class HourlyWindows {
 public:
  Cell& At(int64_t hour_start, uint64_t window) { return hours_[hour_start][window]; }

  // Calls emit(hour_start, window, cell, late) for every cell of the hours
  // ending at or before `limit`, in hour order, then forgets them. `emit`
  // returns whether it wrote a row (an operator may skip cells that sum to
  // nothing); late rows written are counted.
  template <typename Emit>
  void EmitThrough(int64_t limit, Emit&& emit) {
    while (!hours_.empty() && hours_.begin()->first + LocalTime::kHour <= limit) {
      const auto& [hour, cells] = *hours_.begin();
      const bool late = hour + LocalTime::kHour <= emitted_through_;
      for (const auto& [window, cell] : cells)
        if (emit(hour, window, cell, late) && late) ++late_rows_;
      hours_.erase(hours_.begin());
    }
    emitted_through_ = std::max(emitted_through_, limit);
  }

  size_t open_cells() const {
    size_t n = 0;
    for (const auto& [hour, cells] : hours_) n += cells.size();
    return n;
  }
  uint64_t late_rows() const { return late_rows_; }

  // Whether pred(hour_start, window, cell) holds for every open cell: lets
  // an owner check a loaded state whose window keys index into its members.
  template <typename Pred>
  bool AllOf(Pred&& pred) const {
    for (const auto& [hour, cells] : hours_)
      for (const auto& [window, cell] : cells)
        if (!pred(hour, window, cell)) return false;
    return true;
  }

  // Checkpoints: the open cells, what was emitted, the late-row count.
  void SaveState(StateWriter& out) const {
    static_assert(std::is_trivially_copyable_v<Cell>);
    out.Put(emitted_through_);
    out.Put(late_rows_);
    out.PutCount(hours_.size());
    for (const auto& [hour, cells] : hours_) {
      out.Put(hour);
      out.PutCount(cells.size());
      for (const auto& [window, cell] : cells) {
        out.Put(window);
        out.Put(cell);
      }
    }
  }
  // REQUIRES: no open cells.
  void LoadState(StateReader& in) {
    emitted_through_ = in.Get<int64_t>();
    late_rows_ = in.Get<uint64_t>();
    for (uint64_t h = in.GetCount(2 * sizeof(uint64_t)); h > 0; --h) {
      auto& cells = hours_[in.Get<int64_t>()];
      for (uint64_t c = in.GetCount(sizeof(uint64_t) + sizeof(Cell)); c > 0; --c) {
        const auto window = in.Get<uint64_t>();
        cells[window] = in.Get<Cell>();
      }
    }
  }

 private:
  std::map<int64_t, std::unordered_map<uint64_t, Cell>> hours_;
  int64_t emitted_through_ = INT64_MIN;  // hours ending at or before this were emitted
  uint64_t late_rows_ = 0;
};

template <typename Contribution>
class Retractions {
 public:
  explicit Retractions(int64_t horizon_s) : horizon_s_(horizon_s) {}

  // Remembers what a new record with `dedup_key` (non-zero) contributed.
  void Remember(uint64_t dedup_key, int64_t hour_start, const Contribution& c) {
    *table_.FindOrInsert(dedup_key, hour_start).first = c;
  }

  // A correction: returns what the key contributed before, if still known,
  // and remembers `now` in its place.
  std::pair<Contribution, bool> Replace(uint64_t dedup_key, int64_t hour_start, const Contribution& now) {
    auto [slot, inserted] = table_.FindOrInsert(dedup_key, hour_start);
    const std::pair<Contribution, bool> before{*slot, !inserted};
    *slot = now;
    return before;
  }

  // Forgets keys past the horizon; sweeps every 6 h of watermark.
  void OnWatermark(LocalTime watermark) {
    if (watermark.seconds - last_sweep_ < 6 * LocalTime::kHour) return;
    last_sweep_ = watermark.seconds;
    table_.ExpireBefore((watermark - horizon_s_).FloorHour().seconds);
  }

  size_t size() const { return table_.size(); }

  // Whether pred(contribution) holds for every key remembered.
  template <typename Pred>
  bool AllOf(Pred&& pred) const {
    return table_.AllOf([&](int64_t, const Contribution& c) { return pred(c); });
  }

  // Checkpoints: what each key contributed, and the sweep clock.
  void SaveState(StateWriter& out) const {
    out.Put(last_sweep_);
    table_.SaveState(out);
  }
  // REQUIRES: nothing remembered yet.
  void LoadState(StateReader& in) {
    last_sweep_ = in.Get<int64_t>();
    table_.LoadState(in);
  }

 private:
  int64_t horizon_s_;
  HourKeyedTable<Contribution> table_;
  int64_t last_sweep_ = LocalTime::Min().seconds;
};

}  // namespace civicflow::operators
