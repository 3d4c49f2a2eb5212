#pragma once
// QueryRecord: the body of a request that civicflow answers itself (a query
// or auth interface: one JSON object), checked by the registry's generic
// validator and read back by field name. Queries thus obey the same field
// rules, and fail with the same messages, as uploads.
// One per request, on the thread that handles it.
#include <optional>
#include <string_view>
#include <vector>

#include "engine/base/arena.h"
#include "ingest/record.h"
#include "ingest/registry/record_parser.h"

namespace civicflow::ingest::http {

class QueryRecord {
 public:
  QueryRecord() : arena_(4096) {}
  QueryRecord(const QueryRecord&) = delete;
  QueryRecord& operator=(const QueryRecord&) = delete;

  // Validates `json` as `spec`; anything but exactly one object fails.
  std::optional<ValidationError> Parse(const InterfaceSpec& spec, std::string_view json);

  // REQUIRES: Parse succeeded. An absent Value for a field not given (or not in the spec).
  const Value& operator[](std::string_view field) const;
  // Rows of the kList field `list` (0 when absent) and one element field of a row.
  uint32_t ListSize(std::string_view list) const;
  const Value& ListValue(std::string_view list, uint32_t row, std::string_view field) const;

 private:
  const InterfaceSpec* spec_ = nullptr;
  Arena arena_;
  std::vector<Record> records_;
};

}  // namespace civicflow::ingest::http
