#pragma once
// Mean of the last `period` values, O(1) per value. The running sum is
// rebuilt from the ring every time the ring wraps, so floating-point error
// cannot accumulate over millions of bars (amortised O(1) still).
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace tn {

class RollingMean {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

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
    return count_ == n ? sum_ / static_cast<double>(n) : kNaN;
  }

  // push() over a run of values, writing each mean. Same results as push()
  // one by one; the state lives in locals meanwhile, so stores to the output
  // (which could alias the ring, as far as the compiler knows) do not force
  // reloads per value.
  void push_run(const double* x, size_t n, double* mean_out) {
    double* ring = ring_.data();
    const size_t len = ring_.size();
    double sum = sum_;
    size_t pos = pos_, count = count_;
    const double dlen = static_cast<double>(len);  // divide, not multiply by 1/len: the exact mean
    for (size_t i = 0; i < n; ++i) {
      const double v = x[i];
      sum += v - ring[pos];
      ring[pos] = v;
      if (++pos == len) {
        pos = 0;
        double s = 0;
        for (size_t k = 0; k < len; ++k) s += ring[k];
        sum = s;
      }
      if (count < len) ++count;
      mean_out[i] = count == len ? sum / dlen : kNaN;
    }
    sum_ = sum;
    pos_ = pos;
    count_ = count;
  }

  // The mean push(x) would return, without taking x in: the last period-1
  // values and x (a candle still open, priced provisionally at x). NaN
  // while fewer than period-1 values have been seen.
  double peek(double x) const {
    const size_t n = ring_.size();
    if (count_ + 1 < n) return kNaN;
    // ring_[pos_] is the value x would replace (0 until the ring is full).
    return (sum_ + (x - ring_[pos_])) / static_cast<double>(n);
  }

  int32_t period() const { return static_cast<int32_t>(ring_.size()); }
  uint64_t seen() const { return count_; }

 private:
  std::vector<double> ring_;
  double sum_ = 0;
  size_t pos_ = 0;
  size_t count_ = 0;
};


}  // namespace tn
