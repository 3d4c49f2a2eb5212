#include "engine/metrics/metrics.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <charconv>
#include <cmath>
#include <unordered_set>
#include <variant>

namespace civicflow::metrics {

namespace {

std::atomic<size_t> next_thread_cell{0};

// Appends `text` escaped as the text format requires: `\` and newline in
// help text, and `"` as well in label values.
void AppendEscaped(std::string& out, std::string_view text, bool escape_quote) {
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void AppendUnsigned(std::string& out, uint64_t value) {
  char buffer[24];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

// Integral values below 2^63 as integers (exact, no exponent); other finite
// values in the shortest form that reads back as the same double, %g style
// (0.005, 1e-05, 1.8446744073709552e+19).
void AppendNumber(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else if (value == std::trunc(value) && std::fabs(value) < 0x1p63) {
    char buffer[24];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, static_cast<int64_t>(value));
    out.append(buffer, end);
  } else {
    char buffer[32];
    const auto [end, error] =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general);
    out.append(buffer, end);
  }
}

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// The index of the first bound >= value, or bounds.size() (+Inf) if none,
// NaN included: a branch-free binary search (the comparison becomes a
// conditional move), so the hot path has no unpredictable branch.
size_t BucketIndex(std::span<const double> bounds, double value) {
  if (bounds.empty()) return 0;
  const double* base = bounds.data();
  size_t length = bounds.size();
  while (length > 1) {
    const size_t half = length / 2;
    base = !(base[half - 1] >= value) ? base + half : base;
    length -= half;
  }
  return static_cast<size_t>(base - bounds.data()) + (!(*base >= value) ? 1 : 0);
}

// A tuple of label values as one map key: each value preceded by its length,
// so ("a", "bc") and ("ab", "c") differ.
std::string SeriesKey(std::initializer_list<std::string_view> values) {
  std::string key;
  for (const std::string_view value : values) {
    AppendUnsigned(key, value.size());
    key += ':';
    key += value;
  }
  return key;
}

}  // namespace

size_t ThisThreadCell() {
  thread_local const size_t cell = next_thread_cell.fetch_add(1, std::memory_order_relaxed) % kCells;
  return cell;
}

uint64_t Counter::Value() const {
  uint64_t total = 0;
  for (const Cell& cell : cells_) total += cell.value.load(std::memory_order_relaxed);
  return total;
}

void Gauge::Add(double delta) {
  double current = value_.load(std::memory_order_relaxed);
  while (!value_.compare_exchange_weak(current, current + delta, std::memory_order_relaxed)) {
  }
}

// -------------------------------------------------------------------------
// Histogram. The sum is a double per cell, added with a CAS loop on its bits:
// the cell is normally written by one thread only, so the loop runs once.
// (Integer nano-units would allow a plain fetch_add, but overflow at 9.2e9
// units summed — a few hours of lags in seconds — and drop sub-nano values.)

struct alignas(64) Histogram::CacheLine {
  std::atomic<uint64_t> words[8];
};
constexpr size_t kWordsPerLine = 8;

Histogram::Histogram(std::span<const double> upper_bounds)
    : bounds_(upper_bounds.begin(), upper_bounds.end()),
      lines_per_cell_((1 + bounds_.size() + 1 + kWordsPerLine - 1) / kWordsPerLine),
      lines_(std::make_unique<CacheLine[]>(kCells * lines_per_cell_)) {
  assert(std::is_sorted(bounds_.begin(), bounds_.end()));
  assert(std::all_of(bounds_.begin(), bounds_.end(), [](double b) { return std::isfinite(b); }));
}

Histogram::~Histogram() = default;

std::atomic<uint64_t>& Histogram::Word(size_t cell, size_t index) const {
  return lines_[cell * lines_per_cell_ + index / kWordsPerLine].words[index % kWordsPerLine];
}

void Histogram::Observe(double value) {
  const size_t cell = ThisThreadCell();
  Word(cell, 1 + BucketIndex(bounds_, value)).fetch_add(1, std::memory_order_relaxed);
  std::atomic<uint64_t>& sum = Word(cell, 0);
  uint64_t bits = sum.load(std::memory_order_relaxed);
  while (!sum.compare_exchange_weak(bits, std::bit_cast<uint64_t>(std::bit_cast<double>(bits) + value),
                                    std::memory_order_relaxed)) {
  }
}

Histogram::Snapshot Histogram::Collect() const {
  Snapshot snapshot;
  snapshot.upper_bounds = bounds_;
  std::vector<uint64_t> buckets(bounds_.size() + 1, 0);
  for (size_t cell = 0; cell < kCells; ++cell) {
    snapshot.sum += std::bit_cast<double>(Word(cell, 0).load(std::memory_order_relaxed));
    for (size_t b = 0; b < buckets.size(); ++b)
      buckets[b] += Word(cell, 1 + b).load(std::memory_order_relaxed);
  }
  snapshot.cumulative.reserve(buckets.size());
  for (const uint64_t in_bucket : buckets) {
    snapshot.count += in_bucket;
    snapshot.cumulative.push_back(snapshot.count);
  }
  return snapshot;
}

std::span<const double> LatencySeconds() {
  static constexpr double kBounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                       0.1,    0.25,    0.5,    1,     2.5,    5,     10,   30,    60};
  return kBounds;
}

std::span<const double> LagSeconds() {
  static constexpr double kBounds[] = {1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 21600, 86400, 172800};
  return kBounds;
}

// -------------------------------------------------------------------------
// Writer

void Writer::Family(std::string_view name, std::string_view help, Type type) {
  name_ = name;
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  AppendEscaped(out_, help, /*escape_quote=*/false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += TypeName(type);
  out_ += '\n';
}

void Writer::SampleStart(std::string_view suffix, const Labels& labels, std::string_view le) {
  out_ += name_;
  out_ += suffix;
  if (!labels.empty() || !le.empty()) {
    char separator = '{';
    for (const auto& [label, value] : labels) {
      out_ += separator;
      out_ += label;
      out_ += "=\"";
      AppendEscaped(out_, value, /*escape_quote=*/true);
      out_ += '"';
      separator = ',';
    }
    if (!le.empty()) {
      out_ += separator;
      out_ += "le=\"";
      out_ += le;
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
}

void Writer::Sample(const Labels& labels, double value) {
  SampleStart({}, labels);
  AppendNumber(out_, value);
  out_ += '\n';
}

void Writer::IntegerSample(const Labels& labels, bool negative, uint64_t magnitude) {
  SampleStart({}, labels);
  if (negative) out_ += '-';
  AppendUnsigned(out_, magnitude);
  out_ += '\n';
}

void Writer::Sample(const Labels& labels, const Histogram::Snapshot& histogram) {
  std::string le;
  for (size_t b = 0; b < histogram.upper_bounds.size(); ++b) {
    le.clear();
    AppendNumber(le, histogram.upper_bounds[b]);
    SampleStart("_bucket", labels, le);
    AppendUnsigned(out_, histogram.cumulative[b]);
    out_ += '\n';
  }
  SampleStart("_bucket", labels, "+Inf");
  AppendUnsigned(out_, histogram.count);
  out_ += "\n";
  SampleStart("_sum", labels);
  AppendNumber(out_, histogram.sum);
  out_ += '\n';
  SampleStart("_count", labels);
  AppendUnsigned(out_, histogram.count);
  out_ += '\n';
}

// -------------------------------------------------------------------------
// Family

template <class Series>
Family<Series>::Family(std::string name, std::string help, std::vector<std::string> label_names,
                       std::vector<double> bounds)
    : name(std::move(name)),
      help(std::move(help)),
      label_names(std::move(label_names)),
      bounds_(std::move(bounds)) {}

template <class Series>
Series& Family<Series>::With(std::initializer_list<std::string_view> values) {
  assert(values.size() == label_names.size());
  std::string key = SeriesKey(values);
  std::lock_guard lock(mutex_);
  if (const auto found = index_.find(key); found != index_.end()) return *found->second;
  std::unique_ptr<Series> series;
  if constexpr (std::is_same_v<Series, Histogram>) {
    series = std::make_unique<Histogram>(bounds_);
  } else {
    series = std::make_unique<Series>();
  }
  Series& created = *series;
  series_.emplace_back(std::vector<std::string>(values.begin(), values.end()), std::move(series));
  index_.emplace(std::move(key), &created);
  return created;
}

template <class Series>
void Family<Series>::Render(Writer& writer) const {
  Type type = Type::kCounter;
  if constexpr (std::is_same_v<Series, Gauge>) type = Type::kGauge;
  if constexpr (std::is_same_v<Series, Histogram>) type = Type::kHistogram;
  writer.Family(name, help, type);
  Labels labels;
  std::lock_guard lock(mutex_);
  for (const auto& [values, series] : series_) {
    labels.clear();
    for (size_t i = 0; i < values.size(); ++i) labels.emplace_back(label_names[i], values[i]);
    if constexpr (std::is_same_v<Series, Histogram>) {
      writer.Sample(labels, series->Collect());
    } else {
      writer.Sample(labels, series->Value());
    }
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// -------------------------------------------------------------------------
// Registry

struct Registry::Families {
  using Any = std::variant<std::unique_ptr<Family<Counter>>, std::unique_ptr<Family<Gauge>>,
                           std::unique_ptr<Family<Histogram>>>;

  template <class Series>
  Family<Series>& Add(std::unique_ptr<Family<Series>> family) {
    Family<Series>& added = *family;
    std::lock_guard lock(mutex);
    [[maybe_unused]] const bool fresh = names.insert(added.name).second;
    assert(fresh && "family names are unique in a registry");
    families.emplace_back(std::move(family));
    return added;
  }

  std::mutex mutex;
  std::unordered_set<std::string> names;
  std::vector<Any> families;                                              // in the order added
  std::vector<std::unique_ptr<std::function<void(Writer&)>>> collectors;  // in the order added
};

Registry::Registry() : families_(std::make_unique<Families>()) {}
Registry::~Registry() = default;

Family<Counter>& Registry::AddCounter(std::string name, std::string help,
                                      std::vector<std::string> label_names) {
  return families_->Add(std::unique_ptr<Family<Counter>>(
      new Family<Counter>(std::move(name), std::move(help), std::move(label_names))));
}

Family<Gauge>& Registry::AddGauge(std::string name, std::string help, std::vector<std::string> label_names) {
  return families_->Add(std::unique_ptr<Family<Gauge>>(
      new Family<Gauge>(std::move(name), std::move(help), std::move(label_names))));
}

Family<Histogram>& Registry::AddHistogram(std::string name, std::string help,
                                          std::vector<std::string> label_names,
                                          std::span<const double> upper_bounds) {
  return families_->Add(std::unique_ptr<Family<Histogram>>(
      new Family<Histogram>(std::move(name), std::move(help), std::move(label_names),
                            std::vector<double>(upper_bounds.begin(), upper_bounds.end()))));
}

void Registry::AddCollector(std::function<void(Writer&)> collect) {
  auto owned = std::make_unique<std::function<void(Writer&)>>(std::move(collect));
  std::lock_guard lock(families_->mutex);
  families_->collectors.push_back(std::move(owned));
}

std::string Registry::Render() const {
  // Pointers are taken under the lock and used after it (families and
  // collectors are never removed), so a collector may itself add to the
  // registry. A scrape never holds up an Add or Observe; a With() creating a
  // series of a family waits while that family renders.
  std::vector<std::function<void(Writer&)>> renders;
  {
    std::lock_guard lock(families_->mutex);
    renders.reserve(families_->families.size() + families_->collectors.size());
    for (const Families::Any& any : families_->families)
      std::visit(
          [&renders](const auto& family) {
            renders.emplace_back([f = family.get()](Writer& w) { f->Render(w); });
          },
          any);
    for (const auto& collect : families_->collectors)
      renders.emplace_back([f = collect.get()](Writer& w) { (*f)(w); });
  }
  std::string out;
  Writer writer(out);
  for (const auto& render : renders) render(writer);
  return out;
}

}  // namespace civicflow::metrics
