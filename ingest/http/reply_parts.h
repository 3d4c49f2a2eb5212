#pragma once
// Pieces of replies that several adapters write the same way: a method's
// name for "method X not allowed" messages, and an upload's SubmitOutcome as
// the JSON object {"records","accepted","duplicates","corrections"}, and
// the message of an upload that could not be made durable.
#include <string>
#include <string_view>

#include "ingest/http/exchange.h"
#include "ingest/http/record_submitter.h"

namespace civicflow::ingest::http {

inline std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kPost:
      return "POST";
    default:
      return "OTHER";
  }
}

// Every platform answers it with its own system-error code.
inline constexpr std::string_view kNotStored =
    "not stored: the upload could not be made durable; nothing of it was kept, send it again";

inline std::string OutcomeJson(const SubmitOutcome& outcome) {
  return "{\"records\":" + std::to_string(outcome.records) +
         ",\"accepted\":" + std::to_string(outcome.accepted) +
         ",\"duplicates\":" + std::to_string(outcome.duplicates) +
         ",\"corrections\":" + std::to_string(outcome.corrections) + "}";
}

}  // namespace civicflow::ingest::http
