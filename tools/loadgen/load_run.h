#pragma once
// RunLoad: sends a RequestPlan: its setup first, in order over one
// connection and untimed, then the rest over its connections, one thread and
// one keep-alive HttpTransport per connection, flat out or at a target rate,
// measuring each request's latency. Under a target rate every request has an
// intended send time (connection c sends its j-th request at
// start + (c + j × connections) / rate); latency counts from that time, not
// from when the request actually left, so a server that stalls is charged for
// the requests that queued behind the stall (no coordinated omission).
// Replies are read by each connection's own PlatformClients.
#include "engine/base/status.h"
#include "ingest/http/accounts.h"
#include "tools/loadgen/load_report.h"
#include "tools/loadgen/request_plan.h"

namespace civicflow::loadgen {

struct LoadOptions {
  HttpEndpoint target;
  double rate = 0;  // requests/s over all connections; 0: each sends when its last answer came
  std::string parking_password;
};

// Fills the sending part of `report` (setup_requests … reconnects).
// Opens every connection before the first request; fails only when one
// cannot be opened. REQUIRES: plan.by_connection is not empty.
Status RunLoad(const RequestPlan& plan, const ingest::http::Accounts& accounts, const LoadOptions& options,
               LoadReport& report);

}  // namespace civicflow::loadgen
