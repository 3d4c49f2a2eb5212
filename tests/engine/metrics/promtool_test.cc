// Registry::Render() checked by the real promtool (Debian package
// `prometheus`, installed by scripts/setup.sh): `promtool check metrics`
// parses the text format and lints it; it must accept every feature we
// write, and reject a broken text (so this test can fail).
#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "engine/metrics/metrics.h"

namespace civicflow::metrics {
namespace {

struct PromtoolResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

PromtoolResult CheckMetrics(const std::string& text) {
  char path[] = "/tmp/civicflow-metrics-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return {};
  const bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  PromtoolResult result;
  if (written) {
    const std::string command = std::string("promtool check metrics < ") + path + " 2>&1";
    if (FILE* pipe = popen(command.c_str(), "r")) {
      char buffer[4096];
      size_t n;
      while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
      const int status = pclose(pipe);
      result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
  }
  unlink(path);
  return result;
}

// A registry using everything the library writes.
std::string RenderEveryFeature() {
  Registry registry;
  auto& uploads = registry.AddCounter("civicflow_uploads_total",
                                      "Uploads answered, by platform and reply code.", {"platform", "code"});
  uploads.With({"parking", "0"}).Add((uint64_t{1} << 53) + 1);
  uploads.With({"fitness", "403"}).Add(2);
  uploads.With({"odd \\ \"value\"\nwith newline", "-1"}).Add();
  registry.AddCounter("civicflow_restarts_total", "No labels; help with a backslash \\ and\na newline.")
      .With({})
      .Add(7);
  registry.AddCounter("civicflow_unused_total", "A family with no series yet.", {"reason"});
  auto& depth = registry.AddGauge("civicflow_queue_records", "Records queued, by shard.", {"shard"});
  depth.With({"0"}).Set(12);
  depth.With({"1"}).Set(-0.25);
  depth.With({"2"}).Set(std::numeric_limits<double>::infinity());
  depth.With({"3"}).Set(-std::numeric_limits<double>::infinity());
  depth.With({"4"}).Set(std::nan(""));
  registry.AddGauge("civicflow_open_connections", "Open connections.").With({}).Set(3);
  auto& latency = registry.AddHistogram("civicflow_request_duration_seconds", "Request latency, by platform.",
                                        {"platform"}, LatencySeconds());
  for (double v = 0.00005; v < 100; v *= 1.7) latency.With({"parking"}).Observe(v);
  latency.With({"fitness"}).Observe(0.005);
  auto& lag = registry.AddHistogram("civicflow_event_lag_seconds", "Event-time lag.", {}, LagSeconds());
  lag.With({}).Observe(3600);
  lag.With({}).Observe(1e6);
  registry.AddCollector([](Writer& writer) {
    writer.Family("civicflow_wal_bytes", "WAL size.", Type::kGauge);
    writer.Sample({}, uint64_t{1} << 40);
    writer.Family("civicflow_segment_write_seconds", "Segment writes.", Type::kHistogram);
    const double bounds[] = {0.5, 1};
    Histogram histogram(bounds);
    histogram.Observe(0.75);
    writer.Sample({{"table", "flow_hourly"}}, histogram.Collect());
  });
  return registry.Render();
}

TEST(MetricsPromtool, AcceptsEveryFeatureOfTheRender) {
  const std::string text = RenderEveryFeature();
  const PromtoolResult result = CheckMetrics(text);
  EXPECT_EQ(result.exit_code, 0) << result.output << "\n" << text;
  EXPECT_EQ(result.output, "") << text;
}

TEST(MetricsPromtool, RejectsADuplicateHelpLine) {
  std::string text = RenderEveryFeature();
  const std::string help = "# HELP civicflow_open_connections Open connections.\n";
  ASSERT_NE(text.find(help), std::string::npos);
  text.insert(text.find(help), help);
  const PromtoolResult result = CheckMetrics(text);
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("second HELP"), std::string::npos) << result.output;
}

TEST(MetricsPromtool, RejectsAnUnescapedLabelValue) {
  std::string text = RenderEveryFeature();
  const std::string escaped = "odd \\\\ \\\"value\\\"\\nwith newline";
  ASSERT_NE(text.find(escaped), std::string::npos);
  text.replace(text.find(escaped), escaped.size(), "odd \"value\"");
  const PromtoolResult result = CheckMetrics(text);
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output, "");
}

TEST(MetricsPromtool, LintsACounterWithoutTotal) {
  std::string text;
  Writer writer(text);
  writer.Family("civicflow_uploads", "Uploads.", Type::kCounter);
  writer.Sample({}, 1);
  const PromtoolResult result = CheckMetrics(text);
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("_total"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace civicflow::metrics
