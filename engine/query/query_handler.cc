#include "engine/query/query_handler.h"

#include "engine/base/json_escape.h"

namespace civicflow::query {
namespace {

void Reply(ingest::http::Exchange& exchange, unsigned status, std::string body) {
  exchange.status = status;
  exchange.content_type = "application/json;charset=UTF-8";
  exchange.reply = std::move(body);
  exchange.reply_code = std::to_string(status);
  exchange.interface_id = -1;
  exchange.Finish();
}

void ReplyError(ingest::http::Exchange& exchange, const QueryError& error) {
  std::string body = R"({"ok":false,"error":{"parameter":)";
  AppendJsonString(body, error.parameter);
  body += R"(,"message":)";
  AppendJsonString(body, error.message);
  body += "}}";
  Reply(exchange, error.status, std::move(body));
}

}  // namespace

// Queries are GETs: a body is never needed.
size_t QueryHandler::BodyLimit(std::string_view) const { return 1024; }

void QueryHandler::RejectOversize(ingest::http::Exchange& exchange) {
  ReplyError(exchange, {400, "", "a query has no body (at most 1024 bytes are accepted)"});
}

QueryHandler::QueryHandler(TableSource& tables, SiteDirectory& sites, IngestCounts ingest_counts)
    : inputs_{tables, sites, std::move(ingest_counts)}, worker_([this] { Work(); }) {}

QueryHandler::~QueryHandler() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  worker_.join();
}

void QueryHandler::Handle(ingest::http::Exchange& exchange) {
  {
    std::lock_guard lock(mu_);
    waiting_.push_back(&exchange);
  }
  wake_.notify_one();
}

void QueryHandler::Work() {
  for (;;) {
    ingest::http::Exchange* exchange = nullptr;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
      if (waiting_.empty()) return;
      exchange = waiting_.front();
      waiting_.pop_front();
    }
    Answer(*exchange);
  }
}

void QueryHandler::Answer(ingest::http::Exchange& exchange) {
  const std::string endpoint = ingest::http::PercentDecoded(exchange.path.substr(kQueryPrefix.size()));
  if (exchange.method != ingest::http::Method::kGet) {
    ReplyError(exchange, {405, "", "only GET is answered; endpoints: " + EndpointList()});
    return;
  }
  const QueryAnswer answer = RunQuery(endpoint, exchange.query, inputs_);
  if (answer.error) {
    ReplyError(exchange, *answer.error);
    return;
  }
  std::string body = R"({"ok":true,"source":)";
  AppendJsonString(body, inputs_.tables.name());
  body += R"(,"data":[)";
  for (size_t i = 0; i < answer.rows.size(); ++i) (body += i ? "," : "") += answer.rows[i];
  body += "]}";
  Reply(exchange, 200, std::move(body));
}

}  // namespace civicflow::query
