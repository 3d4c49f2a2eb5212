#pragma once
// The query API's endpoints (repo README, "Query API"): each computes its
// rows from a TableSource — filters, SUM per group of the additive tables
// (exact decimals), rows whose sums are all zero left out — in a fixed
// order, so the same tables always give the same reply. Stateless: safe on
// any thread as long as the inputs are.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/query/query_params.h"
#include "engine/query/site_directory.h"
#include "engine/query/table_source.h"

namespace civicflow::query {

// One series of civicflow_http_requests_total.
struct IngestCount {
  std::string platform;
  std::string interface;
  std::string code;
  std::string outcome;  // ok, duplicate, rejected, error
  uint64_t requests = 0;
};
using IngestCounts = std::function<std::vector<IngestCount>()>;

struct QueryInputs {
  TableSource& tables;
  SiteDirectory& sites;
  IngestCounts ingest_counts;
};

struct QueryAnswer {
  std::vector<std::string> rows;  // JSON objects
  std::optional<QueryError> error;
};

// "flow, energy, parking, problem-plates, offline, tickets, ingest"
std::string EndpointList();

// The rows of `endpoint` for `query` (as sent, after '?'). Unknown
// endpoints answer 404, bad parameters 400, storage failures 500.
QueryAnswer RunQuery(std::string_view endpoint, std::string_view query, const QueryInputs& inputs);

}  // namespace civicflow::query
