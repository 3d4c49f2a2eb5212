#pragma once
// The dashboard's files, compiled into the binary at build time
// (cmake/EmbedDashboard.cmake generates EmbeddedFiles): index.html,
// dashboard.js, dashboard.css and ECharts' echarts.min.js. Immutable, so any
// thread may read them.
#include <span>
#include <string_view>

namespace civicflow::dashboard {

struct EmbeddedFile {
  std::string_view name;   // as served under /dashboard/, e.g. "dashboard.js"
  std::string_view bytes;  // the file's content, in the binary's read-only data
};

std::span<const EmbeddedFile> EmbeddedFiles();

}  // namespace civicflow::dashboard
