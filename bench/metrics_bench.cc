// The metrics hot paths (engine/metrics/metrics.h) from 1, 2 and 4 threads:
//   counter_add/ours           — Counter::Add: each thread adds to its own
//                                cache-line cell (relaxed fetch_add);
//   counter_add/shared_atomic  — the reference: every thread fetch_adds one
//                                shared std::atomic<uint64_t>, so the line
//                                bounces between cores;
//   histogram_observe/ours     — Histogram::Observe over the 18 latency
//                                bounds: bucket search, count, CAS on the sum.
// Usage: metrics_bench [google-benchmark flags]
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <vector>

#include "engine/metrics/metrics.h"

namespace {

namespace metrics = civicflow::metrics;

metrics::Counter counter;
std::atomic<uint64_t> shared_atomic{0};
metrics::Histogram latency(metrics::LatencySeconds());

void CounterAdd(benchmark::State& state) {
  for (auto _ : state) counter.Add();
  state.SetItemsProcessed(state.iterations());
}

void SharedAtomicFetchAdd(benchmark::State& state) {
  for (auto _ : state) shared_atomic.fetch_add(1, std::memory_order_relaxed);
  state.SetItemsProcessed(state.iterations());
}

void HistogramObserve(benchmark::State& state) {
  // Latencies spread over every bucket, so the search's path varies.
  std::vector<double> values;
  for (double v = 0.00005; v < 100; v *= 1.13) values.push_back(v);
  size_t next = 0;
  for (auto _ : state) {
    latency.Observe(values[next]);
    next = next + 1 == values.size() ? 0 : next + 1;
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(CounterAdd)->Name("counter_add/ours")->Threads(1)->Threads(2)->Threads(4)->UseRealTime();
BENCHMARK(SharedAtomicFetchAdd)
    ->Name("counter_add/shared_atomic")
    ->Threads(1)
    ->Threads(2)
    ->Threads(4)
    ->UseRealTime();
BENCHMARK(HistogramObserve)
    ->Name("histogram_observe/ours")
    ->Threads(1)
    ->Threads(2)
    ->Threads(4)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
