#define BOOST_TEST_MODULE breakout_indicators
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>

#include "breakout/indicators.hpp"
#include "breakout_test_util.hpp"

using namespace tn;
using tn::test::real_series;

// Expected values for the first 100 daily BTCUSDT bars (data/binance, from
// 2017-08-17), computed independently with a python3 one-off that reads the
// CSV with csv.DictReader and recomputes every value from scratch per bar:
//   tr[i] = max(h[i]-l[i], |h[i]-c[i-1]|, |l[i]-c[i-1]|) for i >= 1
//   atr[14] = sum(tr[1..14]) / 14; atr[i] = (atr[i-1]*13 + tr[i]) / 14
//   hh20[i] = max(c[i-20..i-1]), hh55[i] = max(c[i-55..i-1])
//   roc60[i] = c[i]/c[i-60] - 1, sma50[i] = sum(c[i-49..i]) / 50
BOOST_AUTO_TEST_CASE(values_on_real_btc_bars_match_an_independent_computation) {
  const BarSeries s = real_series("binance/BTCUSDT-1d.csv", 100);
  const auto snaps = run_breakout_indicators(s, 50);
  BOOST_REQUIRE_EQUAL(snaps.size(), 100u);
  const auto tol = boost::test_tools::tolerance(1e-9);
  BOOST_TEST(snaps[14].atr14 == 277.28357142857146, tol);
  BOOST_TEST(snaps[15].atr14 == 273.95403061224494, tol);
  BOOST_TEST(snaps[30].atr14 == 455.6148069403343, tol);
  BOOST_TEST(snaps[99].atr14 == 518.1641396464454, tol);
  BOOST_TEST(snaps[99].highest_close_20d == 8212.0);
  BOOST_TEST(snaps[99].highest_close_55d == 8212.0);
  BOOST_TEST(snaps[99].roc60 == 1.075623286361028, tol);
  BOOST_TEST(snaps[99].sma_trend == 6382.149, tol);
  BOOST_TEST(snaps[99].close == 8138.0);
  // First defined values: the bar after each window fills.
  BOOST_TEST(snaps[20].highest_close_20d == 4834.91);
  BOOST_TEST(snaps[55].highest_close_55d == 4834.91);
  BOOST_TEST(snaps[60].roc60 == 0.3442036088007694, tol);
}

BOOST_AUTO_TEST_CASE(every_value_is_nan_until_its_window_is_full) {
  const BarSeries s = real_series("binance/BTCUSDT-1d.csv", 70);
  const auto snaps = run_breakout_indicators(s, 50);
  for (size_t i = 0; i < 70; ++i) {
    BOOST_TEST(std::isnan(snaps[i].atr14) == (i < 14), "atr at " << i);
    BOOST_TEST(std::isnan(snaps[i].highest_close_20d) == (i < 20), "hh20 at " << i);
    BOOST_TEST(std::isnan(snaps[i].highest_close_55d) == (i < 55), "hh55 at " << i);
    BOOST_TEST(std::isnan(snaps[i].roc60) == (i < 60), "roc60 at " << i);
    BOOST_TEST(std::isnan(snaps[i].sma_trend) == (i < 49), "sma50 at " << i);
  }
  BOOST_TEST(BreakoutIndicators::min_history(50) == 61u);
  BOOST_TEST(BreakoutIndicators::min_history(100) == 100u);
}

// The streaming deque and ring against a brute-force scan on every bar of
// the whole real series (1881 days), for the window edges too.
BOOST_AUTO_TEST_CASE(streaming_windows_equal_brute_force_on_every_bar) {
  const BarSeries s = real_series("binance/ETHUSDT-1d.csv");
  for (int32_t n : {1, 2, 20, 55}) {
    HighestPrior hp(n);
    for (size_t i = 0; i < s.size(); ++i) {
      const double got = hp.push(s.close[i]);
      if (i < static_cast<size_t>(n)) {
        BOOST_TEST(std::isnan(got));
        continue;
      }
      const double want = *std::max_element(s.close.begin() + (i - n), s.close.begin() + i);
      BOOST_TEST(got == want, "n " << n << " bar " << i);
    }
  }
  RateOfChange roc(60);
  for (size_t i = 0; i < s.size(); ++i) {
    const double got = roc.push(s.close[i]);
    if (i >= 60) BOOST_TEST(got == s.close[i] / s.close[i - 60] - 1.0);
  }
}

BOOST_AUTO_TEST_CASE(highest_prior_keeps_equal_values_and_drops_old_maxima) {
  HighestPrior hp(3);
  for (double x : {5.0, 1.0, 5.0}) hp.push(x);
  BOOST_TEST(hp.push(2.0) == 5.0);  // window 5,1,5
  BOOST_TEST(hp.push(0.0) == 5.0);  // window 1,5,2
  BOOST_TEST(hp.push(0.0) == 5.0);  // window 5,2,0
  BOOST_TEST(hp.push(0.0) == 2.0);  // window 2,0,0: the old maxima left
  BOOST_TEST(hp.push(0.0) == 0.0);
}

BOOST_AUTO_TEST_CASE(atr_of_a_flat_series_is_zero_and_gaps_count) {
  WilderAtr flat;
  double v = 0;
  for (int i = 0; i < 20; ++i) v = flat.push(10, 10, 10);
  BOOST_TEST(v == 0.0);
  // A gap up: the true range is from the previous close, not high - low.
  WilderAtr a(1);
  a.push(10, 10, 10);
  BOOST_TEST(a.push(15, 14, 14.5) == 5.0);
  BOOST_TEST(a.push(12, 11, 11) == 3.5);  // |low - prev close| = 3.5 > 1
}
