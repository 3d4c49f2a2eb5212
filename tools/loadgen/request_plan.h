#pragma once
// RequestPlan: every request of a load run built before the first is sent,
// as the bytes that go on the wire, so that sending measures the server and
// not the client's signing and encryption, and so that the very same
// requests can be sent to another server (nginx) for comparison.
//
// Uploads go round-robin to the connections; connection c speaks for account
// c mod n of each platform (n its accounts in the file). One PlatformClient
// per account builds the requests of every connection that uses it, so a
// login made for one connection does not revoke another's token. Logins go
// to the `login` endpoint while preparing; the requests carry the `send_to`
// endpoint's Host.
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

struct RequestPlan {
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
