#define BOOST_TEST_MODULE breakout_daily_job
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "breakout/daily_job.hpp"
#include "breakout_test_util.hpp"
#include "messages/codec.hpp"

using namespace tn;
using tn::test::real_series;
using tn::test::rising;
using tn::test::series_of;

namespace {

struct Crypto {
  BarSeries btc = real_series("binance/BTCUSDT-1d.csv"), eth = real_series("binance/ETHUSDT-1d.csv"),
            bnb = real_series("binance/BNBUSDT-1d.csv"), sol = real_series("binance/SOLUSDT-1d.csv"),
            xrp = real_series("binance/XRPUSDT-1d.csv");
  std::vector<UniverseSeries> all() const {
    return {{"BTCUSDT", &btc}, {"ETHUSDT", &eth}, {"BNBUSDT", &bnb}, {"SOLUSDT", &sol},
            {"XRPUSDT", &xrp}};
  }
};

bool has_note(const DailyJobResult& r, const std::string& start) {
  return std::any_of(r.summary.notes.begin(), r.summary.notes.end(),
                     [&](const std::string& n) { return n.rfind(start, 0) == 0; });
}

std::string encoded(const DailyJobResult& r) {
  std::string out = encode(r.summary);
  for (const auto& rec : r.recommendations) out += encode(rec.to_event());
  return out;
}

const int64_t kDay100 = 1511568000000 / kDayMs;  // BTCUSDT bar 100, 2017-11-25

}  // namespace

BOOST_AUTO_TEST_CASE(real_crypto_day_with_short_and_missing_histories) {
  const Crypto c;
  const BreakoutParams p = BreakoutParams::crypto_defaults();
  const DailyJobResult r = run_daily_job(c.all(), p, kDay100, 42);
  BOOST_TEST(r.date == "2017-11-25");
  BOOST_TEST(r.summary.symbols == 5u);
  // SOL and XRP did not trade yet; BNB listed 2017-11-06: 20 bars.
  BOOST_TEST(has_note(r, "SOLUSDT: no bar for 2017-11-25"));
  BOOST_TEST(has_note(r, "XRPUSDT: no bar for 2017-11-25"));
  BOOST_TEST(has_note(r, "BNBUSDT: 20 bars of history, needs 61: no signal"));
  BOOST_TEST(r.summary.skipped == 2u);
  BOOST_TEST(r.summary.rose + r.summary.fell + r.summary.unchanged == 3u);
  BOOST_REQUIRE(r.summary.has_benchmark);
  BOOST_TEST(r.summary.benchmark_change == 8700.01 / 8138.0 - 1, boost::test_tools::tolerance(1e-12));
  // BTC's 55-day breakout of that day (worked out in the strategy suite).
  auto btc = std::find_if(r.recommendations.begin(), r.recommendations.end(),
                          [](const Recommendation& x) { return x.symbol == "BTCUSDT"; });
  BOOST_REQUIRE(btc != r.recommendations.end());
  BOOST_TEST(btc->id == "2017-11-25:BTCUSDT:breakout_55d");
  BOOST_TEST(btc->conviction == Conviction::high);
  BOOST_TEST(btc->generated_at_ms == 42);
  for (size_t i = 1; i < r.recommendations.size(); ++i)
    BOOST_TEST(r.recommendations[i - 1].combined_score >= r.recommendations[i].combined_score);
}

BOOST_AUTO_TEST_CASE(a_rerun_gives_identical_recommendations_and_later_bars_are_ignored) {
  const Crypto c;
  const BreakoutParams p = BreakoutParams::crypto_defaults();
  for (int64_t day : {kDay100, kDay100 + 200, kDay100 + 900}) {
    const auto a = run_daily_job(c.all(), p, day, 7);
    const auto b = run_daily_job(c.all(), p, day, 7);
    BOOST_TEST(encoded(a) == encoded(b));
  }
  // The same day from series cut just after it: nothing from the future leaks in.
  BarSeries cut = c.btc;
  for (auto* col : {&cut.open, &cut.high, &cut.low, &cut.close, &cut.volume}) col->resize(101);
  cut.open_time_ms.resize(101);
  BreakoutParams only_btc = p;
  only_btc.universe = {"BTCUSDT"};
  const auto full = run_daily_job(c.all(), only_btc, kDay100, 7);
  const auto past = run_daily_job({{"BTCUSDT", &cut}}, only_btc, kDay100, 7);
  BOOST_TEST(encoded(full) == encoded(past));
  // nullopt: the latest day in the data, 2022-10-10.
  BOOST_TEST(run_daily_job(c.all(), p, std::nullopt, 0).date == "2022-10-10");
}

BOOST_AUTO_TEST_CASE(bad_input_gives_notes_not_errors) {
  const BarSeries flat = series_of(std::vector<double>(100, 50.0), 19000, 0.0);  // ATR 0
  BarSeries zero = series_of(rising(100), 19000);
  zero.close[80] = 0;  // a zero price in the window
  zero.low[80] = 0;
  BarSeries negative = series_of(rising(100), 19000);
  negative.low[99] = -1;
  const BarSeries good = series_of(rising(100), 19000);
  BreakoutParams p = BreakoutParams::equity_defaults();
  p.universe = {"FLAT", "ZERO", "NEG", "GOOD", "GONE"};
  p.benchmark = "NOPE";
  const auto r = run_daily_job(
      {{"FLAT", &flat}, {"ZERO", &zero}, {"NEG", &negative}, {"GOOD", &good}}, p, 19099, 0);
  BOOST_TEST(has_note(r, "FLAT: ATR is zero"));
  BOOST_TEST(has_note(r, "ZERO: bad bar on"));
  BOOST_TEST(has_note(r, "NEG: bad bar on"));
  BOOST_TEST(has_note(r, "GONE: no data"));
  BOOST_TEST(has_note(r, "NOPE (benchmark): no change"));
  BOOST_TEST(!r.summary.has_benchmark);
  BOOST_REQUIRE_EQUAL(r.recommendations.size(), 1u);  // the steady riser alone
  BOOST_TEST(r.recommendations[0].symbol == "GOOD");
  for (const auto& x : r.recommendations) {
    BOOST_TEST(std::isfinite(x.position_size_pct));
    BOOST_TEST(x.position_size_pct <= 0.15);
  }
  // An empty universe and no data at all: an empty, well-formed result.
  const auto none = run_daily_job({}, BreakoutParams::crypto_defaults(), std::nullopt, 0);
  BOOST_TEST(none.recommendations.empty());
  BOOST_TEST(none.summary.symbols == 0u);
}

BOOST_AUTO_TEST_CASE(summary_counts_movers_and_caps_recommendations) {
  // Seven risers of different steps (all break out); one faller; one flat-ish.
  std::vector<BarSeries> s;
  std::vector<UniverseSeries> u;
  s.reserve(9);
  for (int k = 1; k <= 7; ++k) s.push_back(series_of(rising(260, 100, 0.2 * k)));
  s.push_back(series_of(rising(260, 500, -1)));
  s.push_back(series_of(std::vector<double>(260, 80.0)));
  const char* names[] = {"R1", "R2", "R3", "R4", "R5", "R6", "R7", "DOWN", "SAME"};
  for (size_t i = 0; i < s.size(); ++i) u.push_back({names[i], &s[i]});
  BreakoutParams p = BreakoutParams::equity_defaults();
  p.benchmark = "R1";
  p.min_conviction = Conviction::low;
  const auto r = run_daily_job(u, p, std::nullopt, 0);
  BOOST_TEST(r.summary.rose == 7u);
  BOOST_TEST(r.summary.fell == 1u);
  BOOST_TEST(r.summary.unchanged == 1u);
  BOOST_TEST(r.signals.size() == 7u);
  BOOST_TEST(r.recommendations.size() == 5u);  // max_recommendations
  BOOST_REQUIRE_EQUAL(r.summary.gainers.size(), 3u);
  BOOST_REQUIRE_EQUAL(r.summary.losers.size(), 1u);
  BOOST_TEST(r.summary.losers[0].symbol == "DOWN");
  BOOST_TEST(r.summary.has_benchmark);
  BOOST_TEST(r.summary.recommendations == 5u);
  for (size_t i = 1; i < r.summary.gainers.size(); ++i)
    BOOST_TEST(r.summary.gainers[i - 1].change >= r.summary.gainers[i].change);
}
