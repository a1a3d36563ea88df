#pragma once
// The files a backtest writes into its --out folder. Same RunResult, same
// bytes: numbers are printed in their shortest exact form, money as fixed
// 8-decimal strings, nothing depends on the clock except the two timing
// fields of summary.json (seconds, bars_per_sec).
#include <string>
#include <vector>

#include "common/error.hpp"
#include "config/config.hpp"
#include "messages/events.hpp"
#include "messages/internal.hpp"
#include "notify/backtest_report.hpp"

namespace tn {

// Every file a backtest of either strategy writes into OUT, so that a run
// never leaves a folder holding another run's results: removes them (and
// OUT/ledger.lmdb, unless it is `keep`, a --db-path given by hand). Other
// files in OUT are left alone.
Status clear_backtest_outputs(const std::string& dir, const std::string& keep = "");

// Every watchlist symbol's closes at their close times, all its streams'
// (buy-and-hold's prices), read again from the data files.
Result<std::vector<notify::PriceSeries>> load_closes(const Config& cfg);

// The MA-distance run measured (notify/performance.hpp), with buy-and-hold
// of the symbols of `closes`; open positions at the end are marked at each
// symbol's latest close, as the portfolio marks them.
struct MeasuredRun {
  notify::Performance performance;
  std::vector<notify::ChartPoint> equity, buy_and_hold;
  std::vector<notify::ClosedTrade> closed;  // one per SELL, in fill order
  std::vector<std::string> symbols;
};
MeasuredRun measure_run(const RunResult& r, const std::vector<notify::PriceSeries>& closes,
                        double starting_capital, double fee_rate);

// trades.csv, signals.csv, equity.csv, summary.json.
Status write_backtest_files(const std::string& dir, const std::string& account, const RunResult& r,
                            const BacktestSummary& summary, const MeasuredRun& measured);

// report.html: the same run as one self-contained page.
Status write_backtest_report(const std::string& dir, const std::string& config_path, const Config& cfg,
                             const RunResult& r, const BacktestSummary& summary,
                             const MeasuredRun& measured);

// The counts of the run and its max drawdown (notify::max_drawdown of the
// equity curve, the running peak starting at start_peak: 0 for the first
// point, or the starting capital).
BacktestSummary summarize(const RunResult& r, double seconds, double start_peak = 0);
// The equity curve in plain units.
std::vector<notify::ChartPoint> equity_curve(const RunResult& r);

// Writes text to path (replacing it); errors name the file.
Status write_text_file(const std::string& path, const std::string& text);

// "Backtest report: NAME" for a config file path.
std::string report_title(const std::string& config_path);

}  // namespace tn
