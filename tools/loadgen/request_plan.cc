#include "tools/loadgen/request_plan.h"

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <functional>

#include "ingest/registry/registry.h"

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

// The text of `key` in `object`: a string's contents or a number's digits.
bool MemberText(simdjson::dom::element object, std::string_view key, std::string& out) {
  simdjson::dom::element value;
  if (!object.is_object() || object[key].get(value)) return false;
  std::string_view text;
  out = value.get_string().get(text) ? simdjson::minify(value) : std::string(text);
  return true;
}

}  // namespace

bool IsSetupInterface(Platform platform, std::string_view interface) {
  const ingest::InterfaceSpec* spec = ingest::Registry::Get().Find(platform, interface);
  return spec && spec->direction == ingest::Direction::kUpload && spec->event_time.empty() &&
         std::all_of(spec->dedup_key.begin(), spec->dedup_key.end(), [](auto key) { return key.empty(); });
}

size_t AccountSlot(const ArchiveUpload& upload) {
  const ingest::InterfaceSpec* spec = ingest::Registry::Get().Find(upload.platform, upload.interface);
  if (!spec || spec->partition_key.empty() || spec->partition_key == ingest::kEnvelopeTs) return 0;
  simdjson::dom::parser parser;
  simdjson::dom::element record;
  if (parser.parse(upload.body).get(record)) return 0;
  if (record.is_array()) {
    simdjson::dom::array records = record.get_array().value_unsafe();
    if (records.size() == 0) return 0;
    record = records.at(0).value_unsafe();
  }
  std::string value;
  simdjson::dom::array list;
  if (!spec->record_list.empty() && !record[spec->record_list].get(list) && list.size() > 0)
    MemberText(list.at(0).value_unsafe(), spec->partition_key, value);  // element fields first
  if (value.empty()) MemberText(record, spec->partition_key, value);
  return std::hash<std::string>()(value);
}

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
  size_t next_connection = 0;
  for (const ArchiveUpload& upload : uploads) {
    const bool setup = IsSetupInterface(upload.platform, upload.interface);
    const std::string platform(ingest::PlatformName(upload.platform));
    PlatformClient* client = clients.For(upload.platform, AccountSlot(upload));
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
    if (setup) {
      plan.setup.push_back(std::move(request));
    } else {
      plan.by_connection[next_connection].push_back(std::move(request));
      next_connection = (next_connection + 1) % options.connections;
    }
  }
  plan.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return plan;
}

}  // namespace civicflow::loadgen
