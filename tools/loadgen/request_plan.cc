#include "tools/loadgen/request_plan.h"

#include <chrono>

namespace civicflow::loadgen {
namespace {

using ingest::Platform;

template <typename Account>
const Account* Pick(const std::vector<Account>& accounts, size_t slot) {
  return accounts.empty() ? nullptr : &accounts[slot % accounts.size()];
}

size_t AccountCount(const ingest::http::Accounts& accounts, Platform platform) {
  switch (platform) {
    case Platform::kFitness:
      return accounts.fitness.size();
    case Platform::kParking:
      return accounts.parking.size();
    case Platform::kCommunity:
      return accounts.community.size();
    case Platform::kTicketing:
      return accounts.ticketing.size();
    case Platform::kOrienteering:
      return accounts.orienteering.size();
  }
  return 0;
}

// Distinct reasons kept before the rest are lumped together.
constexpr size_t kMaxReasons = 32;

void CountUnprepared(RequestPlan& plan, const std::string& platform, const std::string& reason) {
  std::string key = platform + ": " + reason;
  if (plan.unprepared.size() >= kMaxReasons && !plan.unprepared.contains(key))
    key = platform + ": other reasons";
  ++plan.unprepared[key];
}

}  // namespace

PlatformClient* AccountClients::For(Platform platform, size_t slot) {
  const size_t count = AccountCount(accounts_, platform);
  if (count == 0) return nullptr;
  auto& clients = clients_[static_cast<size_t>(platform)];
  clients.resize(count);
  std::unique_ptr<PlatformClient>& client = clients[slot % count];
  if (!client) {
    switch (platform) {
      case Platform::kFitness:
        client = MakeFitnessClient(*Pick(accounts_.fitness, slot));
        break;
      case Platform::kParking:
        client = MakeParkingClient(*Pick(accounts_.parking, slot), parking_password_);
        break;
      case Platform::kCommunity:
        client = MakeCommunityClient(*Pick(accounts_.community, slot));
        break;
      case Platform::kTicketing:
        client = MakeTicketingClient(*Pick(accounts_.ticketing, slot));
        break;
      case Platform::kOrienteering:
        client = MakeOrienteeringClient(*Pick(accounts_.orienteering, slot));
        break;
    }
  }
  return client.get();
}

Result<RequestPlan> PrepareRequests(const std::vector<ArchiveUpload>& uploads,
                                    const ingest::http::Accounts& accounts, const PlanOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  HttpTransport login(options.login);
  if (Status connected = login.Connect(); !connected.ok()) return connected;
  AccountClients clients(accounts, options.parking_password);
  RequestPlan plan;
  plan.by_connection.resize(options.connections);
  for (size_t i = 0; i < uploads.size(); ++i) {
    const ArchiveUpload& upload = uploads[i];
    const size_t connection = i % options.connections;
    const std::string platform(ingest::PlatformName(upload.platform));
    PlatformClient* client = clients.For(upload.platform, connection);
    if (!client) {
      CountUnprepared(plan, platform, "no account in the accounts file");
      continue;
    }
    Result<HttpCall> call = client->Upload(upload.interface, upload.ts_ms, upload.body, login);
    if (!call.ok()) {
      CountUnprepared(plan, platform, call.status().message());
      continue;
    }
    PreparedRequest request{WireRequest(*call, options.send_to), upload.platform, upload.records};
    plan.wire_bytes += request.wire.size();
    plan.records += upload.records;
    ++plan.requests;
    plan.by_connection[connection].push_back(std::move(request));
  }
  plan.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return plan;
}

}  // namespace civicflow::loadgen
