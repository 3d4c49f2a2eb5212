#pragma once
// Metrics: counters, gauges and histograms, rendered in the Prometheus text
// exposition format (0.0.4) on /metrics.
//
// Hot paths write per-thread cells: a thread is given one of kCells
// cache-line-sized cells on its first write (round robin), so an increment
// is a relaxed add that no other writer usually touches; a scrape sums the
// cells. Families (name, help, type, label names) are created at start-up;
// a series (one tuple of label values) is looked up once with With() and its
// reference kept by the writer, so the hot path never takes a lock.
// Collectors add values computed at scrape time (queue depths, lags).
//
// Threads: every method is thread-safe. References returned by With() stay
// valid for the registry's lifetime.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace civicflow::metrics {

inline constexpr size_t kCells = 16;

// The calling thread's cell index, fixed at its first call.
size_t ThisThreadCell();

class Counter {
 public:
  void Add(uint64_t n = 1) { cells_[ThisThreadCell()].value.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const;

 private:
  struct alignas(64) Cell {
    std::atomic<uint64_t> value{0};
  };
  std::array<Cell, kCells> cells_;
};

// A value that is set, not summed: one atomic.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // REQUIRES: `upper_bounds` ascending and finite; +Inf is implied.
  explicit Histogram(std::span<const double> upper_bounds);
  void Observe(double value);

  struct Snapshot {
    std::vector<double> upper_bounds;  // without +Inf
    std::vector<uint64_t> cumulative;  // per bound, then +Inf (== count)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Collect() const;

 private:
  struct Cell;
  std::vector<double> bounds_;
  std::unique_ptr<Cell[]> cells_;  // kCells of them
};

// Seconds, for request and I/O latencies: 100 µs … 60 s.
std::span<const double> LatencySeconds();
// Seconds, for event-time lags: 1 s … 2 days.
std::span<const double> LagSeconds();

enum class Type { kCounter, kGauge, kHistogram };

using Labels = std::vector<std::pair<std::string, std::string>>;

// Writes families in the text format. A family's header comes once, then its
// samples; label values and help text are escaped as the format requires.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void Family(std::string_view name, std::string_view help, Type type);
  // A counter or gauge sample of the current family.
  void Sample(const Labels& labels, double value);
  // A histogram's _bucket, _sum and _count samples of the current family.
  void Sample(const Labels& labels, const Histogram::Snapshot& histogram);

 private:
  std::string& out_;
  std::string name_;
};

// A metric family: one series per tuple of label values.
template <class Series>
class Family {
 public:
  // REQUIRES: as many values as label names. Thread-safe; the first call for
  // a tuple creates its series.
  Series& With(std::initializer_list<std::string_view> values);

  const std::string name, help;
  const std::vector<std::string> label_names;

 private:
  friend class Registry;
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::vector<double> bounds = {});
  void Render(Writer& writer) const;

  const std::vector<double> bounds_;  // histograms only
  mutable std::mutex mutex_;
  std::vector<std::pair<std::vector<std::string>, std::unique_ptr<Series>>> series_;
};

class Registry {
 public:
  Registry();
  ~Registry();
  Family<Counter>& AddCounter(std::string name, std::string help, std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(std::string name, std::string help, std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(std::string name, std::string help, std::vector<std::string> label_names,
                                  std::span<const double> upper_bounds);
  // Runs at every Render(), after the families, on the scraping thread; it
  // writes whole families of its own (names distinct from the registry's).
  void AddCollector(std::function<void(Writer&)> collect);

  // Every family, in the order added, then the collectors'.
  std::string Render() const;

 private:
  struct Families;
  std::unique_ptr<Families> families_;
};

}  // namespace civicflow::metrics
