#pragma once
// A backtest of the breakout recommendations as paper positions: every day
// of the data, the daily job runs exactly as the live node runs it (the
// same run_daily_job, over the 252 bars up to that day), and each
// recommendation becomes a position of its symbol
//  - filled at the symbol's next bar's open (a symbol already held or with
//    a fill pending is skipped: one position per symbol);
//  - with stop and target at the recommendation's distances from the fill
//    (stop = fill - k * atr14, target = fill + 2 * k * atr14), so 1 R is
//    the same risk as recommended;
//  - sized position_size_pct of the equity at the previous close, at most
//    the cash left (no leverage);
//  - closed at the stop or the target by the tracker's rule (a bar reaching
//    both: stop first). Positions still open at the end are marked at the
//    last close and not counted as trades.
// Returns, risk and trade figures (win rate, profit factor, drawdown, buy-
// and-hold of the universe) are notify/performance.hpp's, as for the
// MA-distance backtest. No fees.
#include <cstdint>
#include <string>
#include <vector>

#include "breakout/daily_job.hpp"
#include "notify/performance.hpp"

namespace tn {

struct BreakoutTrade {
  std::string id, symbol, signal_type, conviction;
  std::string outcome;  // stop | target
  int64_t entry_time_ms = 0, exit_time_ms = 0;  // bar open times
  double entry = 0, stop = 0, target = 0, exit = 0;
  double quantity = 0, r_multiple = 0, pnl = 0, equity_after = 0;
};

// The breakout backtest's own counts (the figures are in Performance).
struct BreakoutBacktestSummary {
  uint64_t days = 0, signals = 0, recommendations = 0;
  uint64_t skipped = 0;     // recommendations not taken (symbol held, no cash, gap past the levels)
  uint64_t open_at_end = 0;
  double average_r = 0;      // mean R multiple of closed trades
};

struct BreakoutBacktestResult {
  std::vector<BreakoutTrade> trades;
  std::vector<notify::ChartPoint> equity;        // (day start, equity at its closes)
  std::vector<notify::ChartPoint> buy_and_hold;  // the same days, the universe bought and held
  std::vector<std::string> held_symbols;          // the universe: what buy-and-hold holds
  BreakoutBacktestSummary summary;
  notify::Performance performance;
};

BreakoutBacktestResult run_breakout_backtest(const std::vector<UniverseSeries>& series,
                                             const BreakoutParams& params,
                                             double starting_equity = 10000.0);

// Writes OUT/breakout_trades.csv, OUT/breakout_equity.csv and
// OUT/breakout_summary.json: the summary's counts, then the performance
// figures (notify::add_performance_json; null where undefined or infinite).
Status write_breakout_backtest(const BreakoutBacktestResult& r, const std::string& out_dir);

}  // namespace tn
