#pragma once
// DashboardHandler: serves the authorities' dashboard under /dashboard/ — the
// embedded files (embedded_files.h); `/dashboard` and `/dashboard/` are
// index.html. GET only (else 405 with `Allow: GET`), unknown files 404.
// Replies carry an ETag (a hash of the file) and `Cache-Control: no-cache`, so
// a browser revalidates and a matching If-None-Match gets an empty 304.
// `reply_code` is the HTTP status as text ("200", "404"…).
// Immutable after construction: every I/O thread calls Handle concurrently.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/http/platform_handler.h"

namespace civicflow::dashboard {

class DashboardHandler final : public ingest::http::PlatformHandler {
 public:
  // The route prefix: it also takes `/dashboard` without the slash.
  static constexpr std::string_view kPrefix = "/dashboard";

  DashboardHandler();

  size_t BodyLimit(std::string_view path) const override;
  void Handle(ingest::http::Exchange& exchange) override;
  void RejectOversize(ingest::http::Exchange& exchange) override;
  // Nothing to keep across a restart: it serves compiled-in pages.
  void SaveState(StateWriter&) const override {}
  void LoadState(StateReader&) override {}

 private:
  struct ServedFile {
    std::string_view name;
    std::string_view bytes;
    std::string_view content_type;
    std::string etag;  // "\"<hex hash>\""
  };
  const ServedFile* FileAt(std::string_view path) const;

  std::vector<ServedFile> files_;
};

}  // namespace civicflow::dashboard
