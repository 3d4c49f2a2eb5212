#pragma once
// RequestPlan: every request of a load run built before the first is sent,
// as the bytes that go on the wire, so that sending measures the server and
// not the client's signing and encryption, and so that the very same
// requests can be sent to another server (nginx) for comparison.
//
// Master data (uploads of interfaces with neither an event time nor a dedup
// key: venues, lots, communities and their devices, performances, sessions)
// is the `setup`, sent first and in archive order over one connection
// (RunLoad), because later records must find what they refer to (the
// community platform's 前置接入, say) and a registration is only visible
// once answered. Every other upload goes round-robin to the connections.
// Each upload speaks for the account its site's partition key hashes to,
// the way a management system reports for its own sites (an orienteering
// session belongs to the user who started it; a parking lot's heartbeats
// come from the account that reports it). One PlatformClient per account
// builds all of that account's requests, so a login does not revoke a token
// another request still carries. Logins go to the `login` endpoint while
// preparing; the requests carry the `send_to` endpoint's Host.
// Built by one thread; read-only afterwards (each sending thread reads its
// connection's requests).
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "ingest/http/accounts.h"
#include "tools/loadgen/archive_uploads.h"
#include "tools/loadgen/http_transport.h"

namespace civicflow::loadgen {

// The clients of one platform's accounts, made on first use.
class AccountClients {
 public:
  AccountClients(const ingest::http::Accounts& accounts, std::string parking_password)
      : accounts_(accounts), parking_password_(std::move(parking_password)) {}
  // The client of `platform` speaking for account `slot` mod the platform's
  // account count; nullptr when the file has no account for the platform.
  // The same slot always gives the same client.
  PlatformClient* For(ingest::Platform platform, size_t slot);

 private:
  const ingest::http::Accounts& accounts_;
  std::string parking_password_;
  std::array<std::vector<std::unique_ptr<PlatformClient>>, std::size(ingest::kAllPlatforms)> clients_;
};

struct PreparedRequest {
  std::string wire;  // WireRequest bytes
  ingest::Platform platform;
  uint32_t records;
};

// Master data: an interface other records refer to, sent before the run.
bool IsSetupInterface(ingest::Platform platform, std::string_view interface);
// Which of its platform's accounts speaks for the upload: a hash of the
// partition key's value in its first record (0 when it has none).
size_t AccountSlot(const ArchiveUpload& upload);

struct RequestPlan {
  std::vector<PreparedRequest> setup;  // sent first, in order, on one connection
  std::vector<std::vector<PreparedRequest>> by_connection;
  uint64_t requests = 0, records = 0, wire_bytes = 0;
  // Uploads no request could be built for, by "platform: reason".
  std::map<std::string, uint64_t> unprepared;
  double seconds = 0;  // spent preparing
};

struct PlanOptions {
  HttpEndpoint login;    // where clients log in while preparing
  HttpEndpoint send_to;  // whose Host the requests carry
  size_t connections = 1;
  std::string parking_password;
};

// Fails only when the login endpoint cannot be reached; uploads that cannot
// be prepared (no account, refused login, bad body) are counted in
// `unprepared`.
Result<RequestPlan> PrepareRequests(const std::vector<ArchiveUpload>& uploads,
                                    const ingest::http::Accounts& accounts, const PlanOptions& options);

}  // namespace civicflow::loadgen
