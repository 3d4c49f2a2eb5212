#pragma once
// LoopbackTransport: a Transport that reaches one platform's handler over
// real HTTP on 127.0.0.1, so adapter tests see what a management system sees.
//
// It owns a real HttpServer (one route: prefix "/", the handler, named after
// the platform) on a port the kernel picks, run by a thread of its own, and
// sends each call with loadgen::HttpTransport, the client civicflow-loadgen
// uses. Everything between the two is the server's: parsing, headers, the
// route's body limit (a body over BodyLimit(path) is refused from its
// Content-Length before it is read, with the handler's RejectOversize), and
// the reply on the wire.
//
// Time: the server stamps every request received at `now_ms` (its clock is
// a ManualClock nobody moves); the adapter reads the test's own clock for
// tokens and expiry.
//
// Threads: RoundTrip may be called from several threads at once; each call
// borrows a kept-alive connection nobody else is using (or opens one).
// REQUIRES: the handler outlives the transport. The destructor stops the
// server (requests in flight are answered first) and joins its thread.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/base/clock.h"
#include "ingest/http/platform_handler.h"
#include "ingest/http/server.h"
#include "ingest/registry/interface_spec.h"
#include "tools/loadgen/http_transport.h"
#include "tools/loadgen/platform_client.h"

namespace civicflow::testing {

class LoopbackTransport final : public loadgen::Transport {
 public:
  LoopbackTransport(ingest::http::PlatformHandler& handler, ingest::Platform platform, int64_t now_ms = 0)
      : clock_(now_ms) {
    std::vector<ingest::http::Route> routes{{"/", &handler, std::string(ingest::PlatformName(platform))}};
    auto server = ingest::http::HttpServer::Start(ingest::http::ServerOptions{}, std::move(routes), clock_);
    if (!server.ok()) {
      ADD_FAILURE() << "cannot start the loopback server: " << server.status().message();
      return;
    }
    server_ = std::move(server.value());
    endpoint_ = loadgen::HttpEndpoint{"127.0.0.1", server_->port()};
    serving_ = std::thread([this] { server_->Run(); });
  }
  ~LoopbackTransport() override {
    if (!server_) return;
    server_->Stop();
    serving_.join();
  }
  LoopbackTransport(const LoopbackTransport&) = delete;
  LoopbackTransport& operator=(const LoopbackTransport&) = delete;

  Result<loadgen::HttpAnswer> RoundTrip(const loadgen::HttpCall& call) override {
    if (!server_) return Status::Error("the loopback server did not start");
    std::unique_ptr<loadgen::HttpTransport> connection = Borrow();
    Result<loadgen::HttpAnswer> answer = connection->RoundTrip(call);
    GiveBack(std::move(connection));
    return answer;
  }

  // "127.0.0.1:<port>": the Host header every request carries.
  std::string host() const { return endpoint_.HostHeader(); }

 private:
  std::unique_ptr<loadgen::HttpTransport> Borrow() {
    std::lock_guard lock(mutex_);
    if (idle_.empty()) return std::make_unique<loadgen::HttpTransport>(endpoint_);
    std::unique_ptr<loadgen::HttpTransport> connection = std::move(idle_.back());
    idle_.pop_back();
    return connection;
  }
  void GiveBack(std::unique_ptr<loadgen::HttpTransport> connection) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }

  ManualClock clock_;
  loadgen::HttpEndpoint endpoint_;
  std::unique_ptr<ingest::http::HttpServer> server_;
  std::thread serving_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<loadgen::HttpTransport>> idle_;  // connections no call is using
};

}  // namespace civicflow::testing
