#include "actors/portfolio/portfolio_views.hpp"

#include <map>

#include "common/civil_date.hpp"

namespace tn {

std::string utc_date(int64_t t_ms) { return format_civil_date(civil_from_days(days_from_ms(t_ms))); }

namespace {
// Watchlist symbols are the base asset followed by the quote currency.
std::string asset_of(const std::string& symbol, const std::string& quote) {
  return symbol.size() > quote.size() ? symbol.substr(0, symbol.size() - quote.size()) : symbol;
}
}  // namespace

PositionsBody positions_body(const PortfolioCore& core, const std::string& quote) {
  PositionsBody b;
  b.quote = quote;
  for (const auto& [symbol, p] : core.positions()) {
    if (p.quantity <= 0) continue;
    PositionEntry e;
    e.symbol = symbol;
    e.asset = asset_of(symbol, quote);
    e.quantity = format_amount(p.quantity);
    e.price = p.last_price;
    const Amount value = value_at(p.quantity, p.last_price);
    e.value = format_amount(value);
    e.cost = format_amount(p.cost);
    e.unrealized_pnl = format_amount(value - p.cost);
    b.positions.push_back(std::move(e));
  }
  return b;
}

ProfitBody profit_body(const PortfolioCore& core, const std::string& quote) {
  ProfitBody b;
  b.quote = quote;
  Amount realized = 0, unrealized = 0;
  for (const auto& [symbol, p] : core.positions()) {
    const Amount u = p.quantity > 0 ? value_at(p.quantity, p.last_price) - p.cost : 0;
    realized += p.realized;
    unrealized += u;
    b.symbols.push_back({symbol, format_amount(p.realized), format_amount(u), format_amount(p.realized + u)});
  }
  b.realized_total = format_amount(realized);
  b.unrealized_total = format_amount(unrealized);
  b.total = format_amount(realized + unrealized);
  return b;
}

BalanceBody balance_body(const PortfolioCore& core, const std::string& quote) {
  BalanceBody b;
  b.quote = quote;
  const Amount free = core.quote_balance();
  b.assets.push_back({quote, format_amount(free), format_amount(0), 1.0, format_amount(free)});
  std::map<std::string, AssetBalance> held;  // by asset name
  Amount in_positions = 0;
  for (const auto& [symbol, p] : core.positions()) {
    if (p.quantity <= 0) continue;
    const Amount value = value_at(p.quantity, p.last_price);
    in_positions += value;
    const std::string asset = asset_of(symbol, quote);
    held[asset] = {asset, format_amount(0), format_amount(p.quantity), p.last_price, format_amount(value)};
  }
  for (auto& [asset, e] : held) b.assets.push_back(std::move(e));
  b.free_quote = format_amount(free);
  b.positions_value = format_amount(in_positions);
  b.total_value = format_amount(free + in_positions);
  return b;
}

DailyBody daily_body(const PortfolioCore& core, const std::string& quote, uint32_t days,
                     int64_t now_ms) {
  DailyBody b;
  b.quote = quote;
  // Value at each UTC midnight: the end of the day before it.
  std::map<int64_t, Amount> end_of;  // day number -> value at its end
  for (const EquityPoint& p : core.equity())
    if (p.time_ms % kDayMs == 0) end_of[days_from_ms(p.time_ms) - 1] = p.value;
  const int64_t today = days_from_ms(now_ms);
  end_of[today] = core.total_value();  // the running day: value now
  for (int64_t d = today - static_cast<int64_t>(days) + 1; d <= today; ++d) {
    auto it = end_of.find(d);
    if (it == end_of.end()) continue;
    auto prev = end_of.find(d - 1);
    if (prev == end_of.end()) continue;  // no start value: the curve begins here
    b.days.push_back({utc_date(d * kDayMs), format_amount(it->second - prev->second),
                      format_amount(it->second)});
  }
  return b;
}

}  // namespace tn
