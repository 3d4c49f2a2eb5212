#pragma once
// HttpServer: every platform's paths on one port, over Boost.Beast.
//
// Each connection reads one request at a time: the header first (so the
// route's body limit is known before the body is read), then the body, then
// hands an Exchange to the route's PlatformHandler and reads the next
// request only after the reply is written (keep-alive). Timeouts bound every
// read and write, so a slow or idle client cannot pin a connection; past
// `max_connections` new connections are closed at once. A connection closed
// with request bytes unread first lingers (see linger_timeout_ms). Requests
// that are not HTTP, or whose header is too large, get a plain 400/431 and
// the connection is closed. Paths no platform owns get 404.
//
// Threads: Run() spreads the connections over `io_threads` threads; handlers
// may finish exchanges from any thread. Stop() (any thread, e.g. a signal
// handler's strand) stops accepting, lets requests in flight finish, closes
// idle connections, and makes Run() return once every connection is gone.
// Destruction waits for Finish() calls still returning; REQUIRES: no handler
// starts one afterwards (e.g. the engine that completes uploads has drained).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/clock.h"
#include "engine/base/status.h"
#include "ingest/http/platform_handler.h"

namespace civicflow::ingest::http {

// Told of every reply as it is written (metrics). Any I/O thread; must be
// cheap and must not block.
class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  // `route`: the name of the route that answered, "" when none did (404,
  // 400, 431); `elapsed`: from the request fully read to its reply.
  virtual void OnReply(std::string_view route, const Exchange& exchange,
                       std::chrono::nanoseconds elapsed) = 0;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port (see port())
  int io_threads = 2;
  size_t max_connections = 10000;
  size_t header_limit = 16 * 1024;
  int64_t idle_timeout_ms = 60'000;  // waiting for the next request on a kept-alive connection
  int64_t read_timeout_ms = 30'000;  // reading one request once its first byte arrived
  int64_t write_timeout_ms = 30'000;
  // After a reply that leaves request bytes unread (an oversize body, a
  // refused request): how long what the client still sends is read and
  // dropped before closing, so that it gets the reply rather than a reset.
  int64_t linger_timeout_ms = 5'000;
  int64_t drain_timeout_ms = 30'000;  // Stop(): longest wait for requests in flight
  RequestObserver* observer = nullptr;
};

// A route: requests whose path starts with `prefix` go to `handler`;
// `name` says who answered (a platform, "query"…) to the observer.
struct Route {
  std::string prefix;
  PlatformHandler* handler;
  std::string name;
};

class HttpServer {
 public:
  // Routes are tried longest prefix first. Binds immediately.
  static Result<std::unique_ptr<HttpServer>> Start(const ServerOptions& options, std::vector<Route> routes,
                                                   const Clock& clock);
  ~HttpServer();

  uint16_t port() const;
  // Serves until Stop(); returns once every connection has closed.
  void Run();
  void Stop();
  size_t connections() const;

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace civicflow::ingest::http
