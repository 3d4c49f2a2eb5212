#pragma once
// ParkingReconciler: the parking_reconciliation and parking_problem_plates
// tables, and the parking-lot rows of site_status, as operators/README.md
// defines them.
//
// Plate lists are reconciled by the lot's own progress (the latest event time
// among its records reaching list time + grace), checked after every record
// of the lot, so the rows do not depend on batching or on which other lots
// share the shard. The shard watermark drives only the offline transitions.
//
// Per lot it owns: the enter/exit events that arrived since its last
// reconciled plate list (pending until a list takes them), the plate lists not
// yet due, the tracked set (the last reconciled list: T := L), the
// parkSpaceInfo reports still needed for reported_used, and the lot's
// heartbeat status. Plates are interned per lot once, so sets are vectors of
// small ints and a record allocates nothing once its plate is known.
//
// Invariants: every pending event of a lot is later than its last reconciled
// list (earlier ones are late and are counted, not kept); pending lists are in
// list-time order, later than the last reconciled one and not yet due (list
// time + grace > the lot's latest event time); the scratch flag vectors are
// all zero between reconciliations.
// Shard-owned: one thread only.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/base/table_sink.h"
#include "engine/operator.h"
#include "operators/text_interner.h"

namespace civicflow::operators {

// Calls fn(plate) for each plate of a plateNoList: split on commas, spaces and
// tabs trimmed around each item, empty items dropped. Duplicates are passed
// on; the caller collapses them.
template <typename Fn>
void ForEachListedPlate(std::string_view list, Fn&& fn) {
  constexpr std::string_view kBlank = " \t\r\n";
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    const size_t first = item.find_first_not_of(kBlank);
    if (first == std::string_view::npos) continue;
    item = item.substr(first, item.find_last_not_of(kBlank) - first + 1);
    fn(item);
  }
}

class ParkingReconciler final : public Operator {
 public:
  static constexpr int64_t kHeartbeatEvery = 30;                 // seconds, PLATFORMS.md
  static constexpr int64_t kOfflineAfter = 3 * kHeartbeatEvery;  // three missed heartbeats

  // Throws std::logic_error if the registry lacks an interface or field this
  // operator reads. `grace_s`: a list is reconciled once the lot's latest
  // event time reaches list time + grace. `horizon_s`: pending events this far
  // behind the lot's latest event time (a lot that sends no lists) are dropped
  // at the periodic sweep (counted in expired_events).
  ParkingReconciler(TableSink& reconciliation, TableSink& problem_plates, TableSink& site_status,
                    int64_t grace_s = 600, int64_t horizon_s = 48 * 3600);

  void OnBatch(std::span<const ingest::Record* const> records) override;
  void OnCorrection(const ingest::Record& record) override;
  void OnWatermark(LocalTime watermark) override;
  void Flush() override;
  void SaveState(StateWriter& out) const override;
  void LoadState(StateReader& in) override;

  uint64_t late_events() const { return late_events_; }  // enter/exit at or before the last reconciled list
  uint64_t late_lists() const { return late_lists_; }    // lists at or before the last reconciled list
  uint64_t late_heartbeats() const { return late_heartbeats_; }          // not after an emitted offline
  uint64_t ignored_corrections() const { return ignored_corrections_; }  // of records already applied
  uint64_t expired_events() const { return expired_events_; }
  uint64_t heartbeats_without_lot() const { return heartbeats_without_lot_; }
  size_t pending_lists() const;
  size_t pending_events() const;
  size_t interned_plates() const;  // over all lots; bounded by the periodic sweep

 private:
  using PlateId = uint32_t;
  enum class Kind : uint8_t { kNone, kEnter, kExit, kList, kSpace, kHeartbeat };
  enum class Status : uint8_t { kUnknown, kOnline, kOffline };

  struct Route {
    Kind kind = Kind::kNone;
    int park = -1;   // flat field index of parkCode
    int value = -1;  // plateNo, plateNoList or usedStalls
  };
  struct Event {
    int64_t time_s;  // local seconds
    uint64_t seq;    // arrival order, breaks ties in event time
    uint64_t dedup_key;
    PlateId plate;
    bool enter;
  };
  struct PlateList {
    int64_t time_ms;  // envelope timestamp, local milliseconds: orders lists of one second
    uint64_t dedup_key;
    std::vector<PlateId> plates;  // distinct
  };
  struct SpaceReport {
    int64_t time_ms;
    uint64_t dedup_key;
    int64_t used;
  };
  struct Lot {
    uint32_t code;                  // index into lot_codes_
    TextInterner plates{16, 1024};  // PlateId ↔ plate
    std::vector<Event> events;      // pending, arrival order
    std::vector<PlateList> lists;   // pending, by list time then arrival
    std::vector<PlateId> tracked;   // the last reconciled list
    bool has_baseline = false;
    int64_t last_list_s = INT64_MIN;  // the last reconciled list's time
    std::vector<SpaceReport> spaces;  // by time; the newest at or before last_list_s, then later ones
    int64_t latest_s = INT64_MIN;     // the lot's own watermark: latest event time of its records
    Status status = Status::kUnknown;
    int64_t last_heartbeat = 0;
    int64_t status_since = 0;
  };

  PlateId InternPlate(Lot& lot, std::string_view plate);
  void ParseList(Lot& lot, std::string_view text, std::vector<PlateId>& out);
  std::vector<PlateId> TakeSpareList();
  Lot* LotOf(const ingest::Record& r, const Route& route);

  void AddEvent(Lot& lot, const ingest::Record& r, const Route& route);
  void AddList(Lot& lot, const ingest::Record& r, const Route& route);
  void AddSpace(Lot& lot, const ingest::Record& r, const Route& route);
  void Heartbeat(Lot& lot, int64_t t);
  void Correct(Lot& lot, const ingest::Record& r, const Route& route);

  void Reconcile(Lot& lot, PlateList& list);
  void Advance(Lot& lot, LocalTime event_time);  // then reconciles every list now due
  void MarkOffline(int64_t watermark_s);
  void Sweep();
  void CompactPlates(Lot& lot);
  // The first space report of a later second than `s`.
  static std::vector<SpaceReport>::iterator SpacesAfter(Lot& lot, int64_t s);
  // Forgets the reports no list at or after second `s` can need.
  static void PruneSpaces(Lot& lot, int64_t s);
  void EmitStatus(const Lot& lot, Status status, int64_t since, Status previous);

  TableSink& reconciliation_;
  TableSink& problem_plates_;
  TableSink& site_status_;
  int64_t grace_s_;
  int64_t horizon_s_;
  std::vector<Route> routes_;  // by InterfaceId

  TextInterner lot_codes_;
  std::deque<Lot> lots_;  // by lot code index
  uint64_t next_seq_ = 0;
  int64_t next_offline_s_ = INT64_MAX;  // no lot goes offline before the watermark passes this
  int64_t last_sweep_s_ = LocalTime::Min().seconds;

  // Scratch, reused across reconciliations.
  std::vector<uint8_t> in_tracked_, in_list_;
  std::vector<PlateId> candidates_, missing_enter_, missing_exit_;
  std::vector<std::vector<PlateId>> spare_lists_;
  RowBuilder row_;

  uint64_t late_events_ = 0, late_lists_ = 0, late_heartbeats_ = 0, ignored_corrections_ = 0,
           expired_events_ = 0, heartbeats_without_lot_ = 0;
};

}  // namespace civicflow::operators
