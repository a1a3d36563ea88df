#pragma once
// What `traderctl positions | profit | daily` show, read off the portfolio
// core (plain functions; the portfolio actor answers with their msgpack).
#include <cstdint>
#include <string>

#include "actors/portfolio/portfolio_core.hpp"
#include "messages/control.hpp"

namespace tn {

// Held positions (quantity > 0), by symbol, valued at the last known price.
PositionsBody positions_body(const PortfolioCore& core, const std::string& quote);
// Realised (sells over average cost) and unrealised P&L per symbol ever
// traded, and totals.
ProfitBody profit_body(const PortfolioCore& core, const std::string& quote);
// Free quote currency and each held asset at its last known price
// (traderctl balance): the quote currency first, then assets by name.
BalanceBody balance_body(const PortfolioCore& core, const std::string& quote);
// P&L per UTC day for the last `days` days up to the day of now_ms, from the
// equity curve (a point at every UTC midnight) and, for the running day, the
// value now. Days before the first point are left out.
DailyBody daily_body(const PortfolioCore& core, const std::string& quote, uint32_t days,
                     int64_t now_ms);

// "YYYY-MM-DD" of a UTC time.
std::string utc_date(int64_t t_ms);

}  // namespace tn
