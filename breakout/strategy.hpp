#pragma once
// The breakout + momentum rule, on one bar's indicator snapshot:
//  - eligible when close > sma(trend_period) and roc60 > 0;
//  - trigger breakout_55d when close > highest_close_55d, else breakout_20d
//    when close > highest_close_20d (one BUY per symbol per bar);
//  - scores 0..10: breakout = min(10 * (close - broken high) / atr14, 10),
//    momentum = min(50 * roc60, 10) (roc60 > 0 here), combined =
//    0.6 * breakout + 0.4 * momentum.
// A snapshot with an undefined value (window not full), a close <= 0 or an
// ATR <= 0 gives no signal: nothing downstream divides by zero.
#include <optional>
#include <string>

#include "breakout/indicators.hpp"

namespace tn {

enum class BreakoutType : uint8_t { breakout_20d, breakout_55d };
const char* breakout_type_name(BreakoutType t);  // "breakout_20d", "breakout_55d"

inline constexpr double kBreakoutWeight = 0.6, kMomentumWeight = 0.4;
inline constexpr double kMaxScore = 10.0;

struct BreakoutSignal {
  BreakoutType type = BreakoutType::breakout_20d;
  BreakoutSnapshot at;       // the indicators that drove it
  double broken_high = 0;    // highest_close_55d or _20d
  double breakout_score = 0;  // the technical score, 0..10
  double momentum_score = 0;  // 0..10
  double combined_score = 0;  // 0..10
};

// Why a snapshot gave no signal (for notes and tests); none when it did.
enum class NoSignal : uint8_t { none, not_ready, bad_price, zero_atr, below_trend, no_momentum,
                                no_breakout };
const char* no_signal_name(NoSignal r);

// The signal of this bar, or nullopt with *why set (when why != nullptr).
std::optional<BreakoutSignal> evaluate_breakout(const BreakoutSnapshot& s, NoSignal* why = nullptr);

// The score parts on their own (tested at their edges).
double breakout_score(double close, double broken_high, double atr14);
double momentum_score(double roc60);

}  // namespace tn
