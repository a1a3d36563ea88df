#pragma once
// The two long documents: the daily recommendations report (a notification,
// email first) and the backtest report (DIR/report.html). Same templates
// and charts as the short messages; self-contained HTML, readable offline.
#include <cstdint>
#include <string>
#include <vector>

#include "notify/daily_report.hpp"
#include "notify/delivery.hpp"
#include "notify/svg_chart.hpp"
#include "messages/events.hpp"

namespace tn::notify {

// Subject "Trading Signals for Dec 30 - 3 Recommendations".
Message daily_report_message(uint64_t id, const DailyReport& report);

struct BacktestTradeRow {
  int64_t time_ms = 0;  // the bar's open time
  std::string symbol, timeframe, side;
  double price = 0;
  std::string quantity, value, usdt_after;  // decimals as in trades.csv
};

std::string backtest_report_html(const BacktestSummary& summary,
                                 const std::vector<BacktestTradeRow>& trades,
                                 const std::vector<ChartPoint>& equity, const std::string& title);

}  // namespace tn::notify
