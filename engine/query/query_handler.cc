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

void QueryHandler::Handle(ingest::http::Exchange& exchange) {
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
