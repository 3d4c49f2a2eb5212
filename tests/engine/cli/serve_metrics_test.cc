// /metrics of the real `civicflow serve`: after an archive is uploaded over
// loopback HTTP, civicflow_records_total per interface and outcome equals
// what a replay of the same archive counts, every request is counted once
// by its platform, interface, code and outcome, and the gauges of the
// shards, WAL and segments are there. (The text format itself is checked by
// promtool in tests/engine/metrics and tests/tools/prometheus.)
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "engine/cli/replay.h"
#include "ingest/registry/registry.h"
#include "tests/support/http_uploads.h"
#include "tests/support/serve_process.h"

namespace civicflow {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Sample lines of the exposition: "name{labels}" → value.
std::map<std::string, double> Samples(const std::string& text) {
  std::map<std::string, double> samples;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return samples;
}

double Value(const std::map<std::string, double>& samples, const std::string& series) {
  const auto it = samples.find(series);
  return it == samples.end() ? -1 : it->second;
}

std::string Records(std::string_view platform, std::string_view interface, std::string_view outcome) {
  return "civicflow_records_total{platform=\"" + std::string(platform) + "\",interface=\"" +
         std::string(interface) + "\",outcome=\"" + std::string(outcome) + "\"}";
}

TEST(ServeMetricsTest, CountsEqualAReplayAndEveryRequestIsCountedOnce) {
  const fs::path dir = testing::FreshTestDir("serve-metrics");
  datagen::GeneratorOptions generate = testing::FaultyArchive(dir, 2'000, 23);
  generate.days = 1;
  generate.lots = 6;
  generate.venues = 6;
  generate.communities = 3;
  generate.sessions = 3;
  // An adapter refuses some invalid uploads before validation: replay cannot count those.
  generate.invalid_rate = 0;
  const testing::DemoUploads demo = testing::PrepareUploads(dir, generate);
  ASSERT_GT(demo.uploads.size(), 100u);

  std::map<std::string, double> samples;
  uint32_t bad_records = 0;
  {
    testing::ServeProcess serve(dir / "serve", demo.accounts_file, "127.0.0.1:0",
                                {"--checkpoint-interval", "100"});
    ASSERT_NE(serve.port(), 0);
    loadgen::HttpTransport transport({"127.0.0.1", serve.port()});
    loadgen::AccountClients clients(demo.accounts, std::string(loadgen::kDefaultParkingPassword));
    for (const loadgen::ArchiveUpload& upload : demo.uploads) {
      const Result<std::string> code = testing::SendUpload(clients, transport, upload);
      ASSERT_TRUE(code.ok()) << code.status().message();
    }
    // An upload of the archive again, its times made invalid, and a path nobody answers.
    auto enter = std::find_if(demo.uploads.begin(), demo.uploads.end(),
                              [](const loadgen::ArchiveUpload& u) { return u.interface == "enterRecord"; });
    ASSERT_NE(enter, demo.uploads.end());
    loadgen::ArchiveUpload bad = *enter;
    bad.body = std::regex_replace(bad.body, std::regex(R"("enterTime":"[^"]*")"), R"("enterTime":"no time")");
    bad_records = bad.records;
    Result<std::string> bad_code = testing::SendUpload(clients, transport, bad);
    ASSERT_TRUE(bad_code.ok() && *bad_code == "1005")
        << (bad_code.ok() ? *bad_code : bad_code.status().message());
    ASSERT_EQ(transport.RoundTrip({"GET", "/nowhere", {}, ""})->status, 404u);
    std::this_thread::sleep_for(300ms);  // a checkpoint publishes segments
    auto metrics = transport.RoundTrip({"GET", "/metrics", {}, ""});
    ASSERT_TRUE(metrics.ok());
    ASSERT_EQ(metrics->status, 200u);
    EXPECT_EQ(metrics->content_type, "text/plain; version=0.0.4; charset=utf-8");
    samples = Samples(metrics->body);
    EXPECT_EQ(serve.Stop(), 0);
  }

  ReplayOptions replay;
  replay.data_dir = (dir / "replay").string();
  replay.files = {generate.out_path};
  auto report = RunReplay(replay);
  ASSERT_TRUE(report.ok()) << report.status().message();
  uint64_t checked = 0;
  for (ingest::InterfaceId id = 0; id < report->by_interface.size(); ++id) {
    const InterfaceCounts& counts = report->by_interface[id];
    if (counts.accepted + counts.duplicates == 0) continue;
    const ingest::InterfaceSpec& spec = ingest::Registry::Get().At(id);
    // Keyed by the request's time, which is the server's clock when served: not comparable.
    if (std::find(spec.dedup_key.begin(), spec.dedup_key.end(), ingest::kEnvelopeTs) != spec.dedup_key.end())
      continue;
    const std::string_view platform = ingest::PlatformName(spec.platform);
    SCOPED_TRACE(std::string(platform) + "/" + std::string(spec.name));
    EXPECT_EQ(Value(samples, Records(platform, spec.name, "accepted")),
              static_cast<double>(counts.accepted - counts.corrections));
    EXPECT_EQ(Value(samples, Records(platform, spec.name, "corrected")),
              static_cast<double>(counts.corrections));
    EXPECT_EQ(Value(samples, Records(platform, spec.name, "duplicate")),
              static_cast<double>(counts.duplicates));
    ++checked;
  }
  EXPECT_GT(checked, 10u);
  EXPECT_EQ(Value(samples, Records("parking", "enterRecord", "rejected")), bad_records);
  EXPECT_EQ(Value(samples,
                  "civicflow_http_requests_total{platform=\"none\",interface=\"-\",code=\"404\",outcome="
                  "\"rejected\"}"),
            1);

  // Every upload request is counted once, under its platform.
  double requests = 0, upload_requests = 0;
  for (const auto& [series, value] : samples) {
    if (!series.starts_with("civicflow_http_requests_total{")) continue;
    requests += value;
    if (series.find("platform=\"metrics\"") == std::string::npos &&
        series.find("platform=\"none\"") == std::string::npos)
      upload_requests += value;
  }
  EXPECT_GE(upload_requests, static_cast<double>(demo.uploads.size() + 1));  // + logins
  EXPECT_GT(Value(samples, "civicflow_http_request_duration_seconds_count{platform=\"parking\"}"), 0);
  EXPECT_GT(Value(samples, "civicflow_wal_bytes_total"), 0);
  EXPECT_GT(Value(samples, "civicflow_wal_fsync_duration_seconds_count"), 0);
  EXPECT_GT(Value(samples, "civicflow_segment_bytes_total"), 0);
  EXPECT_GT(Value(samples, "civicflow_dedup_keys{shard=\"0\"}"), 0);
  EXPECT_GE(Value(samples, "civicflow_shard_queue_depth{shard=\"1\"}"), 0);
  EXPECT_GT(Value(samples, "civicflow_shard_watermark_lag_seconds{shard=\"0\"}"), 0);
  EXPECT_GT(Value(samples, "civicflow_end_to_end_latency_seconds_count{platform=\"fitness\"}"), 0);
  EXPECT_GT(
      Value(samples, "civicflow_parking_lots_online") + Value(samples, "civicflow_parking_lots_offline"), 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace civicflow
