#define BOOST_TEST_MODULE breakout_backtest
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "breakout/backtest.hpp"
#include "breakout_test_util.hpp"
#include "../support/temp_dir.hpp"

using namespace tn;
using tn::test::real_series;
using tn::test::rising;
using tn::test::series_of;

BOOST_AUTO_TEST_CASE(one_trade_by_hand) {
  // 60 bars wobbling 100/101 (roc60 not defined yet), 39 bars at 98 (below
  // their SMA50: not eligible), then a close of 110: the one breakout, on
  // bar 99. Filled at bar 100's open, target reached on bar 101.
  std::vector<double> closes;
  for (int i = 0; i < 60; ++i) closes.push_back(i % 2 ? 101 : 100);
  for (int i = 60; i < 99; ++i) closes.push_back(98);
  closes.push_back(110);
  BarSeries s = series_of(closes, 19000, 0.5);
  BreakoutIndicators ind(50);
  BreakoutSnapshot last;
  for (size_t i = 0; i < s.size(); ++i) last = ind.push(s.high[i], s.low[i], s.close[i]);
  BOOST_REQUIRE(evaluate_breakout(last).has_value());
  const double dist = 3.0 * last.atr14;  // crypto k
  // Day 100: opens at 200 (the fill), stays inside; day 101 reaches the target.
  auto add = [&](double o, double h, double l, double c) {
    s.open_time_ms.push_back(s.open_time_ms.back() + kDayMs);
    s.open.push_back(o), s.high.push_back(h), s.low.push_back(l), s.close.push_back(c);
    s.volume.push_back(1);
  };
  add(200, 200.5, 199.5, 200);  // far above 110: a gap, yet the fill is the open
  add(200, 200 + 2 * dist + 1, 199.5, 201);
  BreakoutParams p = BreakoutParams::crypto_defaults();
  p.min_conviction = Conviction::low;
  const auto r = run_breakout_backtest({{"UP", &s}}, p, 10000);
  BOOST_REQUIRE_GE(r.trades.size(), 1u);  // more would fail below
  const BreakoutTrade& t = r.trades[0];
  BOOST_TEST(t.entry == 200.0);
  BOOST_TEST(t.entry_time_ms == s.open_time_ms[100]);
  BOOST_TEST(t.stop == 200 - dist, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(t.outcome == "target");
  BOOST_TEST(t.exit_time_ms == s.open_time_ms[101]);
  BOOST_TEST(t.r_multiple == 2.0, boost::test_tools::tolerance(1e-9));
  const double size = std::min(0.0075 / (dist / 200), 0.15);
  BOOST_TEST(t.quantity == size * 10000 / 200, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(t.pnl == t.quantity * 2 * dist, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(r.trades.size() == 1u);
  const notify::Performance& perf = r.performance;
  BOOST_TEST(perf.trades.wins == 1u);
  BOOST_TEST(perf.trades.win_rate == 1.0);
  BOOST_TEST(std::isinf(perf.trades.profit_factor));
  // One symbol: its P&L is the trade's, and buy-and-hold holds it from day one.
  BOOST_REQUIRE_EQUAL(perf.symbols.size(), 1u);
  BOOST_TEST(perf.symbols[0].realized == t.pnl, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(perf.strategy.final_value == 10000 + t.pnl, boost::test_tools::tolerance(1e-9));
  BOOST_REQUIRE_EQUAL(r.buy_and_hold.size(), r.equity.size());
  BOOST_TEST(r.buy_and_hold.back().value == 10000 / s.close[0] * s.close.back(), boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(real_crypto_backtest_is_deterministic_and_consistent) {
  const BarSeries btc = real_series("binance/BTCUSDT-1d.csv"), eth = real_series("binance/ETHUSDT-1d.csv"),
                  sol = real_series("binance/SOLUSDT-1d.csv");
  const std::vector<UniverseSeries> u = {{"BTCUSDT", &btc}, {"ETHUSDT", &eth}, {"SOLUSDT", &sol}};
  const BreakoutParams p = BreakoutParams::crypto_defaults();
  const auto a = run_breakout_backtest(u, p, 10000);
  const auto b = run_breakout_backtest(u, p, 10000);
  const auto& s = a.summary;
  const notify::TradeStats& ts = a.performance.trades;
  const notify::CurveStats& cs = a.performance.strategy;
  BOOST_TEST_MESSAGE("trades " << ts.trades << " win rate " << ts.win_rate << " avg R " << s.average_r
                               << " PF " << ts.profit_factor << " maxDD " << cs.max_drawdown.fraction
                               << " final " << cs.final_value);
  BOOST_TEST(ts.trades > 5u);
  BOOST_TEST(ts.trades == a.trades.size());
  BOOST_TEST(ts.trades == b.performance.trades.trades);
  BOOST_TEST(cs.final_value == b.performance.strategy.final_value);
  BOOST_TEST(ts.wins + ts.losses == ts.trades);
  BOOST_TEST(s.days == 1881u);
  double sum_r = 0, gw = 0, gl = 0;
  for (const BreakoutTrade& t : a.trades) {
    BOOST_TEST(t.entry_time_ms < t.exit_time_ms + 1);
    BOOST_TEST(t.stop < t.entry);
    BOOST_TEST(t.target > t.entry);
    // Exits at the levels are exactly -1 R / +2 R; gaps only worse / better.
    if (t.outcome == "stop") BOOST_TEST(t.r_multiple <= -1.0 + 1e-9);
    if (t.outcome == "target") BOOST_TEST(t.r_multiple >= 2.0 - 1e-9);
    sum_r += t.r_multiple;
    (t.pnl > 0 ? gw : gl) += std::abs(t.pnl);
  }
  BOOST_TEST(s.average_r == sum_r / static_cast<double>(ts.trades), boost::test_tools::tolerance(1e-9));
  BOOST_TEST(ts.profit_factor == gw / gl, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(cs.max_drawdown.fraction >= 0.0);
  BOOST_TEST(cs.max_drawdown.fraction < 1.0);
  // Per symbol, closed trades and what is still held add up to the run's result.
  double pnl = 0;
  for (const notify::SymbolResult& r : a.performance.symbols) pnl += r.pnl();
  BOOST_TEST(pnl == cs.final_value - 10000, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(a.held_symbols.size() == 3u);

  test::TempDir dir;
  BOOST_REQUIRE(write_breakout_backtest(a, dir.path()).ok());
  const std::string summary = test::read_file(dir.file("breakout_summary.json"));
  BOOST_TEST(summary.find("\"trades\": " + std::to_string(ts.trades)) != std::string::npos, summary);
  BOOST_TEST(summary.find("\"buy_and_hold\": {") != std::string::npos, summary);
  const std::string trades = test::read_file(dir.file("breakout_trades.csv"));
  BOOST_TEST(static_cast<size_t>(std::count(trades.begin(), trades.end(), '\n')) == ts.trades + 1);
  BOOST_TEST(!write_breakout_backtest(a, "/proc/no/such/dir").ok());
}

BOOST_AUTO_TEST_CASE(no_data_no_trades) {
  const auto r = run_breakout_backtest({}, BreakoutParams::equity_defaults(), 10000);
  BOOST_TEST(r.trades.empty());
  BOOST_TEST(r.performance.strategy.final_value == 10000.0);
  // Without trades, win rate and profit factor are undefined, not 0.
  BOOST_TEST(std::isnan(r.performance.trades.win_rate));
  BOOST_TEST(std::isnan(r.performance.trades.profit_factor));
}
