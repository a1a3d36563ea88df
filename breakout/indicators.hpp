#pragma once
// Indicators of the breakout + momentum strategy, each O(1) amortised per
// bar with its own small state (no recomputation over the window):
//   atr14             Wilder's average true range
//   highest_close(N)  the highest close of the N bars BEFORE the current one
//   roc(N)            close / close N bars earlier - 1 (0.20 = +20%)
//   sma(N)            RollingMean (rolling_mean.hpp)
// Every value is NaN until its window is full. Streams bar by bar (push) or
// over a whole tn::BarSeries (run_breakout_indicators).
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "market/bar_source.hpp"
#include "common/rolling_mean.hpp"

namespace tn {

// "not defined yet" (window not full).
inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

// Wilder's ATR over `period` (14) true ranges. TR needs the previous close,
// so the first bar gives no TR (as TA-Lib and most charting tools do): the
// first ATR is the mean of the TRs of bars 2..period+1 and appears on bar
// period+1; after that ATR = (prev * (period-1) + TR) / period.
class WilderAtr {
 public:
  explicit WilderAtr(int32_t period = 14) : period_(period > 0 ? period : 1) {}
  double push(double high, double low, double close);
  double value() const { return atr_; }

 private:
  int32_t period_;
  int32_t trs_ = 0;  // TRs seen, capped at period_
  bool has_prev_ = false;
  double prev_close_ = 0, sum_ = 0, atr_ = kNoValue;
};

// Highest of the last `period` values pushed before the current one: a
// monotonic deque (decreasing values) in a ring of `period` slots, so every
// value enters and leaves it once.
class HighestPrior {
 public:
  explicit HighestPrior(int32_t period);
  // The highest of the `period` values before x (NaN while fewer were seen),
  // then takes x into the window.
  double push(double x);

 private:
  struct Slot {
    uint64_t index;
    double value;
  };
  size_t cap_;
  std::vector<Slot> ring_;  // the deque, oldest at head_
  size_t head_ = 0, size_ = 0;
  uint64_t seen_ = 0;
};

// close / close `period` bars earlier - 1, from a ring of the last `period` closes.
class RateOfChange {
 public:
  explicit RateOfChange(int32_t period) : ring_(period > 0 ? period : 1, 0.0) {}
  double push(double close);

 private:
  std::vector<double> ring_;
  size_t pos_ = 0;
  uint64_t seen_ = 0;
};

// What the strategy reads for one bar.
struct BreakoutSnapshot {
  double close = kNoValue;
  double atr14 = kNoValue;
  double highest_close_20d = kNoValue, highest_close_55d = kNoValue;
  double roc60 = kNoValue;
  double sma_trend = kNoValue;  // sma(trend_period)
};

// All of the above for one stream.
class BreakoutIndicators {
 public:
  explicit BreakoutIndicators(int32_t trend_period = 50)
      : hh20_(20), hh55_(55), roc60_(60), sma_(trend_period) {}
  BreakoutSnapshot push(double high, double low, double close);
  // Bars needed before every value is defined: max(trend_period, 61)
  // (roc60 needs the close 60 bars back, i.e. 61 bars; hh55 56; atr14 15).
  static size_t min_history(int32_t trend_period);

 private:
  WilderAtr atr_;
  HighestPrior hh20_, hh55_;
  RateOfChange roc60_;
  RollingMean sma_;
};

// Streams a whole series through fresh indicators: one snapshot per bar.
std::vector<BreakoutSnapshot> run_breakout_indicators(const BarSeries& bars, int32_t trend_period);

}  // namespace tn
