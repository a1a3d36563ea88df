#include "breakout/indicators.hpp"

#include <algorithm>
#include <cmath>

namespace tn {

double WilderAtr::push(double high, double low, double close) {
  if (!has_prev_) {  // no previous close: no true range yet
    has_prev_ = true;
    prev_close_ = close;
    return atr_;
  }
  const double tr = std::max({high - low, std::abs(high - prev_close_), std::abs(low - prev_close_)});
  prev_close_ = close;
  if (trs_ < period_) {
    sum_ += tr;
    if (++trs_ == period_) atr_ = sum_ / period_;
  } else {
    atr_ = (atr_ * (period_ - 1) + tr) / period_;
  }
  return atr_;
}

HighestPrior::HighestPrior(int32_t period)
    : cap_(period > 0 ? static_cast<size_t>(period) : 1), ring_(cap_ + 1) {}

double HighestPrior::push(double x) {
  // Drop what has left the window: indices < seen_ - cap_.
  while (size_ > 0 && ring_[head_].index + cap_ < seen_) {
    head_ = head_ + 1 == ring_.size() ? 0 : head_ + 1;
    --size_;
  }
  const double out = seen_ >= cap_ && size_ > 0 ? ring_[head_].value : kNoValue;
  // Values not above x can never be the maximum again while x is inside.
  const size_t n = ring_.size();
  auto wrap = [n](size_t i) { return i >= n ? i - n : i; };  // no division per bar
  while (size_ > 0 && !(ring_[wrap(head_ + size_ - 1)].value > x)) --size_;
  ring_[wrap(head_ + size_)] = Slot{seen_, x};
  ++size_;
  ++seen_;
  return out;
}

double RateOfChange::push(double close) {
  const size_t n = ring_.size();
  const double then = ring_[pos_];
  const double out = seen_ >= n ? close / then - 1.0 : kNoValue;
  ring_[pos_] = close;
  pos_ = pos_ + 1 == n ? 0 : pos_ + 1;
  ++seen_;
  return out;
}

BreakoutSnapshot BreakoutIndicators::push(double high, double low, double close) {
  BreakoutSnapshot s;
  s.close = close;
  s.atr14 = atr_.push(high, low, close);
  s.highest_close_20d = hh20_.push(close);
  s.highest_close_55d = hh55_.push(close);
  s.roc60 = roc60_.push(close);
  s.sma_trend = sma_.push(close);
  return s;
}

size_t BreakoutIndicators::min_history(int32_t trend_period) {
  return std::max<size_t>(trend_period > 0 ? static_cast<size_t>(trend_period) : 1, 61);
}

std::vector<BreakoutSnapshot> run_breakout_indicators(const BarSeries& bars, int32_t trend_period) {
  BreakoutIndicators ind(trend_period);
  std::vector<BreakoutSnapshot> out;
  out.reserve(bars.size());
  for (size_t i = 0; i < bars.size(); ++i)
    out.push_back(ind.push(bars.high[i], bars.low[i], bars.close[i]));
  return out;
}

}  // namespace tn
