#include "operators/ticket_sessions.h"

#include <stdexcept>
#include <string>

#include "engine/base/hash.h"
#include "ingest/registry/record_parser.h"
#include "operators/registry_lookup.h"

namespace civicflow::operators {
namespace {

using ingest::Platform;

// A nonzero key for HourKeyedTable from a session index and a text of it.
uint64_t SessionKey(uint32_t session, std::string_view text, uint64_t salt) {
  const uint64_t key = HashCombine(HashCombine(salt, session), HashText(text));
  return key ? key : 1;
}

constexpr uint64_t kTicketSalt = 0x7ec4e7, kTierSalt = 0x7e1e5;

}  // namespace

TicketSessions::TicketSessions(TableSink& sink, int64_t horizon_s)
    : sink_(sink),
      horizon_s_(horizon_s),
      routes_(ingest::Registry::Get().All().size()),
      retractions_(horizon_s) {
  Resolve("report/order", Kind::kOrder);
  Resolve("report/refundOrder", Kind::kRefund);
  Resolve("report/checking", Kind::kCheck);
  Resolve("report/inventory", Kind::kInventory);
}

void TicketSessions::Resolve(std::string_view interface, Kind kind) {
  const ingest::InterfaceSpec& spec = InterfaceOrThrow(Platform::kTicketing, interface);
  Route& route = routes_[ingest::Registry::Get().IdOf(spec)];
  route.kind = kind;
  route.session = FieldOrThrow(spec, "sessionCode");
  switch (kind) {
    case Kind::kOrder:
      route.amount = FieldOrThrow(spec, "ticketOrderAmount");
      break;
    case Kind::kRefund:
      route.amount = FieldOrThrow(spec, "refundAmount");
      break;
    case Kind::kCheck:
      route.ticket = FieldOrThrow(spec, "ticketId");
      break;
    case Kind::kInventory:
      route.price = FieldOrThrow(spec, "priceId");
      route.available = FieldOrThrow(spec, "availableInventory");
      route.unavailable = FieldOrThrow(spec, "unavailableInventory");
      break;
    case Kind::kNone:
      break;
  }
}

bool TicketSessions::ContributionOf(const ingest::Record& r, Contribution& out) {
  const Route& route = routes_[r.interface];
  if ((route.kind != Kind::kOrder && route.kind != Kind::kRefund) || r.event_time == LocalTime::Min())
    return false;
  const std::string_view session = r[route.session].AsText();
  if (session.empty()) return false;
  out.session = sessions_.Intern(session);
  out.kind = route.kind;
  out.hour = ingest::HourStart(ingest::Registry::Get().At(r.interface), r.event_time).seconds;
  out.amount = r[route.amount].i;
  return true;
}

void TicketSessions::Add(const Contribution& c, int64_t sign) {
  Counts& counts = windows_.At(c.hour, c.session);
  if (c.kind == Kind::kOrder) {
    counts.sold += sign;
    counts.revenue_fen += sign * c.amount;
  } else {
    counts.refunded += sign;
    counts.refund_fen += sign * c.amount;
  }
}

void TicketSessions::Check(const ingest::Record& r, const Route& route) {
  const std::string_view session = r[route.session].AsText(), ticket = r[route.ticket].AsText();
  if (session.empty() || ticket.empty() || r.event_time == LocalTime::Min()) return;
  const uint32_t index = sessions_.Intern(session);
  const int64_t hour = ingest::HourStart(ingest::Registry::Get().At(r.interface), r.event_time).seconds;
  // Stamped with the hour of the first check: the ticket is forgotten horizon_s after it.
  const bool first = checked_.FindOrInsert(SessionKey(index, ticket, kTicketSalt), hour).second;
  Counts& counts = windows_.At(hour, index);
  (first ? counts.checked_in : counts.repeat_checks) += 1;
}

void TicketSessions::Inventory(const ingest::Record& r, const Route& route) {
  const std::string_view session = r[route.session].AsText(), price = r[route.price].AsText();
  if (session.empty() || price.empty()) return;
  const uint32_t index = sessions_.Intern(session);
  const LocalTime requested = LocalTime::FromEpochMillis(r.request_ts_ms);
  const int64_t hour = ingest::HourStart(ingest::Registry::Get().At(r.interface), requested).seconds;
  const int64_t total = r[route.available].i + r[route.unavailable].i;
  auto [tier, inserted] = tiers_.FindOrInsert(SessionKey(index, price, kTierSalt), hour);
  if (!inserted && r.request_ts_ms < tier->request_ts_ms) {
    // An older snapshot arriving after a newer one is not the latest: applying it would
    // leave the table at a stale total.
    ++stale_inventory_;
    return;
  }
  const int64_t previous = inserted ? 0 : tier->total;
  *tier = {total, r.request_ts_ms};
  windows_.At(hour, index).inventory += total - previous;
}

void TicketSessions::OnBatch(std::span<const ingest::Record* const> records) {
  for (const ingest::Record* r : records) {
    const Route& route = routes_[r->interface];
    switch (route.kind) {
      case Kind::kOrder:
      case Kind::kRefund: {
        Contribution c;
        if (!ContributionOf(*r, c)) break;
        Add(c, +1);
        if (r->dedup_key) retractions_.Remember(r->dedup_key, c.hour, c);
        break;
      }
      case Kind::kCheck:
        Check(*r, route);
        break;
      case Kind::kInventory:
        Inventory(*r, route);
        break;
      case Kind::kNone:
        break;
    }
  }
}

void TicketSessions::OnCorrection(const ingest::Record& r) {
  // Only orders and refunds are additive per key. A corrected check (same ticketId and
  // checkingTime) is still the same check: it changes no count.
  Contribution now;
  if (!ContributionOf(r, now)) return;
  if (const auto [before, known] = retractions_.Replace(r.dedup_key, now.hour, now); known) Add(before, -1);
  Add(now, +1);
}

void TicketSessions::EmitThrough(int64_t hour_end_limit) {
  windows_.EmitThrough(hour_end_limit, [&](int64_t hour, uint64_t session, const Counts& c, bool) {
    if (c.Zero()) return false;  // e.g. an unchanged inventory snapshot, or a correction that moved an order
    row_.Clear()
        .Text(sessions_.Name(static_cast<uint32_t>(session)))
        .Time(LocalTime{hour})
        .Int(c.sold)
        .Int(c.refunded)
        .Int(c.revenue_fen)
        .Int(c.refund_fen)
        .Int(c.checked_in)
        .Int(c.repeat_checks)
        .Int(c.inventory)
        .EmitTo(sink_);
    return true;
  });
}

void TicketSessions::OnWatermark(LocalTime watermark) {
  EmitThrough(watermark.seconds);
  if (watermark.seconds - last_sweep_ >= 6 * LocalTime::kHour) {
    last_sweep_ = watermark.seconds;
    checked_.ExpireBefore((watermark - horizon_s_).FloorHour().seconds);
  }
  retractions_.OnWatermark(watermark);
}

void TicketSessions::Flush() { EmitThrough(INT64_MAX); }

void TicketSessions::SaveState(StateWriter& out) const {
  out.Section("TicketSessions");
  sessions_.SaveState(out);  // first: windows and contributions hold its indexes
  windows_.SaveState(out);
  retractions_.SaveState(out);
  checked_.SaveState(out);
  tiers_.SaveState(out);
  out.Put(last_sweep_);
  out.Put(stale_inventory_);
}

void TicketSessions::LoadState(StateReader& in) {
  in.Section("TicketSessions");
  sessions_.LoadState(in);
  windows_.LoadState(in);
  retractions_.LoadState(in);
  checked_.LoadState(in);
  tiers_.LoadState(in);
  last_sweep_ = in.Get<int64_t>();
  stale_inventory_ = in.Get<uint64_t>();
  if (in.failed()) return;
  // Emitting a row names the session: every index kept must be one the interner holds.
  const size_t sessions = sessions_.size();
  const bool valid = windows_.AllOf([&](int64_t, uint64_t session, const Counts&) {
    return session < sessions;
  }) && retractions_.AllOf([&](const Contribution& c) {
    return c.session < sessions && (c.kind == Kind::kOrder || c.kind == Kind::kRefund);
  });
  if (!valid) in.Fail("TicketSessions: a session index out of range");
}

size_t TicketSessions::open_windows() const { return windows_.open_cells(); }

}  // namespace civicflow::operators
