#pragma once
// Bars from a seeded random walk, made as they are read: a BarSource that
// holds no history, so memory per stream stays what the pipeline itself
// needs. Same seed, same bars.
#include <algorithm>
#include <cstdint>
#include <limits>

#include "market/bar_source.hpp"

namespace tn::bench {

class RandomWalk {
 public:
  explicit RandomWalk(uint64_t seed, double sigma) : s_(seed * 0x9E3779B97F4A7C15ull + 1), sigma_(sigma) {}
  // Next close; open is the previous close.
  double step() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    const double u = static_cast<double>((s_ * 0x2545F4914F6CDD1Dull) >> 11) * 0x1.0p-53;  // [0,1)
    price_ *= 1.0 + sigma_ * 1.7320508 * (2.0 * u - 1.0);  // uniform step, sd = sigma
    return price_;
  }
  double price() const { return price_; }

 private:
  uint64_t s_;
  double sigma_;
  double price_ = 20000.0;
};

class SyntheticSource final : public BarSource {
 public:
  SyntheticSource(uint64_t seed, double sigma, size_t bars, int64_t tf_ms, int64_t first_open_ms)
      : walk_(seed, sigma), left_(bars), tf_ms_(tf_ms), next_open_(first_open_ms) {}

  size_t read_until(int64_t end_close_ms, std::vector<int64_t>& open_time, std::vector<double>* open,
                    std::vector<double>* high, std::vector<double>* low, std::vector<double>& close,
                    std::vector<double>* volume) override {
    size_t n = 0;
    while (left_ > 0 && next_open_ + tf_ms_ < end_close_ms) {
      const double o = walk_.price(), c = walk_.step();
      open_time.push_back(next_open_);
      if (open) open->push_back(o);
      if (high) high->push_back(std::max(o, c) * 1.0005);
      if (low) low->push_back(std::min(o, c) * 0.9995);
      close.push_back(c);
      if (volume) volume->push_back(1.0);
      next_open_ += tf_ms_;
      --left_;
      ++n;
    }
    return n;
  }
  int64_t next_close_ms() const override {
    return left_ ? next_open_ + tf_ms_ : std::numeric_limits<int64_t>::max();
  }
  int64_t timeframe_ms() const override { return tf_ms_; }

 private:
  RandomWalk walk_;
  size_t left_;
  int64_t tf_ms_;
  int64_t next_open_;
};

}  // namespace tn::bench
