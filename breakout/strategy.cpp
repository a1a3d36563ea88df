#include "breakout/strategy.hpp"

#include <algorithm>
#include <cmath>

namespace tn {

const char* breakout_type_name(BreakoutType t) {
  return t == BreakoutType::breakout_55d ? "breakout_55d" : "breakout_20d";
}

const char* no_signal_name(NoSignal r) {
  switch (r) {
    case NoSignal::none: return "signal";
    case NoSignal::not_ready: return "not enough history";
    case NoSignal::bad_price: return "price is zero, negative or not a number";
    case NoSignal::zero_atr: return "ATR is zero";
    case NoSignal::below_trend: return "close not above its trend SMA";
    case NoSignal::no_momentum: return "60-day rate of change not positive";
    case NoSignal::no_breakout: return "no close above the 20- or 55-day high";
  }
  return "?";
}

double breakout_score(double close, double broken_high, double atr14) {
  if (!(atr14 > 0) || !std::isfinite(atr14)) return 0;
  return std::clamp(kMaxScore * (close - broken_high) / atr14, 0.0, kMaxScore);
}

double momentum_score(double roc60) {
  if (!(roc60 > 0)) return 0;
  return std::min(50.0 * roc60, kMaxScore);
}

std::optional<BreakoutSignal> evaluate_breakout(const BreakoutSnapshot& s, NoSignal* why) {
  auto no = [&](NoSignal r) -> std::optional<BreakoutSignal> {
    if (why) *why = r;
    return std::nullopt;
  };
  if (!std::isfinite(s.close) || s.close <= 0) return no(NoSignal::bad_price);
  // NaN compares false everywhere: check readiness explicitly.
  if (std::isnan(s.atr14) || std::isnan(s.highest_close_20d) || std::isnan(s.highest_close_55d) ||
      std::isnan(s.roc60) || std::isnan(s.sma_trend))
    return no(NoSignal::not_ready);
  if (!std::isfinite(s.atr14) || s.atr14 <= 0) return no(NoSignal::zero_atr);
  if (!(s.close > s.sma_trend)) return no(NoSignal::below_trend);
  if (!(s.roc60 > 0) || !std::isfinite(s.roc60)) return no(NoSignal::no_momentum);
  BreakoutSignal sig;
  if (s.close > s.highest_close_55d) {
    sig.type = BreakoutType::breakout_55d;
    sig.broken_high = s.highest_close_55d;
  } else if (s.close > s.highest_close_20d) {
    sig.type = BreakoutType::breakout_20d;
    sig.broken_high = s.highest_close_20d;
  } else {
    return no(NoSignal::no_breakout);
  }
  sig.at = s;
  sig.breakout_score = breakout_score(s.close, sig.broken_high, s.atr14);
  sig.momentum_score = momentum_score(s.roc60);
  sig.combined_score = kBreakoutWeight * sig.breakout_score + kMomentumWeight * sig.momentum_score;
  if (why) *why = NoSignal::none;
  return sig;
}

}  // namespace tn
