#pragma once
// The daily recommendations report (a notification, email first). Same
// templates and charts as the short messages; self-contained HTML, readable
// offline. The backtest report is notify/backtest_report.hpp.
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

}  // namespace tn::notify
