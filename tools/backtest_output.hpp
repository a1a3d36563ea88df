#pragma once
// The files a backtest writes into its --out folder. Same RunResult, same
// bytes: numbers are printed in their shortest exact form, money as fixed
// 8-decimal strings, nothing depends on the clock except the two timing
// fields of summary.json (seconds, bars_per_sec).
#include <string>

#include "common/error.hpp"
#include "messages/events.hpp"
#include "messages/internal.hpp"

namespace tn {

// trades.csv, signals.csv, equity.csv, summary.json.
Status write_backtest_files(const std::string& dir, const std::string& account,
                            const RunResult& r, const BacktestSummary& summary);

// report.html: the same run as one self-contained page (inline SVG charts).
Status write_backtest_report(const std::string& dir, const std::string& config_path,
                             const RunResult& r, const BacktestSummary& summary);

BacktestSummary summarize(const RunResult& r, double seconds);

}  // namespace tn
