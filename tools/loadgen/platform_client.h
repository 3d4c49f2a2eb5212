#pragma once
// The client side of each platform's specification — login, tokens, signing,
// encryption, envelopes — so that civicflow-loadgen and the tests speak to
// the server exactly as a management system would. One client per account;
// not thread-safe (one per connection).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/status.h"
#include "ingest/http/accounts.h"

namespace civicflow::loadgen {

struct HttpCall {
  std::string method = "POST";
  std::string target;  // path and query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpAnswer {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

// Sends a request and waits for its answer.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual Result<HttpAnswer> RoundTrip(const HttpCall& call) = 0;
};

class PlatformClient {
 public:
  virtual ~PlatformClient() = default;
  // The request uploading one archive upload: `interface` as in the archive
  // ("enterRecord", "stk/rytxjl"), `body` its business payload (JSON text:
  // one record object or an array). Logs in through `transport` first when
  // it holds no token.
  virtual Result<HttpCall> Upload(std::string_view interface, int64_t ts_ms, std::string_view body,
                                  Transport& transport) = 0;
  // The platform's reply code in `answer` ("0", "1200", "200", "40001"…);
  // empty when the body is not one of this platform's replies.
  virtual std::string ReplyCode(const HttpAnswer& answer) const = 0;
  // The code means the upload was taken (new or duplicate).
  virtual bool Accepted(std::string_view code) const = 0;
  // The code means the token is no longer valid: the next Upload logs in again.
  virtual bool TokenRejected(std::string_view code) const = 0;
  virtual void ForgetToken() = 0;
};

std::unique_ptr<PlatformClient> MakeFitnessClient(const ingest::http::FitnessAccount& account);
std::unique_ptr<PlatformClient> MakeParkingClient(const ingest::http::ParkingAccount& account,
                                                  std::string password);
std::unique_ptr<PlatformClient> MakeCommunityClient(const ingest::http::CommunityAccount& account);
std::unique_ptr<PlatformClient> MakeTicketingClient(const ingest::http::TicketingAccount& account);
std::unique_ptr<PlatformClient> MakeOrienteeringClient(const ingest::http::OrienteeringAccount& account);

}  // namespace civicflow::loadgen

namespace civicflow::loadgen {
// A top-level member of a JSON reply as text: a string's contents, or a
// number's or literal's digits; empty when absent or not JSON. For reading
// reply codes ("code":"0" and "code":0 alike).
std::string ReplyMember(std::string_view json, std::string_view key);
}  // namespace civicflow::loadgen
