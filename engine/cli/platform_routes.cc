#include "engine/cli/platform_routes.h"

#include "ingest/platforms/community/http_adapter.h"
#include "ingest/platforms/fitness/http_adapter.h"
#include "ingest/platforms/orienteering/http_adapter.h"
#include "ingest/platforms/parking/http_adapter.h"
#include "ingest/platforms/ticketing/http_adapter.h"

namespace civicflow {

using namespace ingest::http;

PlatformAdapters::PlatformAdapters(const Accounts& accounts, const AdapterContext& context,
                                   const ingest::parking::ReplenishSource& replenish) {
  // In Platform order: adapters_ is indexed by Platform.
  auto add = [&](std::unique_ptr<PlatformHandler> adapter, std::initializer_list<const char*> prefixes) {
    const auto platform = static_cast<ingest::Platform>(adapters_.size());
    for (const char* prefix : prefixes)
      routes_.push_back({prefix, adapter.get(), std::string(ingest::PlatformName(platform))});
    adapters_.push_back(std::move(adapter));
  };
  add(std::make_unique<FitnessAdapter>(accounts.fitness, context), {"/api/"});
  auto parking = std::make_unique<ingest::parking::ParkingAdapter>(accounts.parking, context, replenish);
  parking_ = parking.get();
  add(std::move(parking), {"/dataReceive/"});
  add(std::make_unique<CommunityAdapter>(accounts.community, context), {"/api/v1/"});
  add(std::make_unique<TicketingAdapter>(accounts.ticketing, context),
      {"/getAccessToken", "/standard/", "/performance/", "/report/"});
  add(std::make_unique<OrienteeringAdapter>(accounts.orienteering, context), {"/client/v1/"});
}

PlatformAdapters::~PlatformAdapters() = default;

ingest::parking::LotCounts PlatformAdapters::ParkingLots() const { return parking_->HeartbeatCounts(); }

void PlatformAdapters::Recall(ingest::InterfaceId id, std::string_view json) {
  const ingest::InterfaceSpec& spec = ingest::Registry::Get().At(id);
  adapters_[static_cast<size_t>(spec.platform)]->Recall(spec, json);
}

void PlatformAdapters::SaveState(StateWriter& out) const {
  for (const auto& adapter : adapters_) adapter->SaveState(out);
}

void PlatformAdapters::LoadState(StateReader& in) {
  for (const auto& adapter : adapters_) {
    if (in.failed()) return;
    adapter->LoadState(in);
  }
}

}  // namespace civicflow
