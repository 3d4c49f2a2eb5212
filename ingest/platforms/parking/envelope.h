#pragma once
// The parking platform's request envelope (spec tables 27 and 28):
//   {"timestamp":<epoch ms>,"sign":"<hex SM3 of data>","version":"1.0.0","data":[...]}
// `sign` is the SM3 digest of the exact bytes of the `data` value as sent, so
// the envelope is read with simdjson On-Demand and `data` stays a view of the
// body: it is never re-serialised. Stateless; any thread (one parser per thread).
#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/status.h"

namespace civicflow::ingest::parking {

struct Envelope {
  int64_t timestamp = 0;
  std::string_view sign;     // as sent, between its quotes
  std::string_view version;  // as sent, between its quotes
  std::string_view data;     // the data value's bytes, '[' to ']'
};

// Makes `body` readable SIMDJSON_PADDING bytes past its end (reserving
// capacity, so no copy when it already has room) and returns it as padded.
simdjson::padded_string_view PaddedBody(std::string& body);
// `part` (a view into `body`) as padded: the rest of the body and the padding follow it.
// REQUIRES: PaddedBody(body) was called and `part` lies within `body`.
simdjson::padded_string_view PaddedPart(const std::string& body, std::string_view part);

// Reads the four members; the error names the one at fault (reply code 2).
// Members may come in any order; unknown members are ignored.
Result<Envelope> ParseEnvelope(simdjson::padded_string_view body);

// The contents of a JSON string token as sent (escapes kept): the bytes
// between its quotes. `token` starts at the opening quote and may run on past
// the closing one.
std::string_view JsonStringContents(std::string_view token);

// Lowercase hex SM3 of `data`: the sign of a request carrying it.
std::string DataSign(std::string_view data);
// The envelope's sign is DataSign(data), hex digits of either case.
bool SignMatches(const Envelope& envelope);

}  // namespace civicflow::ingest::parking
