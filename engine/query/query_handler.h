#pragma once
// QueryHandler: the JSON query API on the platforms' port, for the path
// prefix `/query/v1/` (kQueryPrefix): `GET /query/v1/<endpoint>?params`
// answers {"ok":true,"source":…,"data":[…]}, errors
// {"ok":false,"error":{"parameter","message"}} with 400 (bad parameter),
// 404 (unknown endpoint), 405 (not GET) or 500 (storage failed); the reply
// code recorded for metrics is the HTTP status. Queries run synchronously
// on the I/O thread that received the request: they read cached tables and
// are small.
// Thread-safe: every I/O thread calls Handle concurrently; the sources and
// the directory it is given must be, and must outlive it.
#include <string_view>

#include "engine/query/queries.h"
#include "ingest/http/platform_handler.h"

namespace civicflow::query {

inline constexpr std::string_view kQueryPrefix = "/query/v1/";

class QueryHandler final : public ingest::http::PlatformHandler {
 public:
  QueryHandler(TableSource& tables, SiteDirectory& sites, IngestCounts ingest_counts)
      : inputs_{tables, sites, std::move(ingest_counts)} {}

  size_t BodyLimit(std::string_view path) const override;
  void Handle(ingest::http::Exchange& exchange) override;
  void RejectOversize(ingest::http::Exchange& exchange) override;

 private:
  const QueryInputs inputs_;
};

}  // namespace civicflow::query
