#pragma once
// PlatformAdapters: every platform's HTTP adapter, built from the accounts
// file, and the path prefixes each answers. The prefixes do not collide
// (PLATFORMS.md): community's /api/v1/ is longer than fitness's /api/, and
// the server tries the longest prefix first.
#include <memory>
#include <vector>

#include "engine/cli/durable_ingest.h"
#include "ingest/http/accounts.h"
#include "ingest/http/platform_handler.h"
#include "ingest/http/server.h"
#include "ingest/platforms/parking/lot_registry.h"
#include "ingest/platforms/parking/replenish_source.h"

namespace civicflow::ingest::parking {
class ParkingAdapter;
}

namespace civicflow {

class PlatformAdapters final : public AdapterMemory {
 public:
  PlatformAdapters(const ingest::http::Accounts& accounts, const ingest::http::AdapterContext& context,
                   const ingest::parking::ReplenishSource& replenish);
  ~PlatformAdapters() override;

  const std::vector<ingest::http::Route>& routes() const { return routes_; }
  // Hands a recalled upload (PlatformHandler::Recall) to its platform's adapter.
  void Recall(ingest::InterfaceId id, std::string_view json) override;
  // Checkpoints: every adapter's state, in Platform order. SaveState runs
  // beside the I/O threads (each adapter takes its own locks); LoadState
  // before any request or Recall. A failed `in` (see in.error()) may leave
  // some adapters loaded: recovery then stops.
  void SaveState(StateWriter& out) const override;
  void LoadState(StateReader& in) override;
  // Parking lots with a heartbeat session, online and offline (thread-safe).
  ingest::parking::LotCounts ParkingLots() const;

 private:
  std::vector<std::unique_ptr<ingest::http::PlatformHandler>> adapters_;  // by Platform
  std::vector<ingest::http::Route> routes_;
  const ingest::parking::ParkingAdapter* parking_ = nullptr;
};

}  // namespace civicflow
