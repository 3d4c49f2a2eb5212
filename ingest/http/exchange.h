#pragma once
// Exchange: one HTTP request and its reply, independent of the HTTP library.
// The connection owns it and reuses it for the next request on the
// connection, so the request views stay valid until Finish().
//
// A handler reads the request, fills the reply fields and calls Finish()
// exactly once, from any thread (an upload finishes on the shard thread that
// settled its last record).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace civicflow::ingest::http {

enum class Method : uint8_t { kGet, kPost, kOther };

// %XX escapes decoded (malformed ones kept as they are); in a query, '+' is
// a space too.
std::string PercentDecoded(std::string_view text, bool plus_is_space = false);

class Exchange {
 public:
  virtual ~Exchange() = default;

  // Request.
  Method method = Method::kOther;
  std::string_view path;   // without the query, not percent-decoded
  std::string_view query;  // after '?', not percent-decoded
  std::string body;
  int64_t received_ms = 0;  // wall clock at receipt

  // Header value by case-insensitive name; empty when absent.
  std::string_view Header(std::string_view name) const;
  // Percent-decoded query parameter; empty when absent.
  std::string QueryParam(std::string_view name) const;
  void ClearRequest();
  void AddHeader(std::string_view name, std::string_view value) { headers_.emplace_back(name, value); }

  // Reply.
  unsigned status = 200;
  std::string_view content_type = "application/json;charset=UTF-8";
  std::string reply;
  // Further reply headers (Cache-Control, ETag, Allow…). The views must stay
  // valid until Finish(): point them at strings the handler owns.
  std::vector<std::pair<std::string_view, std::string_view>> reply_headers;
  // For metrics and logs: the interface the request addressed (-1 none) and
  // the platform's own reply code ("0", "1200", "40001"…).
  int interface_id = -1;
  std::string reply_code;
  bool storage_failed = false;  // the reply says the upload could not be made durable

  // Sends the reply. Exactly once per request.
  virtual void Finish() = 0;

 private:
  std::vector<std::pair<std::string_view, std::string_view>> headers_;
};

}  // namespace civicflow::ingest::http
