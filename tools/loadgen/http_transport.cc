#include "tools/loadgen/http_transport.h"

#include <strings.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <charconv>
#include <exception>

namespace civicflow::loadgen {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr uint64_t kAnswerBodyLimit = 64 << 20;

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// A peer that closed a kept-alive connection shows up as one of these.
bool ClosedByPeer(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == http::error::partial_message;
}

}  // namespace

Result<HttpEndpoint> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return Status::Error("not an http:// URL: " + std::string(url));
  std::string_view rest = url.substr(kScheme.size());
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos)
    return Status::Error("the URL must be http://HOST:PORT without a path: " + std::string(url));
  HttpEndpoint endpoint;
  const size_t colon = rest.rfind(':');
  endpoint.host = std::string(rest.substr(0, colon));
  if (colon != std::string_view::npos) {
    const std::string_view port = rest.substr(colon + 1);
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), endpoint.port);
    if (ec != std::errc() || end != port.data() + port.size() || endpoint.port == 0)
      return Status::Error("bad port in " + std::string(url));
  }
  if (endpoint.host.empty()) return Status::Error("no host in " + std::string(url));
  return endpoint;
}

std::string WireRequest(const HttpCall& call, const HttpEndpoint& endpoint) {
  std::string wire;
  wire.reserve(call.target.size() + call.body.size() + 256);
  wire += call.method;
  wire += ' ';
  wire += call.target;
  wire += " HTTP/1.1\r\nHost: ";
  wire += endpoint.HostHeader();
  wire += "\r\n";
  for (const auto& [name, value] : call.headers) {
    if (SameName(name, "Host") || SameName(name, "Content-Length")) continue;
    wire += name;
    wire += ": ";
    wire += value;
    wire += "\r\n";
  }
  if (!call.body.empty() || call.method != "GET")
    wire += "Content-Length: " + std::to_string(call.body.size()) + "\r\n";
  wire += "\r\n";
  wire += call.body;
  return wire;
}

struct HttpTransport::Connection {
  asio::io_context io;
  tcp::socket socket{io};
  boost::beast::flat_buffer buffer;
};

HttpTransport::HttpTransport(HttpEndpoint endpoint) : endpoint_(std::move(endpoint)) {}
HttpTransport::~HttpTransport() = default;

Status HttpTransport::Connect() {
  if (connection_ && connection_->socket.is_open()) return Status();
  auto connection = std::make_unique<Connection>();
  boost::system::error_code ec;
  tcp::resolver resolver(connection->io);
  const auto endpoints = resolver.resolve(endpoint_.host, std::to_string(endpoint_.port), ec);
  if (!ec) asio::connect(connection->socket, endpoints, ec);
  if (!ec) connection->socket.set_option(tcp::no_delay(true), ec);
  if (ec) {
    connection_.reset();
    return Status::Error("cannot connect to " + endpoint_.Url() + ": " + ec.message());
  }
  connection_ = std::move(connection);
  ++connects_;
  return Status();
}

Result<HttpAnswer> HttpTransport::RoundTrip(const HttpCall& call) {
  return Send(WireRequest(call, endpoint_));
}

Result<HttpAnswer> HttpTransport::Send(std::string_view wire_request) {
  HttpAnswer answer;
  Status error;
  Outcome outcome = TrySend(wire_request, answer, error);
  if (outcome == Outcome::kClosedBeforeAnswer) outcome = TrySend(wire_request, answer, error);
  if (outcome == Outcome::kAnswered) return answer;
  if (outcome == Outcome::kClosedBeforeAnswer)
    return Status::Error(endpoint_.Url() + " closed the connection before answering");
  return error;
}

HttpTransport::Outcome HttpTransport::TrySend(std::string_view wire_request, HttpAnswer& answer,
                                              Status& error) {
  const bool reused = connection_ && connection_->socket.is_open();
  if (!reused) {
    error = Connect();
    if (!error.ok()) return Outcome::kFailed;
  }
  Connection& c = *connection_;
  auto fail = [&](std::string_view step, const boost::system::error_code& ec, bool got_some) {
    connection_.reset();
    if (reused && !got_some && ClosedByPeer(ec)) return Outcome::kClosedBeforeAnswer;
    error = Status::Error(std::string(step) + " " + endpoint_.Url() + ": " + ec.message());
    return Outcome::kFailed;
  };
  try {
    boost::system::error_code ec;
    asio::write(c.socket, asio::buffer(wire_request.data(), wire_request.size()), ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(kAnswerBodyLimit);
    if (ec) {
      // A server may answer before it has read the whole request (a body
      // over its limit, refused from Content-Length) and close: the answer
      // is then already here, and it is the answer to this request.
      const boost::system::error_code send_error = ec;
      if (ClosedByPeer(send_error)) http::read(c.socket, c.buffer, parser, ec);
      if (ec) return fail("sending to", send_error, false);
    } else {
      http::read(c.socket, c.buffer, parser, ec);
      if (ec) return fail("reading the answer from", ec, parser.got_some());
    }
    auto& response = parser.get();
    answer.status = response.result_int();
    answer.content_type = std::string(response[http::field::content_type]);
    answer.body = std::move(response.body());
    if (!response.keep_alive()) connection_.reset();
    return Outcome::kAnswered;
  } catch (const std::exception& e) {
    connection_.reset();
    error = Status::Error(std::string("HTTP exchange with ") + endpoint_.Url() + " failed: " + e.what());
    return Outcome::kFailed;
  }
}

}  // namespace civicflow::loadgen
