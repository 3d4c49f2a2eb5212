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

// What became of one request.
struct Reply {
  bool answered = false;
  bool accepted = false;
  bool refused = false;  // answered with a platform code that is not a success
  std::string label;     // answered: see ReplyLabel
  std::string error;     // not answered: the transport's message
};

Reply Exchange(const PreparedRequest& request, HttpTransport& transport, AccountClients& readers) {
  Reply reply;
  Result<HttpAnswer> answer = transport.Send(request.wire);
  if (!answer.ok()) {
    reply.error = answer.status().message();
    return reply;
  }
  reply.answered = true;
  PlatformClient* reader = readers.For(request.platform, 0);
  const std::string code = reader ? reader->ReplyCode(*answer) : std::string();
  reply.label = ReplyLabel(request.platform, code, answer->status);
  reply.accepted = !code.empty() && reader->Accepted(code);
  reply.refused = !code.empty() && !reply.accepted;
  return reply;
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
    const Reply reply = Exchange(request, transport, readers);
    const auto done = SteadyClock::now();
    ++tally.requests;
    tally.records += request.records;
    if (!reply.answered) {
      if (tally.transport_errors++ == 0) tally.first_transport_error = reply.error;
      continue;
    }
    tally.latency.Record(std::chrono::duration_cast<std::chrono::nanoseconds>(done - from).count());
    ++tally.replies[reply.label];
    if (reply.accepted) {
      ++tally.accepted_requests;
      tally.accepted_records += request.records;
    }
  }
  tally.finished = SteadyClock::now();
}

// Sends the master data in archive order, then again what the platform
// refused, in order, while each pass gets more accepted: an archive need not
// list a community before its entrances, and a refused registration changes
// nothing. (A reply without the platform's code, nginx's say, is not a refusal.)
Status SendSetup(const std::vector<PreparedRequest>& setup, const ingest::http::Accounts& accounts,
                 const LoadOptions& options, LoadReport& report) {
  HttpTransport transport(options.target);
  if (Status connected = transport.Connect(); !connected.ok()) return connected;
  AccountClients readers(accounts, options.parking_password);
  const auto start = SteadyClock::now();
  std::vector<Reply> final_replies(setup.size());
  std::vector<size_t> pending(setup.size());
  for (size_t i = 0; i < setup.size(); ++i) pending[i] = i;
  constexpr int kMaxPasses = 8;
  for (int pass = 1; pass <= kMaxPasses && !pending.empty(); ++pass) {
    report.setup_passes = pass;
    std::vector<size_t> refused;
    for (size_t i : pending) {
      final_replies[i] = Exchange(setup[i], transport, readers);
      if (final_replies[i].refused) refused.push_back(i);
    }
    if (refused.empty() || refused.size() == pending.size()) break;
    pending = std::move(refused);
  }
  report.setup_seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  report.setup_requests = setup.size();
  for (const Reply& reply : final_replies) {
    report.setup_accepted += reply.accepted;
    report.setup_errors += !reply.answered;
    if (reply.answered) ++report.setup_replies[reply.label];
  }
  return Status();
}

}  // namespace

Status RunLoad(const RequestPlan& plan, const ingest::http::Accounts& accounts, const LoadOptions& options,
               LoadReport& report) {
  if (!plan.setup.empty())
    if (Status sent = SendSetup(plan.setup, accounts, options, report); !sent.ok()) return sent;
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
