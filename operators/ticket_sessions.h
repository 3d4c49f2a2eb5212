#pragma once
// TicketSessions: the ticket_sessions table — per performance session and
// hour: tickets sold and refunded with their amounts, first checks and
// repeat checks, and the change of inventory (operators/README.md).
//
// Owns, per shard (the ticketing interfaces are partitioned by sessionCode,
// so a session lives on one shard):
// - the open hour windows, emitted once the watermark passes their end; a
//   record for an hour already emitted yields a further additive row at the
//   next watermark (late_rows), so SUM per (session, hour) is the total;
// - per order / refund dedup key what it contributed, so a correction
//   retracts it and adds the new values (kept for `horizon_s`);
// - per session the set of ticketIds already checked, keyed by a 64-bit hash
//   of (session, ticketId): one 24-byte slot at a load factor of 1/4–1/2,
//   48–96 bytes per ticket, forgotten `horizon_s` after the hour of its first
//   check (a check after that counts as a first check again);
// - per (session, priceId) the last inventory total and its request time:
//   64–128 bytes per price tier, never forgotten (a forgotten tier would add
//   its whole total again).
// Touched by the shard's owner thread only; no per-record allocation once
// the windows and interned session codes are warm.
#include <cstdint>
#include <span>
#include <vector>

#include "engine/base/table_sink.h"
#include "engine/operator.h"
#include "operators/hour_keyed_table.h"
#include "operators/hourly_windows.h"
#include "operators/text_interner.h"

namespace civicflow::operators {

class TicketSessions final : public Operator {
 public:
  // Throws std::logic_error if the registry lacks an interface or field this
  // operator reads: a programming error, caught by the tests.
  explicit TicketSessions(TableSink& sink, int64_t horizon_s = 48 * 3600);

  void OnBatch(std::span<const ingest::Record* const> records) override;
  void OnCorrection(const ingest::Record& record) override;
  void OnWatermark(LocalTime watermark) override;
  void Flush() override;
  void SaveState(StateWriter& out) const override;
  void LoadState(StateReader& in) override;

  size_t open_windows() const;
  uint64_t late_rows() const override { return windows_.late_rows(); }
  size_t checked_tickets() const { return checked_.size(); }
  uint64_t stale_inventory() const { return stale_inventory_; }  // reports older than the tier's last

 private:
  enum class Kind : uint8_t { kNone, kOrder, kRefund, kCheck, kInventory };
  // Flat field indexes of one interface, resolved at construction.
  struct Route {
    Kind kind = Kind::kNone;
    int session = -1;
    int amount = -1;       // order: ticketOrderAmount, refund: refundAmount
    int ticket = -1;       // check: ticketId
    int price = -1;        // inventory: priceId
    int available = -1;    // inventory
    int unavailable = -1;  // inventory
  };
  struct Counts {
    int64_t sold = 0, refunded = 0, revenue_fen = 0, refund_fen = 0, checked_in = 0, repeat_checks = 0,
            inventory = 0;
    bool Zero() const {
      return !sold && !refunded && !revenue_fen && !refund_fen && !checked_in && !repeat_checks && !inventory;
    }
  };
  // What one order or refund element added: kept per dedup key for retraction.
  struct Contribution {
    uint32_t session;
    Kind kind;
    int64_t hour;
    int64_t amount;
  };
  struct Tier {
    int64_t total;
    int64_t request_ts_ms;
  };

  void Resolve(std::string_view interface, Kind kind);
  // False when the record is not an order / refund this table counts.
  bool ContributionOf(const ingest::Record& r, Contribution& out);
  void Add(const Contribution& c, int64_t sign);
  void Check(const ingest::Record& r, const Route& route);
  void Inventory(const ingest::Record& r, const Route& route);
  void EmitThrough(int64_t hour_end_limit);

  TableSink& sink_;
  int64_t horizon_s_;
  std::vector<Route> routes_;  // by InterfaceId
  TextInterner sessions_;
  HourlyWindows<Counts> windows_;  // window: session index
  Retractions<Contribution> retractions_;
  HourKeyedTable<uint8_t> checked_;                // hash(session, ticketId) → present
  HourKeyedTable<Tier> tiers_;                     // hash(session, priceId) → last report
  int64_t last_sweep_ = LocalTime::Min().seconds;  // of checked_
  uint64_t stale_inventory_ = 0;
  RowBuilder row_;
};

}  // namespace civicflow::operators
