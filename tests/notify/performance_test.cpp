#define BOOST_TEST_MODULE notify_performance
// The figures of the backtest reports on small curves and trade lists whose
// answers are worked out by hand in the comments.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "notify/performance.hpp"

using namespace tn;
using namespace tn::notify;
namespace tt = boost::test_tools;

namespace {

constexpr int64_t kYearMs = static_cast<int64_t>(365.25 * kDayMs);

// One point per day from day 0.
std::vector<ChartPoint> daily(const std::vector<double>& values) {
  std::vector<ChartPoint> out;
  for (size_t i = 0; i < values.size(); ++i) out.push_back({static_cast<int64_t>(i) * kDayMs, values[i]});
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(cagr_compounds_over_years_of_365_25_days) {
  // 10000 -> 12100 in two years: 1.1 x 1.1, 10% a year.
  BOOST_TEST(cagr(10000, 12100, 0, 2 * kYearMs) == 0.10, tt::tolerance(1e-12));
  // 10000 -> 8100 in two years: 0.9 x 0.9, -10% a year.
  BOOST_TEST(cagr(10000, 8100, 0, 2 * kYearMs) == -0.10, tt::tolerance(1e-12));
  // Half a year at +21% is (1.21)^2 - 1 = 46.41% a year.
  BOOST_TEST(cagr(100, 121, 0, kYearMs / 2) == 0.4641, tt::tolerance(1e-9));
  BOOST_TEST(cagr(100, 0, 0, kYearMs) == -1.0);  // everything lost
  BOOST_TEST(std::isnan(cagr(100, 110, 0, kDayMs - 1)));  // under a day: not a rate
  BOOST_TEST(std::isnan(cagr(0, 110, 0, kYearMs)));
}

BOOST_AUTO_TEST_CASE(sharpe_uses_daily_returns_annualised_by_sqrt_365) {
  // Returns +10%, -10%, +10%: mean 1/30, sample variance
  // ((2/30)^2 + (4/30)^2 + (2/30)^2) / 2 = 0.04/3, so the daily ratio is
  // (1/30) / sqrt(0.04/3) = 0.288675 and annualised x sqrt(365) = 5.51513.
  BOOST_TEST(sharpe_daily(daily({100, 110, 99, 108.9})) == 5.51513, tt::tolerance(1e-5));
  // Day 2 has no point: it repeats day 1 (a 0 return). Returns 0.1, 0, 0.1:
  // mean 0.2/3, variance (0.02 - 3 (0.2/3)^2) / 2 = 0.01/3, daily ratio
  // 1.154701, annualised 22.0605.
  const std::vector<ChartPoint> gap = {{0, 100}, {kDayMs, 110}, {3 * kDayMs, 121}};
  BOOST_TEST(sharpe_daily(gap) == 22.0605, tt::tolerance(1e-5));
  // Several points in one day: the day's last one counts (90, not 100).
  const std::vector<ChartPoint> intraday = {{0, 100}, {kDayMs - 1, 90}, {kDayMs, 99}, {2 * kDayMs, 89.1},
                                            {3 * kDayMs, 98.01}};
  BOOST_TEST(sharpe_daily(intraday) == 5.51513, tt::tolerance(1e-5));
  BOOST_TEST(std::isnan(sharpe_daily(daily({100, 100, 100}))));  // no risk: no ratio
  BOOST_TEST(std::isnan(sharpe_daily(daily({100, 110}))));       // one return
  BOOST_TEST(std::isnan(sharpe_daily({})));
}

BOOST_AUTO_TEST_CASE(max_drawdown_has_its_peak_and_trough_dates) {
  // 120 -> 90 is 25% (days 1 to 2); 130 -> 104 is only 20%.
  const Drawdown d = max_drawdown(daily({100, 120, 90, 130, 104}), 100);
  BOOST_TEST(d.fraction == 0.25, tt::tolerance(1e-12));
  BOOST_TEST(d.peak_ms == 1 * kDayMs);
  BOOST_TEST(d.trough_ms == 2 * kDayMs);
  // The peak starts at the capital: a first point under it is already a fall.
  const Drawdown from_start = max_drawdown(daily({95, 98, 80}), 100);
  BOOST_TEST(from_start.fraction == 0.20, tt::tolerance(1e-12));
  BOOST_TEST(from_start.peak_ms == 0);
  BOOST_TEST(from_start.trough_ms == 2 * kDayMs);
  // The same high twice: the peak is the later one, where the fall starts.
  const Drawdown twice = max_drawdown(daily({120, 100, 120, 60}));
  BOOST_TEST(twice.fraction == 0.5, tt::tolerance(1e-12));
  BOOST_TEST(twice.peak_ms == 2 * kDayMs);
  BOOST_TEST(twice.trough_ms == 3 * kDayMs);
  const Drawdown never = max_drawdown(daily({100, 101, 102}), 100);
  BOOST_TEST(never.fraction == 0.0);
  BOOST_TEST(never.peak_ms == never.trough_ms);
  // The series: value / running peak - 1.
  const auto dd = drawdown_series({{0, 100}, {1, 50}, {2, 150}, {3, 75}, {4, std::nan("")}});
  BOOST_REQUIRE_EQUAL(dd.size(), 4u);
  BOOST_TEST(dd[1].value == -0.5, tt::tolerance(1e-12));
  BOOST_TEST(dd[2].value == 0.0);
  BOOST_TEST(dd[3].value == -0.5, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(win_rate_and_profit_factor_at_their_edges) {
  // +30, -10, -5: one win of three, 30 / 15 = 2.
  const TradeStats s = trade_stats({{"A", 1, 30}, {"A", 2, -10}, {"B", 3, -5}});
  BOOST_TEST(s.trades == 3u);
  BOOST_TEST(s.wins == 1u);
  BOOST_TEST(s.losses == 2u);
  BOOST_TEST(s.win_rate == 1.0 / 3, tt::tolerance(1e-12));
  BOOST_TEST(s.profit_factor == 2.0, tt::tolerance(1e-12));
  BOOST_TEST(s.gross_loss == 15.0, tt::tolerance(1e-12));
  // No losing trade: profit factor is infinite; a trade at exactly 0 is not a win.
  const TradeStats no_loss = trade_stats({{"A", 1, 5}, {"A", 2, 10}, {"A", 3, 0}});
  BOOST_TEST(std::isinf(no_loss.profit_factor));
  BOOST_TEST(no_loss.profit_factor > 0);
  BOOST_TEST(no_loss.win_rate == 2.0 / 3, tt::tolerance(1e-12));
  // No trade: neither is defined.
  const TradeStats none = trade_stats({});
  BOOST_TEST(none.trades == 0u);
  BOOST_TEST(std::isnan(none.win_rate));
  BOOST_TEST(std::isnan(none.profit_factor));
}

BOOST_AUTO_TEST_CASE(per_symbol_results_add_closed_and_open_pnl) {
  const auto r = symbol_results({{"A", 1, 5}, {"B", 2, -3}, {"A", 3, -1}}, {{"A", 100, 110}, {"C", 50, 40}});
  BOOST_REQUIRE_EQUAL(r.size(), 3u);
  BOOST_TEST(r[0].symbol == "A");
  BOOST_TEST(r[0].trades == 2u);
  BOOST_TEST(r[0].wins == 1u);
  BOOST_TEST(r[0].realized == 4.0);
  BOOST_TEST(r[0].pnl() == 14.0);  // 4 realized + (110 - 100) held
  BOOST_TEST(r[1].pnl() == -3.0);
  BOOST_TEST(r[2].symbol == "C");  // only held, never closed
  BOOST_TEST(r[2].trades == 0u);
  BOOST_TEST(r[2].pnl() == -10.0);
}

BOOST_AUTO_TEST_CASE(buy_and_hold_splits_the_capital_and_pays_the_fee) {
  // 1000 over A and B, fee 1%: 500 each buys 500 / 1.01 of value.
  // A at 10 from time 0: 49.50495 units. B's first price comes at time 1
  // (50): its 500 is cash until then, then 9.90099 units.
  const std::vector<PriceSeries> s = {{"A", {{2, 20}, {0, 10}}},  // any order
                                      {"B", {{1, 50}, {2, 25}}},
                                      {"C", {}}};                 // no price: not held
  const auto v = buy_and_hold(s, 1000, 0.01, {0, 1, 2});
  BOOST_REQUIRE_EQUAL(v.size(), 3u);
  BOOST_TEST(v[0].value == 500 / 1.01 + 500, tt::tolerance(1e-12));           // 995.0495
  BOOST_TEST(v[1].value == 2 * 500 / 1.01, tt::tolerance(1e-12));             // 990.0990
  BOOST_TEST(v[2].value == 500 / 1.01 * 2 + 500 / 1.01 / 2, tt::tolerance(1e-12));  // 1237.6238
  // Bought at the last price at or before the start, not the first one.
  const auto late = buy_and_hold({{"A", {{0, 10}, {5, 20}, {10, 40}}}}, 100, 0, {6, 10});
  BOOST_TEST(late[0].value == 100.0, tt::tolerance(1e-12));
  BOOST_TEST(late[1].value == 200.0, tt::tolerance(1e-12));
  // Nothing to hold: the capital stays cash.
  const auto cash = buy_and_hold({}, 100, 0, {0, 1});
  BOOST_TEST(cash[1].value == 100.0);
  BOOST_TEST(buy_and_hold(s, 1000, 0, {}).empty());
}

BOOST_AUTO_TEST_CASE(fills_become_round_trips_at_average_cost) {
  auto fill = [](const std::string& side, Amount qty, Amount value, Amount fee, int64_t t) {
    OrderResult o;
    o.filled = true;
    o.request.symbol = "BTCUSDT";
    o.request.side = side;
    o.request.decided_at_ms = t;
    o.quantity = qty, o.value = value, o.fee = fee;
    return o;
  };
  const Amount one = kAmountScale;
  OrderResult rejected = fill(kSell, one, 999 * one, 0, 4);
  rejected.filled = false;
  // Two buys: 2 units for 100 + 1 fee + 200 = 301. Selling 1 unit for 180
  // less 2 fee takes half the cost (150.5): 178 - 150.5 = 27.5.
  const auto t = trades_of_fills({fill(kBuy, one, 100 * one, one, 1), fill(kBuy, one, 200 * one, 0, 2),
                                  fill(kSell, one, 180 * one, 2 * one, 3), rejected},
                                 {{"BTCUSDT", 160}});
  BOOST_REQUIRE_EQUAL(t.closed.size(), 1u);
  BOOST_TEST(t.closed[0].pnl == 27.5, tt::tolerance(1e-9));
  BOOST_TEST(t.closed[0].exit_time_ms == 3);
  BOOST_REQUIRE_EQUAL(t.open.size(), 1u);
  BOOST_TEST(t.open[0].cost == 150.5, tt::tolerance(1e-9));
  BOOST_TEST(t.open[0].value == 160.0, tt::tolerance(1e-9));  // 1 unit at the last price
}

BOOST_AUTO_TEST_CASE(curve_figures_and_their_json) {
  // 100 -> 121 over two years: +21%, CAGR 10%.
  const std::vector<ChartPoint> eq = {{0, 100}, {kYearMs, 90}, {2 * kYearMs, 121}};
  const Performance p = measure(eq, eq, 100, 0.001, {{"A", 1, 3}}, {});
  BOOST_TEST(p.strategy.total_return == 0.21, tt::tolerance(1e-12));
  BOOST_TEST(p.strategy.cagr == 0.10, tt::tolerance(1e-12));
  BOOST_TEST(p.strategy.max_drawdown.fraction == 0.10, tt::tolerance(1e-12));
  const CurveStats empty = curve_stats({}, 100);
  BOOST_TEST(empty.final_value == 100.0);
  BOOST_TEST(empty.total_return == 0.0);
  BOOST_TEST(std::isnan(empty.cagr));

  nlohmann::ordered_json j;
  j["trades"] = 7;
  j["max_drawdown"] = 0;  // an existing key keeps its place and gets the figure
  add_performance_json(j, p);
  BOOST_TEST(j.begin().key() == "trades");
  BOOST_TEST(std::next(j.begin()).key() == "max_drawdown");
  BOOST_TEST(double(j["max_drawdown"]) == 0.10, tt::tolerance(1e-12));
  BOOST_TEST(double(j["cagr"]) == 0.10, tt::tolerance(1e-12));
  BOOST_TEST(j["max_drawdown_trough_ms"] == kYearMs);
  BOOST_TEST(j["profit_factor"].is_null());  // infinite: no losing trade
  BOOST_TEST(double(j["win_rate"]) == 1.0);
  BOOST_TEST(j["buy_and_hold"]["final_value"] == 121.0);
  BOOST_TEST(j["symbols"][0]["pnl"] == 3.0);
  BOOST_TEST(j["fee_rate"] == 0.001);
  // Undefined figures are null, never NaN (which JSON cannot hold).
  nlohmann::ordered_json k;
  add_performance_json(k, measure({}, {}, 100, 0, {}, {}));
  BOOST_TEST(k["win_rate"].is_null());
  BOOST_TEST(k["sharpe"].is_null());
  BOOST_TEST(nlohmann::json::parse(k.dump()).is_object());
}
