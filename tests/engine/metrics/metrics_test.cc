#include "engine/metrics/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace civicflow::metrics {
namespace {

// Runs `body(thread_index)` on `threads` threads at once and joins them.
template <class Body>
void OnThreads(int threads, Body body) {
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t) running.emplace_back(body, t);
  for (std::thread& thread : running) thread.join();
}

// The text one Writer::Sample(labels, value) writes for a family named "x".
std::string SampleText(double value, const Labels& labels = {}) {
  std::string out;
  Writer writer(out);
  writer.Family("x", "h", Type::kGauge);
  out.clear();
  writer.Sample(labels, value);
  return out;
}

TEST(MetricsCounter, SumsEightThreadsOfAMillionIncrementsExactly) {
  Counter counter;
  constexpr int kThreads = 8, kIncrements = 1'000'000;
  OnThreads(kThreads, [&](int) {
    for (int i = 0; i < kIncrements; ++i) counter.Add();
  });
  EXPECT_EQ(counter.Value(), uint64_t{kThreads} * kIncrements);
  counter.Add(5);
  EXPECT_EQ(counter.Value(), uint64_t{kThreads} * kIncrements + 5);
}

TEST(MetricsCounter, ThreadsStartedOneAfterAnotherTakeTheCellsRoundRobin) {
  std::vector<size_t> cells(kCells);
  for (size_t t = 0; t < kCells; ++t) std::thread([&cells, t] { cells[t] = ThisThreadCell(); }).join();
  EXPECT_EQ(std::set<size_t>(cells.begin(), cells.end()).size(), kCells);
  for (size_t t = 1; t < kCells; ++t) EXPECT_EQ(cells[t], (cells[t - 1] + 1) % kCells);
  EXPECT_EQ(ThisThreadCell(), ThisThreadCell()) << "fixed at the first call";
}

TEST(MetricsGauge, SetAndConcurrentAdds) {
  Gauge gauge;
  gauge.Set(-3.5);
  EXPECT_EQ(gauge.Value(), -3.5);
  OnThreads(4, [&](int) {
    for (int i = 0; i < 100'000; ++i) gauge.Add(0.5);
  });
  EXPECT_EQ(gauge.Value(), 200'000 - 3.5) << "no add is lost (halves sum exactly)";
}

TEST(MetricsHistogram, CumulativeBucketsSumAndCountWithBoundsInclusive) {
  const double bounds[] = {0.005, 0.01, 0.1, 1};
  Histogram histogram(bounds);
  for (const double v : {0.0, 0.005, std::nextafter(0.005, 1.0), 0.01, 0.05, 1.0, 1.5, 100.0, -2.0})
    histogram.Observe(v);
  const Histogram::Snapshot s = histogram.Collect();
  EXPECT_EQ(s.upper_bounds, std::vector<double>(std::begin(bounds), std::end(bounds)));
  // <=0.005: 0, 0.005, -2 | <=0.01: next(0.005), 0.01 | <=0.1: 0.05 | <=1: 1 | +Inf: 1.5, 100
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{3, 5, 6, 7, 9}));
  EXPECT_EQ(s.count, 9u);
  EXPECT_DOUBLE_EQ(s.sum, 0.005 + std::nextafter(0.005, 1.0) + 0.01 + 0.05 + 1.0 + 1.5 + 100.0 - 2.0);
}

TEST(MetricsHistogram, BucketSearchMatchesALinearScanAtEveryBoundAndBetween) {
  for (const std::span<const double> bounds : {LatencySeconds(), LagSeconds(), std::span<const double>()}) {
    std::vector<double> values = {0, -1, 1e300, -std::numeric_limits<double>::infinity(),
                                  std::numeric_limits<double>::infinity()};
    for (const double b : bounds)
      for (const double v : {b, std::nextafter(b, -INFINITY), std::nextafter(b, INFINITY)})
        values.push_back(v);
    std::mt19937_64 random(7);
    std::uniform_real_distribution<double> uniform(0, 200'000);
    for (int i = 0; i < 1000; ++i) values.push_back(uniform(random));
    for (const double v : values) {
      Histogram histogram(bounds);
      histogram.Observe(v);
      const Histogram::Snapshot s = histogram.Collect();
      size_t expected = 0;
      while (expected < bounds.size() && v > bounds[expected]) ++expected;
      for (size_t b = 0; b <= bounds.size(); ++b)
        ASSERT_EQ(s.cumulative[b], b >= expected ? 1u : 0u) << "value " << v << " bucket " << b;
    }
  }
}

TEST(MetricsHistogram, NanCountsInInfOnly) {
  const double bounds[] = {1, 2};
  Histogram histogram(bounds);
  histogram.Observe(std::nan(""));
  const Histogram::Snapshot s = histogram.Collect();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{0, 0, 1}));
  EXPECT_TRUE(std::isnan(s.sum));
}

TEST(MetricsHistogram, ConcurrentObservesAreAllCounted) {
  Histogram histogram(LatencySeconds());
  OnThreads(4, [&](int t) {
    for (int i = 0; i < 100'000; ++i) histogram.Observe(t == 0 ? 0.25 : 2.0);
  });
  const Histogram::Snapshot s = histogram.Collect();
  EXPECT_EQ(s.count, 400'000u);
  EXPECT_EQ(s.cumulative.back(), 400'000u);
  EXPECT_EQ(s.sum, 100'000 * 0.25 + 300'000 * 2.0);
}

TEST(MetricsBuckets, LatencyAndLagBoundsAreAscending) {
  for (const std::span<const double> bounds : {LatencySeconds(), LagSeconds()})
    for (size_t i = 1; i < bounds.size(); ++i) EXPECT_LT(bounds[i - 1], bounds[i]);
  EXPECT_EQ(LatencySeconds().front(), 0.0001);
  EXPECT_EQ(LatencySeconds().back(), 60);
  EXPECT_EQ(LagSeconds().front(), 1);
  EXPECT_EQ(LagSeconds().back(), 172800);
}

TEST(MetricsWriter, FormatsNumbersExactlyAndShortest) {
  EXPECT_EQ(SampleText(0), "x 0\n");
  EXPECT_EQ(SampleText(-3), "x -3\n");
  EXPECT_EQ(SampleText(0.005), "x 0.005\n");
  EXPECT_EQ(SampleText(0.1 + 0.2), "x 0.30000000000000004\n");
  EXPECT_EQ(SampleText(0.0001), "x 0.0001\n");
  EXPECT_EQ(SampleText(1.5e-7), "x 1.5e-07\n");
  EXPECT_EQ(SampleText(1e15), "x 1000000000000000\n");
  EXPECT_EQ(SampleText(0x1p53), "x 9007199254740992\n");
  EXPECT_EQ(SampleText(0x1p63), "x 9.223372036854776e+18\n");
  EXPECT_EQ(SampleText(std::numeric_limits<double>::infinity()), "x +Inf\n");
  EXPECT_EQ(SampleText(-std::numeric_limits<double>::infinity()), "x -Inf\n");
  EXPECT_EQ(SampleText(std::nan("")), "x NaN\n");
  std::string out;
  Writer writer(out);
  writer.Family("c_total", "h", Type::kCounter);
  out.clear();
  writer.Sample({}, (uint64_t{1} << 53) + 1);
  writer.Sample({}, std::numeric_limits<uint64_t>::max());
  writer.Sample({}, std::numeric_limits<int64_t>::min());
  writer.Sample({}, 7);
  EXPECT_EQ(
      out,
      "c_total 9007199254740993\nc_total 18446744073709551615\nc_total -9223372036854775808\nc_total 7\n");
}

TEST(MetricsWriter, EscapesHelpAndLabelValues) {
  std::string out;
  Writer writer(out);
  writer.Family("x", "a \\ b\nc \"q\"", Type::kGauge);
  writer.Sample({{"path", "C:\\dir\n\"x\""}, {"b", ""}}, 1);
  EXPECT_EQ(out,
            "# HELP x a \\\\ b\\nc \"q\"\n"
            "# TYPE x gauge\n"
            "x{path=\"C:\\\\dir\\n\\\"x\\\"\",b=\"\"} 1\n");
}

TEST(MetricsRegistry, RendersFamiliesInOrderThenCollectors) {
  Registry registry;
  auto& requests =
      registry.AddCounter("civicflow_requests_total", "Requests answered.", {"platform", "code"});
  auto& queue = registry.AddGauge("civicflow_queue_depth", "Records waiting.");
  const double bounds[] = {0.005, 0.1};
  auto& latency = registry.AddHistogram("civicflow_latency_seconds", "Latency.", {"platform"}, bounds);
  registry.AddCollector([](Writer& writer) {
    writer.Family("civicflow_lag_seconds", "Event-time lag.", Type::kGauge);
    writer.Sample({{"table", "flow_hourly"}}, 12.5);
  });
  requests.With({"parking", "0"}).Add(3);
  requests.With({"fitness", "403"}).Add();
  requests.With({"parking", "0"}).Add();
  queue.With({}).Set(42);
  auto& parking_latency = latency.With({"parking"});
  parking_latency.Observe(0.005);
  parking_latency.Observe(0.05);
  parking_latency.Observe(7);
  EXPECT_EQ(registry.Render(),
            "# HELP civicflow_requests_total Requests answered.\n"
            "# TYPE civicflow_requests_total counter\n"
            "civicflow_requests_total{platform=\"parking\",code=\"0\"} 4\n"
            "civicflow_requests_total{platform=\"fitness\",code=\"403\"} 1\n"
            "# HELP civicflow_queue_depth Records waiting.\n"
            "# TYPE civicflow_queue_depth gauge\n"
            "civicflow_queue_depth 42\n"
            "# HELP civicflow_latency_seconds Latency.\n"
            "# TYPE civicflow_latency_seconds histogram\n"
            "civicflow_latency_seconds_bucket{platform=\"parking\",le=\"0.005\"} 1\n"
            "civicflow_latency_seconds_bucket{platform=\"parking\",le=\"0.1\"} 2\n"
            "civicflow_latency_seconds_bucket{platform=\"parking\",le=\"+Inf\"} 3\n"
            "civicflow_latency_seconds_sum{platform=\"parking\"} 7.055\n"
            "civicflow_latency_seconds_count{platform=\"parking\"} 3\n"
            "# HELP civicflow_lag_seconds Event-time lag.\n"
            "# TYPE civicflow_lag_seconds gauge\n"
            "civicflow_lag_seconds{table=\"flow_hourly\"} 12.5\n");
}

TEST(MetricsFamily, WithReturnsTheSameSeriesForTheSameTuple) {
  Registry registry;
  auto& family = registry.AddCounter("x_total", "h", {"a", "b"});
  Counter& first = family.With({"a", "bc"});
  EXPECT_EQ(&family.With({"a", "bc"}), &first);
  EXPECT_NE(&family.With({"ab", "c"}), &first) << "tuples are compared value by value";
  EXPECT_NE(&family.With({"a", "b"}), &first);
  // Concurrent first calls for one tuple create it once.
  std::vector<Counter*> seen(4);
  OnThreads(4, [&](int t) { seen[t] = &family.With({"new", "tuple"}); });
  for (Counter* counter : seen) EXPECT_EQ(counter, seen[0]);
}

}  // namespace
}  // namespace civicflow::metrics
