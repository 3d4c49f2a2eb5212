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
#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace civicflow::metrics {

inline constexpr size_t kCells = 16;

// The calling thread's cell index, fixed at its first call.
size_t ThisThreadCell();

// A count that only grows. Add is one relaxed fetch_add on the calling
// thread's cell; Value sums the cells, so it may miss adds still in flight.
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

// Bucket counts and a sum in per-thread cells: Observe takes no lock,
// Collect sums the cells. A snapshot taken during writes always has
// cumulative counts that agree with the count; its sum may lag by the
// observations in flight.
class Histogram {
 public:
  // REQUIRES: `upper_bounds` ascending and finite; +Inf is implied.
  explicit Histogram(std::span<const double> upper_bounds);
  ~Histogram();
  // A value equal to a bound counts in that bound's bucket (`le` is <=); NaN
  // counts in +Inf only.
  void Observe(double value);

  struct Snapshot {
    std::vector<double> upper_bounds;  // without +Inf
    std::vector<uint64_t> cumulative;  // per bound, then +Inf (== count)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Collect() const;

 private:
  // A thread's cell is `lines_per_cell_` cache lines of 8 words: word 0 holds
  // the sum (a double's bits), words 1..bounds+1 the bucket counts (the last
  // one +Inf). The count is the sum of the buckets, so it always equals +Inf.
  struct CacheLine;
  std::atomic<uint64_t>& Word(size_t cell, size_t index) const;

  std::vector<double> bounds_;
  size_t lines_per_cell_ = 0;
  std::unique_ptr<CacheLine[]> lines_;  // kCells * lines_per_cell_ of them
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
  // The same for an integer, printed exactly (a counter past 2^53 included).
  template <std::integral Integer>
  void Sample(const Labels& labels, Integer value) {
    if constexpr (std::is_signed_v<Integer>)
      IntegerSample(labels, value < 0,
                    value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value));
    else
      IntegerSample(labels, false, static_cast<uint64_t>(value));
  }
  // A histogram's _bucket, _sum and _count samples of the current family.
  void Sample(const Labels& labels, const Histogram::Snapshot& histogram);

 private:
  void IntegerSample(const Labels& labels, bool negative, uint64_t magnitude);
  // `name_` + suffix + {labels[, le="…"]} + ' ', ready for the value.
  void SampleStart(std::string_view suffix, const Labels& labels, std::string_view le = {});

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
  std::vector<std::pair<std::vector<std::string>, std::unique_ptr<Series>>> series_;  // insertion order
  std::unordered_map<std::string, Series*> index_;  // by the tuple's encoded values
};

// Defined in metrics.cc, for these three series types only.
extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

// Owns families and collectors. REQUIRES: family names unique in a registry
// (checked by an assertion in debug builds) and ending in `_total` for
// counters (nothing is appended).
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
