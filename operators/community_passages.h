#pragma once
// CommunityPassages: the community_passages table — per community, entrance
// and hour: person passages (stk/rytxjl), vehicle passages (stk/cltxjl),
// face captures (stk/zpjl), and vehicle passages of plates the community had
// not registered (clxx) before them in arrival order (operators/README.md).
//
// Owns, per shard (community interfaces are partitioned by the community
// code, so a community's registrations and passages meet on one shard):
// - the open hour windows, emitted once the watermark passes their end; a
//   record for an hour already emitted yields a further additive row at the
//   next watermark (late_rows), so SUM per key is always the total;
// - per passage dedup key what it contributed, so a correction retracts it
//   and adds the new values (kept for `horizon_s`);
// - the registered plates: each plate text interned once, and one 24-byte
//   slot per (community, plate) at a load factor of 1/4–1/2, i.e. 48–96
//   bytes per registration plus ~80 bytes per distinct plate. Registrations
//   are never forgotten: clxx has no deregistration.
// Touched by the shard's owner thread only; no per-record allocation once
// the windows and interned codes are warm (passages look plates up, never
// intern them).
#include <cstdint>
#include <span>
#include <vector>

#include "engine/base/table_sink.h"
#include "engine/operator.h"
#include "operators/hour_keyed_table.h"
#include "operators/hourly_windows.h"
#include "operators/text_interner.h"

namespace civicflow::operators {

class CommunityPassages final : public Operator {
 public:
  // Throws std::logic_error if the registry lacks an interface or field this
  // operator reads: a programming error, caught by the tests.
  explicit CommunityPassages(TableSink& sink, int64_t horizon_s = 48 * 3600);

  void OnBatch(std::span<const ingest::Record* const> records) override;
  void OnCorrection(const ingest::Record& record) override;
  void OnWatermark(LocalTime watermark) override;
  void Flush() override;
  void SaveState(StateWriter& out) const override;
  void LoadState(StateReader& in) override;

  size_t open_windows() const;
  uint64_t late_rows() const override { return windows_.late_rows(); }
  size_t registrations() const { return registered_.size(); }

 private:
  enum class Kind : uint8_t { kNone, kPerson, kVehicle, kFace, kRegistration };
  // Flat field indexes of one interface, resolved at construction.
  struct Route {
    Kind kind = Kind::kNone;
    int area = -1;      // areaNo, clxx: xqbm
    int entrance = -1;  // accessControlNo / gateNo / snapNo
    int plate = -1;     // cltxjl: carNo, clxx: cphm
  };
  struct Counts {
    int64_t person = 0, vehicle = 0, face = 0, unregistered = 0;
    bool Zero() const { return !person && !vehicle && !face && !unregistered; }
  };
  // What one passage added to one window: kept per dedup key for retraction.
  struct Contribution {
    uint64_t window;  // community index << 32 | entrance index
    int64_t hour;
    Kind kind;
    uint8_t unregistered;  // 0 or 1; a byte, so a loaded state is checked without reading a bad bool
  };

  void Resolve(std::string_view interface, Kind kind);
  bool ContributionOf(const ingest::Record& r, Contribution& out);
  void Add(const Contribution& c, int64_t sign);
  void Register(const ingest::Record& r, const Route& route);
  bool Registered(uint32_t community, std::string_view plate);
  void EmitThrough(int64_t hour_end_limit);

  TableSink& sink_;
  std::vector<Route> routes_;  // by InterfaceId
  TextInterner communities_, entrances_, plates_;
  HourKeyedTable<uint8_t> registered_;  // (community + 1) << 32 | plate → present
  HourlyWindows<Counts> windows_;       // window: community index << 32 | entrance index
  Retractions<Contribution> retractions_;
  RowBuilder row_;
};

}  // namespace civicflow::operators
