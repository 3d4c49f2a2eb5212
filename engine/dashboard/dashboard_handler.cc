#include "engine/dashboard/dashboard_handler.h"

#include <cstdint>
#include <cstdio>

#include "engine/dashboard/embedded_files.h"

namespace civicflow::dashboard {
namespace {

using ingest::http::Exchange;
using ingest::http::Method;

constexpr std::string_view kTextPlain = "text/plain;charset=UTF-8";

std::string_view ContentTypeOf(std::string_view name) {
  if (name.ends_with(".html")) return "text/html;charset=UTF-8";
  if (name.ends_with(".js")) return "text/javascript;charset=UTF-8";
  if (name.ends_with(".css")) return "text/css;charset=UTF-8";
  return "application/octet-stream";
}

// FNV-1a, 64 bits: the files change only with the binary, so any stable hash
// tells versions apart.
std::string EntityTag(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : bytes) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  char text[24];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(hash));
  return text;
}

void Reply(Exchange& exchange, unsigned status, std::string_view content_type, std::string body) {
  exchange.status = status;
  exchange.reply_code = std::to_string(status);
  exchange.content_type = content_type;
  exchange.reply = std::move(body);
  exchange.Finish();
}

}  // namespace

DashboardHandler::DashboardHandler() {
  for (const EmbeddedFile& file : EmbeddedFiles())
    files_.push_back({file.name, file.bytes, ContentTypeOf(file.name), EntityTag(file.bytes)});
}

size_t DashboardHandler::BodyLimit(std::string_view) const {
  return 4096;  // a GET has no body; a small one still gets its 405
}

const DashboardHandler::ServedFile* DashboardHandler::FileAt(std::string_view path) const {
  if (!path.starts_with(kPrefix)) return nullptr;
  std::string_view rest = path.substr(kPrefix.size());
  if (rest.empty() || rest == "/") {
    rest = "/index.html";
  } else if (!rest.starts_with('/')) {
    return nullptr;  // "/dashboardx"
  }
  for (const ServedFile& file : files_)
    if (file.name == rest.substr(1)) return &file;
  return nullptr;
}

void DashboardHandler::Handle(Exchange& exchange) {
  if (exchange.method != Method::kGet) {
    exchange.reply_headers.emplace_back("Allow", "GET");
    return Reply(exchange, 405, kTextPlain, "method not allowed: the dashboard answers GET only\n");
  }
  const ServedFile* file = FileAt(exchange.path);
  if (file == nullptr)
    return Reply(exchange, 404, kTextPlain, "not found: " + std::string(exchange.path) + "\n");
  exchange.reply_headers.emplace_back("Cache-Control", "no-cache");
  exchange.reply_headers.emplace_back("ETag", file->etag);
  if (exchange.Header("If-None-Match") == file->etag) return Reply(exchange, 304, file->content_type, {});
  Reply(exchange, 200, file->content_type, std::string(file->bytes));
}

void DashboardHandler::RejectOversize(Exchange& exchange) {
  Reply(exchange, 413, kTextPlain, "request body too large: the dashboard answers GET only\n");
}

}  // namespace civicflow::dashboard
