#include "ingest/platforms/parking/envelope.h"

#include <strings.h>

#include <algorithm>

#include "ingest/crypto/crypto.h"

namespace civicflow::ingest::parking {
namespace {

namespace od = simdjson::ondemand;

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A string member's contents as sent; empty view with `ok` false when the value is not a string.
bool ReadStringToken(od::value value, std::string_view& contents) {
  od::json_type type;
  if (value.type().get(type) || type != od::json_type::string) return false;
  contents = JsonStringContents(value.raw_json_token());
  return true;
}

}  // namespace

std::string_view JsonStringContents(std::string_view token) {
  if (token.empty()) return {};
  size_t i = 1;
  while (i < token.size() && token[i] != '"') i += token[i] == '\\' ? 2 : 1;
  return token.substr(1, std::min(i, token.size()) - 1);
}

simdjson::padded_string_view PaddedBody(std::string& body) {
  if (body.capacity() < body.size() + simdjson::SIMDJSON_PADDING)
    body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  return simdjson::padded_string_view(body.data(), body.size(), body.capacity());
}

simdjson::padded_string_view PaddedPart(const std::string& body, std::string_view part) {
  const size_t offset = static_cast<size_t>(part.data() - body.data());
  return simdjson::padded_string_view(part.data(), part.size(), body.capacity() - offset);
}

Result<Envelope> ParseEnvelope(simdjson::padded_string_view body) {
  thread_local od::parser parser;
  od::document document;
  od::object object;
  if (parser.iterate(body).get(document) || document.get_object().get(object))
    return Status::Error("body is not a JSON object");
  Envelope envelope;
  bool has_timestamp = false, has_sign = false, has_version = false, has_data = false;
  for (auto member : object) {
    std::string_view key;
    od::value value;
    if (member.unescaped_key().get(key) || member.value().get(value))
      return Status::Error("body is not a JSON object");
    if (key == "timestamp") {
      if (value.get_int64().get(envelope.timestamp))
        return Status::Error("timestamp must be an integer (epoch milliseconds)");
      has_timestamp = true;
    } else if (key == "sign") {
      if (!ReadStringToken(value, envelope.sign)) return Status::Error("sign must be a string");
      has_sign = true;
    } else if (key == "version") {
      if (!ReadStringToken(value, envelope.version)) return Status::Error("version must be a string");
      has_version = true;
    } else if (key == "data") {
      od::array array;
      std::string_view raw;
      if (value.get_array().get(array)) return Status::Error("data must be a JSON array");
      if (array.raw_json().get(raw)) return Status::Error("data is not well-formed JSON");
      while (!raw.empty() && IsJsonSpace(raw.back())) raw.remove_suffix(1);
      envelope.data = raw;
      has_data = true;
    }
  }
  const char* trailing = nullptr;
  if (document.current_location().get(trailing) == simdjson::SUCCESS)
    return Status::Error("body is not one JSON object");
  if (!has_timestamp) return Status::Error("timestamp missing");
  if (!has_sign) return Status::Error("sign missing");
  if (!has_version) return Status::Error("version missing");
  if (!has_data) return Status::Error("data missing");
  return envelope;
}

std::string DataSign(std::string_view data) { return crypto::HexEncode(crypto::Sm3(data)); }

bool SignMatches(const Envelope& envelope) {
  const std::string expected = DataSign(envelope.data);
  return envelope.sign.size() == expected.size() &&
         strncasecmp(envelope.sign.data(), expected.data(), expected.size()) == 0;
}

}  // namespace civicflow::ingest::parking
