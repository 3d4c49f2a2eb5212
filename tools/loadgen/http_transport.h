#pragma once
// HttpTransport: a Transport over one keep-alive HTTP/1.1 connection
// (Boost.Beast, synchronous). Connects on first use, and again when the
// server has closed the connection: a request that finds a kept-alive
// connection closed before any byte of its answer arrived is retried once on
// a fresh one. A server that answers before reading the whole request (a
// body over its limit) and closes is heard: sending fails, and the answer
// already received is returned. No timeouts: a server that stops answering
// blocks the caller.
// Beast's error codes and exceptions become Status values here.
// Owned and used by one thread.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/base/status.h"
#include "tools/loadgen/platform_client.h"

namespace civicflow::loadgen {

// Where requests go: from "http://HOST:PORT" (a trailing "/" is allowed).
struct HttpEndpoint {
  std::string host;
  uint16_t port = 80;
  std::string HostHeader() const { return host + ":" + std::to_string(port); }
  std::string Url() const { return "http://" + HostHeader(); }
};
Result<HttpEndpoint> ParseHttpUrl(std::string_view url);

// The request's bytes as sent: request line, `Host`, `Content-Length` and
// the call's headers, then the body. Built once and sent as often as needed.
std::string WireRequest(const HttpCall& call, const HttpEndpoint& endpoint);

class HttpTransport final : public Transport {
 public:
  explicit HttpTransport(HttpEndpoint endpoint);
  ~HttpTransport() override;
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Opens the connection now unless one is open (to fail early).
  Status Connect();
  Result<HttpAnswer> RoundTrip(const HttpCall& call) override;
  // Sends bytes made by WireRequest and reads the answer.
  Result<HttpAnswer> Send(std::string_view wire_request);
  const HttpEndpoint& endpoint() const { return endpoint_; }
  // Connections opened so far (reconnects included).
  uint64_t connects() const { return connects_; }

 private:
  struct Connection;
  enum class Outcome { kAnswered, kClosedBeforeAnswer, kFailed };
  Outcome TrySend(std::string_view wire_request, HttpAnswer& answer, Status& error);

  HttpEndpoint endpoint_;
  std::unique_ptr<Connection> connection_;
  uint64_t connects_ = 0;
};

}  // namespace civicflow::loadgen
