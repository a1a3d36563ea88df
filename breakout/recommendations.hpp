#pragma once
// From breakout signals to a ranked list of trade recommendations, and the
// tracker that says when an open recommendation reached its stop or target.
// Ranking is a decision across symbols, hence the arbiter.
//
//  entry = close (filled at the next open); stop = entry - k * atr14
//  (k = hard_stop_atr_mult); target = entry + 2 * (entry - stop);
//  size = 0.75% risk: position_size_pct = 0.0075 / ((entry - stop) / entry),
//  at most 0.15 (then the risk is below 0.75%).
//  conviction HIGH when combined >= 8, MEDIUM >= 6, else LOW; keep those at
//  or above min_conviction, best combined score first (ties: symbol A-Z),
//  at most max_recommendations.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "breakout/strategy.hpp"
#include "common/error.hpp"
#include "config/breakout_config.hpp"
#include "messages/events.hpp"

namespace tn {

inline constexpr double kRiskPerTrade = 0.0075;   // of equity, per recommendation
inline constexpr double kMaxPositionPct = 0.15;   // of equity
inline constexpr double kRewardToRisk = 2.0;      // target distance / stop distance
inline constexpr double kHighConviction = 8.0, kMediumConviction = 6.0;
inline constexpr const char* kBreakoutStrategyName = "breakout_momentum";

Conviction conviction_for(double combined_score);

// "2022-10-10:BTCUSDT:breakout_55d": a rerun of the same day gives the same id.
std::string recommendation_id(std::string_view date, std::string_view symbol, BreakoutType type);
// The UTC date of a bar's open time, YYYY-MM-DD.
std::string bar_date(int64_t bar_open_time_ms);

// One signal of one symbol on one bar.
struct BreakoutCandidate {
  std::string symbol;
  int64_t bar_open_time_ms = 0;
  BreakoutSignal signal;
};

// The strategy's working form of a recommendation: full-precision numbers
// that ranking, the tracker and the backtest compute with. What is
// published and stored is RecommendationEvent (messages/events.hpp), made
// only by to_event(); the two differ in kind (doubles and a Conviction here,
// 8-decimal strings and a word there), so neither can stand in for the other
// without changing the backtest's numbers or the wire format.
struct Recommendation {
  std::string id, date, symbol, asset_class, signal_type, reasoning;
  BreakoutType type = BreakoutType::breakout_20d;
  Conviction conviction = Conviction::low;
  double current_price = 0, entry = 0, stop = 0, target = 0;
  double position_size_pct = 0, risk_pct = 0;
  double technical_score = 0, momentum_score = 0, combined_score = 0;
  double atr14 = 0, roc60 = 0;
  int64_t bar_open_time_ms = 0, generated_at_ms = 0;

  RecommendationEvent to_event() const;  // prices as 8-decimal strings
};

// The recommendation for a candidate, or nullopt when its numbers cannot
// make one: price or ATR not positive and finite, or a stop at or below 0.
std::optional<Recommendation> make_recommendation(const BreakoutCandidate& c,
                                                  const BreakoutParams& params,
                                                  int64_t generated_at_ms);

// Filters by min_conviction, sorts best first, keeps max_recommendations.
std::vector<Recommendation> rank_recommendations(std::vector<Recommendation> recs,
                                                 const BreakoutParams& params);

// A price as a decimal string with 8 decimals, rounded to nearest ("19123.45000000").
std::string price_decimal(double price);
// Back from price_decimal (or any decimal); invalid_input when it is not one.
Result<double> parse_price(std::string_view text);

// Open recommendations and their exits. A bar counts only when it opens
// after the recommendation's bar. Order of checks inside one bar (only its
// OHLC are known, not the path): open at or below the stop -> stop at the
// open; open at or above the target -> target at the open; low at or below
// the stop -> stop at the stop; high at or above the target -> target. So
// when one bar reaches both, the stop is assumed first (conservative).
class RecommendationTracker {
 public:
  // Tracks rec; a second open of the same id changes nothing (false).
  bool open(const Recommendation& rec);
  // Same, from a stored record (after a restart).
  Status open(const RecommendationEvent& stored);
  // The exits this bar of `symbol` causes; those recommendations are closed.
  std::vector<RecommendationExitEvent> on_bar(std::string_view symbol, int64_t bar_open_time_ms,
                                              double open, double high, double low);
  size_t open_count() const { return count_; }

 private:
  struct Open {
    std::string id, asset_class;
    double entry, stop, target;
    int64_t bar_open_time_ms;
    uint32_t bars_seen = 0;
  };
  std::unordered_map<std::string, std::vector<Open>> by_symbol_;
  size_t count_ = 0;
};

}  // namespace tn
