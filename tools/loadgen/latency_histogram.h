#pragma once
// LatencyHistogram: request latencies in nanoseconds, in log-linear buckets
// (HdrHistogram's layout): values below 128 ns are exact, above that every
// power of two is split into 64 buckets, so a percentile is reported at most
// 1/64 (1.6 %) above the true value, in 30 KB whatever the count. Merging
// the per-connection histograms gives the histogram of the whole run.
// Thread-compatible: one per connection thread, merged after they finish.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

namespace civicflow::loadgen {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 6;
  static constexpr int64_t kSubBuckets = int64_t{1} << kSubBucketBits;  // per power of two
  // Relative error of Percentile(): it is >= the true value and at most this much above.
  static constexpr double kRelativeError = 1.0 / kSubBuckets;

  void Record(int64_t nanos) {
    nanos = std::max<int64_t>(nanos, 0);
    ++counts_[IndexOf(nanos)];
    ++count_;
    max_ = std::max(max_, nanos);
    min_ = count_ == 1 ? nanos : std::min(min_, nanos);
    sum_ += static_cast<double>(nanos);
  }

  void Merge(const LatencyHistogram& other) {
    for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    if (other.count_ > 0) {
      min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
      max_ = std::max(max_, other.max_);
    }
    count_ += other.count_;
    sum_ += other.sum_;
  }

  uint64_t count() const { return count_; }
  int64_t min() const { return min_; }
  int64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0 : sum_ / static_cast<double>(count_); }

  // The value at rank ceil(q × count) of the sorted values (the smallest v
  // with at least a fraction q of the values <= v), rounded up to its
  // bucket's upper bound and capped at max(). 0 when empty.
  // REQUIRES: 0 <= q <= 1.
  int64_t Percentile(double q) const {
    if (count_ == 0) return 0;
    const auto rank =
        std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
    uint64_t seen = 0;
    for (size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min(UpperBoundOf(i), max_);
    }
    return max_;
  }

 private:
  // Values below 2 × kSubBuckets map to themselves; above, the top
  // kSubBucketBits + 1 bits pick the bucket within the value's power of two.
  static size_t IndexOf(int64_t v) {
    if (v < 2 * kSubBuckets) return static_cast<size_t>(v);
    const int shift = std::bit_width(static_cast<uint64_t>(v)) - 1 - kSubBucketBits;
    const int64_t mantissa = v >> shift;  // in [kSubBuckets, 2 × kSubBuckets)
    return static_cast<size_t>((shift + 1) * kSubBuckets + (mantissa - kSubBuckets));
  }
  static int64_t UpperBoundOf(size_t index) {
    if (index < 2 * kSubBuckets) return static_cast<int64_t>(index);
    const int shift = static_cast<int>(index / kSubBuckets) - 1;
    const uint64_t mantissa = kSubBuckets + index % kSubBuckets;
    return static_cast<int64_t>(((mantissa + 1) << shift) - 1);  // the top bucket ends at INT64_MAX
  }

  static constexpr size_t kBuckets = (64 - kSubBucketBits) * kSubBuckets;
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  int64_t min_ = 0, max_ = 0;
  double sum_ = 0;
};

}  // namespace civicflow::loadgen
