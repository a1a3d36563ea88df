#pragma once
// Mean of the last `period` values, O(1) per value. The running sum is
// rebuilt from the ring every time the ring wraps, so floating-point error
// cannot accumulate over millions of bars (amortised O(1) still).
#include <cmath>
#include <cstdint>
#include <vector>

namespace tn {

class RollingMean {
 public:
  explicit RollingMean(int32_t period = 1) : ring_(period > 0 ? period : 1, 0.0) {}

  // Adds x; returns the mean of the last `period` values including x, or
  // NaN while fewer than `period` values have been seen.
  double push(double x) {
    const size_t n = ring_.size();
    sum_ += x - ring_[pos_];
    ring_[pos_] = x;
    if (++pos_ == n) {
      pos_ = 0;
      double s = 0;
      for (double v : ring_) s += v;
      sum_ = s;
    }
    if (count_ < n) ++count_;
    return count_ == n ? sum_ / static_cast<double>(n) : std::nan("");
  }

  int32_t period() const { return static_cast<int32_t>(ring_.size()); }
  uint64_t seen() const { return count_; }

 private:
  std::vector<double> ring_;
  double sum_ = 0;
  size_t pos_ = 0;
  size_t count_ = 0;
};

// distance of price from its moving average, in percent.
inline double ma_distance_pct(double price, double ma) { return (price - ma) / ma * 100.0; }

}  // namespace tn
