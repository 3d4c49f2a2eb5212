#include "tools/loadgen/load_run.h"

#include <chrono>
#include <latch>
#include <thread>

namespace civicflow::loadgen {
namespace {

using SteadyClock = std::chrono::steady_clock;

// What one connection saw; merged into the report when every thread is done.
struct ConnectionTally {
  LatencyHistogram latency;
  std::map<std::string, uint64_t> replies;
  uint64_t requests = 0, records = 0, accepted_requests = 0, accepted_records = 0;
  uint64_t transport_errors = 0;
  std::string first_transport_error;
  SteadyClock::time_point finished;
};

// The reply's label: "<platform> <code>", the code being the platform's own
// or "http_<status>" when the body carries none.
std::string ReplyLabel(ingest::Platform platform, std::string_view code, unsigned status) {
  std::string label(ingest::PlatformName(platform));
  label += ' ';
  label += code.empty() ? "http_" + std::to_string(status) : std::string(code);
  return label;
}

void SendAll(const std::vector<PreparedRequest>& requests, size_t connection, const LoadOptions& options,
             size_t connections, SteadyClock::time_point start, HttpTransport& transport,
             AccountClients& readers, ConnectionTally& tally) {
  const double interval_s = options.rate > 0 ? static_cast<double>(connections) / options.rate : 0;
  const double offset_s = options.rate > 0 ? static_cast<double>(connection) / options.rate : 0;
  for (size_t j = 0; j < requests.size(); ++j) {
    const PreparedRequest& request = requests[j];
    SteadyClock::time_point from = SteadyClock::now();
    if (options.rate > 0) {
      from = start + std::chrono::duration_cast<SteadyClock::duration>(
                         std::chrono::duration<double>(offset_s + static_cast<double>(j) * interval_s));
      std::this_thread::sleep_until(from);
    }
    Result<HttpAnswer> answer = transport.Send(request.wire);
    const auto done = SteadyClock::now();
    ++tally.requests;
    tally.records += request.records;
    if (!answer.ok()) {
      if (tally.transport_errors++ == 0) tally.first_transport_error = answer.status().message();
      continue;
    }
    tally.latency.Record(std::chrono::duration_cast<std::chrono::nanoseconds>(done - from).count());
    PlatformClient* reader = readers.For(request.platform, connection);
    const std::string code = reader ? reader->ReplyCode(*answer) : std::string();
    ++tally.replies[ReplyLabel(request.platform, code, answer->status)];
    if (!code.empty() && reader->Accepted(code)) {
      ++tally.accepted_requests;
      tally.accepted_records += request.records;
    }
  }
  tally.finished = SteadyClock::now();
}

}  // namespace

Status RunLoad(const RequestPlan& plan, const ingest::http::Accounts& accounts, const LoadOptions& options,
               LoadReport& report) {
  const size_t connections = plan.by_connection.size();
  std::vector<std::unique_ptr<HttpTransport>> transports;
  for (size_t c = 0; c < connections; ++c) {
    transports.push_back(std::make_unique<HttpTransport>(options.target));
    if (Status connected = transports.back()->Connect(); !connected.ok()) return connected;
  }
  std::vector<ConnectionTally> tallies(connections);
  std::latch ready(static_cast<std::ptrdiff_t>(connections)), go(1);
  SteadyClock::time_point start;
  std::vector<std::jthread> threads;
  for (size_t c = 0; c < connections; ++c)
    threads.emplace_back([&, c] {
      AccountClients readers(accounts, options.parking_password);
      ready.count_down();
      go.wait();
      SendAll(plan.by_connection[c], c, options, connections, start, *transports[c], readers, tallies[c]);
    });
  ready.wait();
  start = SteadyClock::now();
  go.count_down();
  threads.clear();  // joins

  SteadyClock::time_point finished = start;
  for (size_t c = 0; c < connections; ++c) {
    const ConnectionTally& tally = tallies[c];
    report.latency.Merge(tally.latency);
    for (const auto& [label, count] : tally.replies) report.replies[label] += count;
    report.requests += tally.requests;
    report.records += tally.records;
    report.accepted_requests += tally.accepted_requests;
    report.accepted_records += tally.accepted_records;
    report.transport_errors += tally.transport_errors;
    if (report.first_transport_error.empty()) report.first_transport_error = tally.first_transport_error;
    report.reconnects += transports[c]->connects() - 1;
    finished = std::max(finished, tally.finished);
  }
  report.seconds = std::chrono::duration<double>(finished - start).count();
  return Status();
}

}  // namespace civicflow::loadgen
