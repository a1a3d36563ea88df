#pragma once
// The daily job of one asset class: over a universe of daily series (the
// last 252 bars of each), the breakout recommendations of the day, notes for
// symbols that could not take part, and a market summary. Pure: same input,
// same output (ids, order, text), so a rerun of a day stores nothing new.
//
// Per symbol, the bar of the day is its last bar opening on `day` (bars
// after it are ignored, so a backtest can ask for any past day). A symbol
// without such a bar (stale data), with fewer bars than the longest window
// (max(trend_period, 61)), or with a bad bar in its window (price <= 0 or
// not finite, high < low) gets a note and no signal; the run goes on.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "breakout/recommendations.hpp"
#include "market/bar_source.hpp"
#include "config/breakout_config.hpp"
#include "messages/events.hpp"

namespace tn {

inline constexpr size_t kDailyHistoryBars = 252;
inline constexpr size_t kMarketMovers = 3;  // gainers and losers in the summary

// One symbol's daily bars (not owned: the cache or the caller keeps them).
struct UniverseSeries {
  std::string symbol;
  const BarSeries* bars = nullptr;
};

struct DailyJobResult {
  std::string date;                             // YYYY-MM-DD of the job
  std::vector<BreakoutCandidate> signals;       // every signal, universe order
  std::vector<Recommendation> recommendations;  // ranked and filtered
  MarketSummaryEvent summary;                   // notes are in summary.notes
};

// Runs the job for UTC day `day` (days since 1970-01-01; nullopt: the
// latest day any series has a bar for). The universe is params.universe
// when it is not empty (series missing for a listed symbol: a note), else
// every series given. The benchmark (params.benchmark) is looked up among
// all series, in the universe or not.
DailyJobResult run_daily_job(const std::vector<UniverseSeries>& series, const BreakoutParams& params,
                             std::optional<int64_t> day, int64_t generated_at_ms);

}  // namespace tn
