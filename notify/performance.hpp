#pragma once
// How a backtest did: returns, risk and trade statistics from its equity
// curve and its closed trades, with buy-and-hold of the same symbols beside
// it. The numbers of both strategies' reports (report.html) and summaries
// (summary.json, breakout_summary.json). Plain arithmetic on doubles: these
// are figures to read and compare, the ledger stays the books.
//
// Conventions (the report states them too):
//  - total return = final value / starting capital - 1;
//  - CAGR over the curve's span in years of 365.25 days;
//  - Sharpe ratio of calendar-day returns (the curve's last value of each
//    UTC day; a day without a point repeats the day before), risk-free rate
//    0, mean / sample standard deviation x sqrt(365);
//  - drawdowns from the running peak, which starts at the starting capital;
//  - a trade wins when its P&L (net of fees) is > 0; every other trade is a
//    loss; profit factor = gross profit / gross loss.
// Undefined figures are NaN (JSON null, "n/a" in the report): CAGR of a
// curve shorter than a day, Sharpe with fewer than two daily returns or no
// variation, win rate without trades, profit factor without trades. Profit
// factor without a losing trade is +infinity (JSON null too).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "messages/orders.hpp"
#include "notify/svg_chart.hpp"  // ChartPoint: a value at a time

namespace tn::notify {

struct Drawdown {
  double fraction = 0;  // (peak - trough) / peak, 0.25 = 25%
  int64_t peak_ms = 0, trough_ms = 0;  // when the curve never fell: both its start
};

// Figures of one equity curve.
struct CurveStats {
  double starting_capital = 0, final_value = 0;
  int64_t start_ms = 0, end_ms = 0;  // the curve's first and last point
  double total_return = 0;
  double cagr = 0;
  double sharpe = 0;
  Drawdown max_drawdown;
};

// One finished trade (a round trip), its P&L net of fees.
struct ClosedTrade {
  std::string symbol;
  int64_t exit_time_ms = 0;
  double pnl = 0;
};

// A position still held at the end, marked at its last price.
struct OpenPosition {
  std::string symbol;
  double cost = 0, value = 0;
};

struct TradeStats {
  uint64_t trades = 0, wins = 0, losses = 0;
  double gross_profit = 0, gross_loss = 0;  // both >= 0
  double win_rate = 0, profit_factor = 0;
};

struct SymbolResult {
  std::string symbol;
  uint64_t trades = 0, wins = 0;
  double realized = 0;  // closed trades' P&L
  double open_pnl = 0;  // position held at the end: marked value - its cost
  double pnl() const { return realized + open_pnl; }
};

// A symbol's prices at times (e.g. closes at close times), any order.
struct PriceSeries {
  std::string symbol;
  std::vector<ChartPoint> prices;
};

struct Performance {
  CurveStats strategy, buy_and_hold;
  TradeStats trades;
  std::vector<SymbolResult> symbols;  // by symbol name
  double fee_rate = 0;                // fraction of trade value, also on buy-and-hold's purchases
};

// ---- the figures, each on its own (unit tested by hand-computed cases)

// value / running peak - 1 (<= 0) at each finite point; the peak starts at
// start_peak (0: at the first point).
std::vector<ChartPoint> drawdown_series(const std::vector<ChartPoint>& curve, double start_peak = 0);
Drawdown max_drawdown(const std::vector<ChartPoint>& curve, double start_peak = 0);
double cagr(double starting_capital, double final_value, int64_t start_ms, int64_t end_ms);
double sharpe_daily(const std::vector<ChartPoint>& curve);
CurveStats curve_stats(const std::vector<ChartPoint>& curve, double starting_capital);
TradeStats trade_stats(const std::vector<ClosedTrade>& trades);
std::vector<SymbolResult> symbol_results(const std::vector<ClosedTrade>& trades,
                                         const std::vector<OpenPosition>& open);

// Equal shares of `capital` per symbol that has prices, each bought at its
// price at times.front() (its last price at or before it, or its first
// price if that comes later: until then the share is cash), paying fee_rate
// on top of the value bought as the paper broker does, then held. Valued
// at each of `times` at each symbol's last price at or before it.
std::vector<ChartPoint> buy_and_hold(const std::vector<PriceSeries>& symbols, double capital,
                                     double fee_rate, const std::vector<int64_t>& times);

// The MA-distance run's fills as round trips: a BUY adds to its symbol's
// position at the value plus fee; a SELL closes a trade with its proceeds
// less fee minus the average cost of what it sold. Positions left at the
// end are marked at last_price (missing: at their cost).
struct FillTrades {
  std::vector<ClosedTrade> closed;
  std::vector<OpenPosition> open;
};
FillTrades trades_of_fills(const std::vector<OrderResult>& orders,
                           const std::map<std::string, double>& last_price);

Performance measure(const std::vector<ChartPoint>& equity,
                    const std::vector<ChartPoint>& buy_and_hold_equity, double starting_capital,
                    double fee_rate, const std::vector<ClosedTrade>& trades,
                    const std::vector<OpenPosition>& open);

// Adds the figures to a summary file's JSON object (NaN and infinity as
// null): starting_capital, final_value, total_return, cagr, sharpe,
// max_drawdown (+ _peak_ms, _trough_ms), period_start_ms, period_end_ms,
// fee_rate, closed_trades, wins, losses, win_rate, profit_factor,
// gross_profit, gross_loss, buy_and_hold {...}, symbols [...]. Existing
// keys of the same name are overwritten with the same figure.
void add_performance_json(nlohmann::ordered_json& j, const Performance& p);

}  // namespace tn::notify
