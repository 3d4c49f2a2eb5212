// HttpServer over real loopback sockets: routing, keep-alive, limits,
// timeouts, abusive clients, graceful stop. The handler here is a small echo
// so that these tests are about the server alone; the platforms' adapters
// are tested over the same server in
// tests/ingest/platforms/<platform>/http_adapter_test.cc (LoopbackTransport).
#include "ingest/http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

namespace civicflow::ingest::http {
namespace {

using namespace std::chrono_literals;

// Echoes "<method> <path>?<query> <body size> <X-Tag header>"; bodies over
// 1000 bytes are refused (over 3 MB under "/echo/large/"); "/slow" finishes
// from another thread after 300 ms.
class EchoHandler final : public PlatformHandler {
 public:
  size_t BodyLimit(std::string_view path) const override {
    return path.starts_with("/echo/large/") ? 3u << 20 : 1000;
  }
  void Handle(Exchange& e) override {
    e.content_type = "text/plain";
    e.reply = std::string(e.method == Method::kGet    ? "GET "
                          : e.method == Method::kPost ? "POST "
                                                      : "OTHER ") +
              std::string(e.path) + "?" + std::string(e.query) + " " + std::to_string(e.body.size()) + " " +
              std::string(e.Header("x-tag"));
    if (e.path == "/echo/slow") {
      std::thread([&e] {
        std::this_thread::sleep_for(300ms);
        e.Finish();
      }).detach();
      return;
    }
    e.Finish();
  }
  void SaveState(StateWriter&) const override {}
  void LoadState(StateReader&) override {}
  void RejectOversize(Exchange& e) override {
    e.status = 413;
    e.reply = "too big";
    e.Finish();
  }
};

// A raw loopback client: what it sends is exactly what the test writes.
class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval tv{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawClient() { close(fd_); }
  bool connected() const { return connected_; }
  bool Send(std::string_view bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == ssize_t(bytes.size());
  }
  // One whole response (header + Content-Length body), or "" on close/timeout.
  std::string ReadResponse() {
    for (;;) {
      const size_t header_end = pending_.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        size_t length = 0;
        const size_t at = pending_.find("Content-Length: ");
        if (at != std::string::npos && at < header_end) length = std::stoul(pending_.substr(at + 16));
        if (pending_.size() >= header_end + 4 + length) {
          std::string response = pending_.substr(0, header_end + 4 + length);
          pending_.erase(0, response.size());
          return response;
        }
      }
      char buf[4096];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return "";
      pending_.append(buf, static_cast<size_t>(n));
    }
  }
  // True when the server closed the connection (within the receive timeout).
  bool Closed() {
    char c;
    return recv(fd_, &c, 1, 0) == 0;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

std::string Body(const std::string& response) { return response.substr(response.find("\r\n\r\n") + 4); }
std::string StatusLine(const std::string& response) { return response.substr(0, response.find("\r\n")); }

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    options.port = 0;
    auto server = HttpServer::Start(options, {{"/echo/", &handler_, "echo"}}, clock_);
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(*server);
    ran_ = std::async(std::launch::async, [this] { server_->Run(); });
  }
  void TearDown() override {
    if (!server_) return;
    server_->Stop();
    ASSERT_EQ(ran_.wait_for(10s), std::future_status::ready) << "Run() did not return after Stop()";
  }
  uint16_t port() const { return server_->port(); }

  EchoHandler handler_;
  SystemClock clock_;
  std::unique_ptr<HttpServer> server_;
  std::future<void> ran_;
};

TEST_F(ServerTest, KeepAliveServesRequestsInTurn) {
  StartServer();
  RawClient c(port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send("GET /echo/a?x=1 HTTP/1.1\r\nHost: t\r\nX-Tag: one\r\n\r\n"));
  const std::string first = c.ReadResponse();
  EXPECT_EQ(StatusLine(first), "HTTP/1.1 200 OK");
  EXPECT_EQ(Body(first), "GET /echo/a?x=1 0 one");
  ASSERT_TRUE(c.Send("POST /echo/b HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"));
  EXPECT_EQ(Body(c.ReadResponse()), "POST /echo/b? 5 ");
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  StartServer();
  RawClient c(port());
  ASSERT_TRUE(c.Send("GET /echo/slow HTTP/1.1\r\nHost: t\r\n\r\nGET /echo/fast HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(Body(c.ReadResponse()), "GET /echo/slow? 0 ");
  EXPECT_EQ(Body(c.ReadResponse()), "GET /echo/fast? 0 ");
}

TEST_F(ServerTest, UnknownPathIs404AndCloses) {
  StartServer();
  RawClient c(port());
  ASSERT_TRUE(c.Send("GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n"));
  const std::string response = c.ReadResponse();
  EXPECT_EQ(StatusLine(response), "HTTP/1.1 404 Not Found");
  EXPECT_EQ(Body(response), "{\"error\":\"Not Found\"}");
  EXPECT_TRUE(c.Closed());
}

TEST_F(ServerTest, OversizeBodyIsRejectedByTheRouteBeforeReading) {
  StartServer();
  RawClient c(port());
  ASSERT_TRUE(c.Send("POST /echo/x HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n"));
  const std::string response = c.ReadResponse();
  EXPECT_EQ(StatusLine(response), "HTTP/1.1 413 Payload Too Large");
  EXPECT_EQ(Body(response), "too big");
  EXPECT_TRUE(c.Closed());
}

// Most clients write their whole body before reading: the server drops what
// it refused rather than resetting the connection under the client's write.
TEST_F(ServerTest, AClientWritingAWholeOversizeBodyGetsTheReply) {
  StartServer();
  RawClient c(port());
  const std::string body(32u << 20, 'b');
  auto sent = std::async(std::launch::async, [&] {
    return c.Send("POST /echo/x HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(body.size()) +
                  "\r\n\r\n" + body);
  });
  EXPECT_TRUE(sent.get()) << "the connection was reset under the client's write";
  EXPECT_EQ(Body(c.ReadResponse()), "too big");
  EXPECT_TRUE(c.Closed());
}

TEST_F(ServerTest, LingeringAfterARefusedBodyEndsAtItsTimeout) {
  ServerOptions options;
  options.linger_timeout_ms = 200;
  StartServer(options);
  RawClient c(port());
  ASSERT_TRUE(c.Send("POST /echo/x HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n" +
                     std::string(10'000, 'b')));
  EXPECT_EQ(Body(c.ReadResponse()), "too big");
  // The client neither sends the rest nor closes: the server closes anyway.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (server_->connections() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server_->connections(), 0u);
}

// Beast's own default limit (1 MB) must not stand in for the route's.
TEST_F(ServerTest, ABodyOverOneMegabyteIsReadWhenTheRouteAllowsIt) {
  StartServer();
  RawClient c(port());
  const std::string body(2u << 20, 'b');
  ASSERT_TRUE(c.Send("POST /echo/large/x HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body));
  const std::string response = c.ReadResponse();
  EXPECT_EQ(StatusLine(response), "HTTP/1.1 200 OK");
  EXPECT_EQ(Body(response), "POST /echo/large/x? 2097152 ");
  ASSERT_TRUE(c.Send("POST /echo/large/y HTTP/1.1\r\nHost: t\r\nContent-Length: 4194304\r\n\r\n"));
  EXPECT_EQ(Body(c.ReadResponse()), "too big");
}

TEST_F(ServerTest, OversizeChunkedBodyIsRejected) {
  StartServer();
  RawClient c(port());
  std::string chunk(600, 'a');
  ASSERT_TRUE(c.Send("POST /echo/x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n" + chunk +
                     "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n"));
  EXPECT_EQ(Body(c.ReadResponse()), "too big");
}

TEST_F(ServerTest, HugeHeaderIs431) {
  StartServer();
  RawClient c(port());
  ASSERT_TRUE(
      c.Send("GET /echo/x HTTP/1.1\r\nHost: t\r\nX-Junk: " + std::string(64 * 1024, 'j') + "\r\n\r\n"));
  EXPECT_EQ(StatusLine(c.ReadResponse()), "HTTP/1.1 431 Request Header Fields Too Large");
}

TEST_F(ServerTest, GarbageBytesAre400) {
  StartServer();
  RawClient c(port());
  ASSERT_TRUE(c.Send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n", 23)));
  EXPECT_EQ(StatusLine(c.ReadResponse()), "HTTP/1.1 400 Bad Request");
  EXPECT_TRUE(c.Closed());
}

TEST_F(ServerTest, SlowBodyTimesOutAndOthersAreServed) {
  ServerOptions options;
  options.read_timeout_ms = 300;
  StartServer(options);
  RawClient slow(port());
  ASSERT_TRUE(slow.Send("POST /echo/x HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly a bit"));
  RawClient other(port());
  ASSERT_TRUE(other.Send("GET /echo/ok HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(Body(other.ReadResponse()), "GET /echo/ok? 0 ");
  EXPECT_TRUE(slow.Closed());
}

TEST_F(ServerTest, IdleConnectionsAreClosedAfterTheIdleTimeout) {
  ServerOptions options;
  options.idle_timeout_ms = 200;
  StartServer(options);
  RawClient idle(port());
  ASSERT_TRUE(idle.connected());
  EXPECT_TRUE(idle.Closed());
}

TEST_F(ServerTest, ThousandIdleConnectionsDoNotStopOthers) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  ASSERT_GE(limit.rlim_cur, 2100u) << "needs descriptors for both ends of 1,000 connections";
  StartServer();
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 1000; ++i) {
    idle.push_back(std::make_unique<RawClient>(port()));
    ASSERT_TRUE(idle.back()->connected());
  }
  for (int i = 0; i < 10; ++i) {
    RawClient c(port());
    ASSERT_TRUE(c.Send("GET /echo/busy HTTP/1.1\r\nHost: t\r\n\r\n"));
    EXPECT_EQ(Body(c.ReadResponse()), "GET /echo/busy? 0 ");
  }
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (server_->connections() < 1000 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_GE(server_->connections(), 1000u);
}

TEST_F(ServerTest, ConnectionsPastTheCapAreClosed) {
  ServerOptions options;
  options.max_connections = 2;
  StartServer(options);
  RawClient a(port()), b(port());
  ASSERT_TRUE(a.Send("GET /echo/a HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_FALSE(a.ReadResponse().empty());
  ASSERT_TRUE(b.Send("GET /echo/b HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_FALSE(b.ReadResponse().empty());
  RawClient c(port());
  EXPECT_TRUE(c.Closed());
  a.Send("GET /echo/a HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(Body(a.ReadResponse()), "GET /echo/a? 0 ");
}

TEST_F(ServerTest, StopAnswersTheRequestInFlightThenCloses) {
  StartServer();
  RawClient busy(port()), idle(port());
  ASSERT_TRUE(busy.Send("GET /echo/slow HTTP/1.1\r\nHost: t\r\n\r\n"));
  std::this_thread::sleep_for(100ms);
  server_->Stop();
  const std::string response = busy.ReadResponse();
  EXPECT_EQ(Body(response), "GET /echo/slow? 0 ");
  EXPECT_NE(response.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(idle.Closed());
  EXPECT_EQ(ran_.wait_for(5s), std::future_status::ready);
  RawClient late(port());
  EXPECT_FALSE(late.connected());
}

TEST_F(ServerTest, ExpectContinueGetsAnInterimResponse) {
  StartServer();
  RawClient c(port());
  ASSERT_TRUE(
      c.Send("POST /echo/x HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_EQ(StatusLine(c.ReadResponse()), "HTTP/1.1 100 Continue");
  ASSERT_TRUE(c.Send("abc"));
  EXPECT_EQ(Body(c.ReadResponse()), "POST /echo/x? 3 ");
}

}  // namespace
}  // namespace civicflow::ingest::http
