#include "ingest/http/server.h"

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

namespace civicflow::ingest::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

// Each connection's operations run on its own strand. Concrete executor
// types instead of asio's type-erased one: no allocation or indirection per
// operation.
using Strand = asio::strand<asio::io_context::executor_type>;
using Socket = tcp::socket::rebind_executor<Strand>::other;
using Stream = beast::basic_stream<tcp, Strand>;

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }
std::chrono::milliseconds Ms(int64_t ms) { return std::chrono::milliseconds(ms); }

}  // namespace

class Connection;

class HttpServer::Impl {
 public:
  Impl(const ServerOptions& options, std::vector<Route> routes, const Clock& clock)
      : options(options), routes(std::move(routes)), clock(clock), ioc_(options.io_threads), acceptor_(ioc_) {
    std::sort(this->routes.begin(), this->routes.end(),
              [](const Route& a, const Route& b) { return a.prefix.size() > b.prefix.size(); });
  }

  Status Listen() {
    beast::error_code ec;
    const auto address = asio::ip::make_address(options.host, ec);
    if (ec) return Status::Error("bad listen address " + options.host + ": " + ec.message());
    const tcp::endpoint endpoint(address, options.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      return Status::Error("cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " +
                           ec.message());
    port_ = acceptor_.local_endpoint().port();
    Accept();
    return Status();
  }

  const Route* RouteOf(std::string_view path) const {
    for (const Route& route : routes)
      if (path.starts_with(route.prefix)) return &route;
    return nullptr;
  }

  void Run() {
    std::vector<std::thread> threads;
    for (int i = 1; i < options.io_threads; ++i) threads.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (auto& t : threads) t.join();
  }

  void Stop();
  uint16_t port() const { return port_; }

  void Register(const std::shared_ptr<Connection>& c);
  void Unregister(Connection* c) {
    std::lock_guard lock(mutex_);
    live_.erase(c);
    --connections;
    if (stopping && live_.empty()) asio::post(ioc_, [this] { EndDrain(); });
  }

  const ServerOptions options;
  std::vector<Route> routes;
  const Clock& clock;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> connections{0};
  // Finish() calls that have posted their reply but not yet returned: the
  // client may already have it, so the server must outlive them.
  std::atomic<int> finishing{0};

 private:
  void Accept();
  void EndDrain() {
    if (drain_deadline_) drain_deadline_->cancel();
  }

  // Declared before the io_context: connections it still holds unregister
  // when it is destroyed.
  std::mutex mutex_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> live_;  // for Stop()
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::optional<asio::steady_timer> drain_deadline_;
  uint16_t port_ = 0;
};

// One client connection. Its operations run on its own strand; the handler
// may call Finish() from any thread, which posts the write back to it.
class Connection final : public Exchange, public std::enable_shared_from_this<Connection> {
 public:
  Connection(Socket socket, HttpServer::Impl& server) : stream_(std::move(socket)), server_(server) {}
  ~Connection() override { server_.Unregister(this); }

  void Start() { ReadHeader(); }

  // On the strand: a connection waiting for its next request is closed.
  void CloseIfIdle() {
    if (!busy_) stream_.socket().close();
  }

  void Finish() override {
    // The connection may be gone once the reply is posted; the server is not.
    HttpServer::Impl& server = server_;
    server.finishing.fetch_add(1, std::memory_order_acq_rel);
    asio::post(stream_.get_executor(), [self = std::move(in_flight_)] { self->WriteReply(); });
    server.finishing.fetch_sub(1, std::memory_order_acq_rel);
  }

  Strand executor() { return stream_.get_executor(); }

 private:
  void ReadHeader() {
    busy_ = false;
    if (server_.stopping) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_.options.header_limit));
    // No limit until the route is known: Beast's default (1 MB) would refuse
    // a larger Content-Length while reading the header, before OnHeader
    // could apply the route's own limit.
    parser_->body_limit(std::numeric_limits<uint64_t>::max());
    stream_.expires_after(Ms(server_.options.idle_timeout_ms));
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Connection::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    busy_ = true;
    if (ec == bhttp::error::header_limit) return Refuse(bhttp::status::request_header_fields_too_large);
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::bad_descriptor)
      return Close();
    if (ec) return Refuse(bhttp::status::bad_request);

    const auto& request = parser_->get();
    const std::string_view target = View(request.target());
    const size_t q = target.find('?');
    path = target.substr(0, q);
    query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    route_ = server_.RouteOf(path);
    if (!route_) return Refuse(bhttp::status::not_found);

    const size_t limit = route_->handler->BodyLimit(path);
    const auto length = parser_->content_length();
    if (length && *length > limit) return RejectOversize();
    parser_->body_limit(limit);
    stream_.expires_after(Ms(server_.options.read_timeout_ms));
    if (beast::iequals(request[bhttp::field::expect], "100-continue")) {
      // The client waits for this before sending its body.
      auto go_on = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
      bhttp::async_write(stream_, *go_on, [self = shared_from_this(), go_on](beast::error_code e, size_t) {
        if (e) return self->Close();
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Connection::OnBody, shared_from_this()));
  }

  void OnBody(beast::error_code ec, size_t) {
    if (ec == bhttp::error::body_limit) return RejectOversize();
    if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset)
      return Close();
    if (ec) return Refuse(bhttp::status::bad_request);
    auto& request = parser_->get();
    method = request.method() == bhttp::verb::get    ? Method::kGet
             : request.method() == bhttp::verb::post ? Method::kPost
                                                     : Method::kOther;
    for (const auto& field : request) AddHeader(View(field.name_string()), View(field.value()));
    body = std::move(request.body());
    received_ms = server_.clock.NowMs();
    keep_alive_ = request.keep_alive();
    in_flight_ = shared_from_this();
    read_at_ = std::chrono::steady_clock::now();
    route_->handler->Handle(*this);
  }

  // The body is too large: the platform replies in its own format; the
  // unread body makes the connection unusable, so it closes.
  void RejectOversize() {
    keep_alive_ = false;
    in_flight_ = shared_from_this();
    read_at_ = std::chrono::steady_clock::now();
    route_->handler->RejectOversize(*this);
  }

  // Not a request any platform can answer: a plain reply, then close.
  void Refuse(bhttp::status code) {
    keep_alive_ = false;
    status = static_cast<unsigned>(code);
    content_type = "application/json;charset=UTF-8";
    reply = std::string("{\"error\":\"") + std::string(View(bhttp::obsolete_reason(code))) + "\"}";
    reply_code = std::to_string(status);
    route_ = nullptr;
    in_flight_ = shared_from_this();
    read_at_ = std::chrono::steady_clock::now();
    Finish();
  }

  void WriteReply() {
    if (RequestObserver* observer = server_.options.observer)
      observer->OnReply(route_ ? std::string_view(route_->name) : std::string_view(), *this,
                        std::chrono::steady_clock::now() - read_at_);
    response_ = {};
    response_.version(11);
    response_.result(status);
    response_.set(bhttp::field::content_type, beast::string_view(content_type.data(), content_type.size()));
    response_.set(bhttp::field::server, "civicflow");
    for (const auto& [name, value] : reply_headers)
      response_.set(beast::string_view(name.data(), name.size()),
                    beast::string_view(value.data(), value.size()));
    response_.body() = std::move(reply);
    response_.keep_alive(keep_alive_ && !server_.stopping);
    response_.prepare_payload();
    stream_.expires_after(Ms(server_.options.write_timeout_ms));
    bhttp::async_write(stream_, response_,
                       beast::bind_front_handler(&Connection::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t) {
    if (ec) return Close();
    if (!response_.keep_alive()) return parser_ && !parser_->is_done() ? Linger() : Close();
    ClearRequest();
    ReadHeader();
  }

  // Closing with request bytes unread would make the kernel reset the
  // connection, and a client still writing its body would see the reset
  // instead of the reply: the send side is shut, and what arrives is read
  // and dropped until the client closes or linger_timeout_ms passes.
  void Linger() {
    busy_ = false;
    if (server_.stopping) return Close();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(Ms(server_.options.linger_timeout_ms));
    DropIncoming();
  }
  void DropIncoming() {
    stream_.async_read_some(buffer_.prepare(kDropChunk),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->Close();
                              self->DropIncoming();
                            });
  }
  static constexpr size_t kDropChunk = 64 * 1024;

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  Stream stream_;
  HttpServer::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
  const Route* route_ = nullptr;  // of the request being answered
  std::chrono::steady_clock::time_point read_at_;
  std::shared_ptr<Connection> in_flight_;  // keeps the connection alive while a handler holds it
  bool keep_alive_ = true;
  bool busy_ = false;  // between a request's first byte and its reply
};

void HttpServer::Impl::Register(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mutex_);
  live_.emplace(c.get(), c);
}

void HttpServer::Impl::Accept() {
  acceptor_.async_accept(asio::make_strand(ioc_.get_executor()), [this](beast::error_code ec, Socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      if (connections.fetch_add(1) >= options.max_connections) {
        --connections;
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        auto connection = std::make_shared<Connection>(std::move(socket), *this);
        Register(connection);
        connection->Start();
      }
    }
    Accept();
  });
}

void HttpServer::Impl::Stop() {
  if (stopping.exchange(true)) return;
  asio::post(ioc_, [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
    drain_deadline_.emplace(ioc_, Ms(options.drain_timeout_ms));
    drain_deadline_->async_wait([this](beast::error_code ec) {
      if (!ec) ioc_.stop();
    });
    // Collected under the lock, released outside it: the last reference to a
    // connection unregisters it, which takes the lock.
    std::vector<std::shared_ptr<Connection>> open;
    {
      std::lock_guard lock(mutex_);
      for (auto& [raw, weak] : live_)
        if (auto c = weak.lock()) open.push_back(std::move(c));
    }
    if (open.empty()) EndDrain();
    for (auto& c : open) asio::post(c->executor(), [c] { c->CloseIfIdle(); });
  });
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() {
  while (impl_->finishing.load(std::memory_order_acquire) != 0) std::this_thread::yield();
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const ServerOptions& options, std::vector<Route> routes,
                                                      const Clock& clock) {
  auto impl = std::make_unique<Impl>(options, std::move(routes), clock);
  if (Status s = impl->Listen(); !s.ok()) return s;
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::Run() { impl_->Run(); }
void HttpServer::Stop() { impl_->Stop(); }
size_t HttpServer::connections() const { return impl_->connections; }

}  // namespace civicflow::ingest::http
