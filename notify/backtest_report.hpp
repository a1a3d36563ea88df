#pragma once
// The backtest report (report.html) of either strategy: what a trader reads
// first (return, risk and trade figures beside buy-and-hold of the same
// symbols), the equity and drawdown charts, the result per symbol and the
// last trades. One self-contained page (inline SVG, one style sheet),
// readable offline; its size does not grow with the number of trades.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "notify/performance.hpp"

namespace tn::notify {

// The most trade rows a report shows; the rest are in the trades file.
inline constexpr size_t kReportTradeRows = 200;

struct ReportTable {
  std::vector<std::string> header;
  std::vector<bool> numeric;  // per column: right-aligned
  std::vector<std::vector<std::string>> rows;
};

struct BacktestReport {
  std::string title;     // "Backtest report: backtest.toml"
  std::string strategy;  // "MA distance", "Breakout (crypto)"
  std::string quote = "USDT";
  std::vector<std::string> symbols;  // bought and held
  Performance performance;
  std::vector<ChartPoint> equity, buy_and_hold;
  std::vector<std::pair<std::string, std::string>> details;  // the strategy's own counts
  ReportTable trades;       // at most kReportTradeRows: the last ones, oldest first
  size_t total_trades = 0;  // rows of trades_file
  std::string trade_word = "trades";  // what a row is: "fills", "trades"
  std::string trades_file = "trades.csv";
};

// Every text is escaped. Undefined figures read "n/a".
std::string backtest_report_html(const BacktestReport& report);

// The last `limit` of `count` rows, as [first, count).
inline size_t first_shown_row(size_t count, size_t limit = kReportTradeRows) {
  return count > limit ? count - limit : 0;
}

}  // namespace tn::notify
