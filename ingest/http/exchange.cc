#include "ingest/http/exchange.h"

#include <strings.h>

namespace civicflow::ingest::http {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string PercentDecoded(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (plus_is_space && text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && HexDigit(text[i + 1]) >= 0 &&
               HexDigit(text[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(text[i + 1]) * 16 + HexDigit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string_view Exchange::Header(std::string_view name) const {
  for (const auto& [n, v] : headers_)
    if (n.size() == name.size() && strncasecmp(n.data(), name.data(), n.size()) == 0) return v;
  return {};
}

std::string Exchange::QueryParam(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (PercentDecoded(pair.substr(0, eq), true) != name) continue;
    return eq == std::string_view::npos ? std::string() : PercentDecoded(pair.substr(eq + 1), true);
  }
  return {};
}

void Exchange::ClearRequest() {
  method = Method::kOther;
  path = query = {};
  body.clear();
  headers_.clear();
  status = 200;
  content_type = "application/json;charset=UTF-8";
  reply.clear();
  reply_headers.clear();
  interface_id = -1;
  reply_code.clear();
  storage_failed = false;
}

}  // namespace civicflow::ingest::http
