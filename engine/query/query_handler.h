#pragma once
// QueryHandler: the JSON query API on the platforms' port, for the path
// prefix `/query/v1/` (kQueryPrefix): `GET /query/v1/<endpoint>?params`
// answers {"ok":true,"source":…,"data":[…]}, errors
// {"ok":false,"error":{"parameter","message"}} with 400 (bad parameter),
// 404 (unknown endpoint), 405 (not GET) or 500 (storage failed); the reply
// code recorded for metrics is the HTTP status. Queries run on a thread of
// the handler's own, one at a time, so a slow PostgreSQL or a first read of
// large segments never holds up the I/O threads that take uploads.
// Thread-safe: every I/O thread calls Handle concurrently; the sources and
// the directory it is given must be, and must outlive it. REQUIRES: the
// server has stopped (every exchange finished) before it is destroyed.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string_view>
#include <thread>

#include "engine/query/queries.h"
#include "ingest/http/platform_handler.h"

namespace civicflow::query {

inline constexpr std::string_view kQueryPrefix = "/query/v1/";

class QueryHandler final : public ingest::http::PlatformHandler {
 public:
  QueryHandler(TableSource& tables, SiteDirectory& sites, IngestCounts ingest_counts);
  ~QueryHandler() override;

  size_t BodyLimit(std::string_view path) const override;
  void Handle(ingest::http::Exchange& exchange) override;
  void RejectOversize(ingest::http::Exchange& exchange) override;
  // Nothing to keep across a restart: its row cache is rebuilt from the segments.
  void SaveState(StateWriter&) const override {}
  void LoadState(StateReader&) override {}

 private:
  void Answer(ingest::http::Exchange& exchange);
  void Work();

  const QueryInputs inputs_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<ingest::http::Exchange*> waiting_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace civicflow::query
