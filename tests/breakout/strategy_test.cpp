#define BOOST_TEST_MODULE breakout_strategy
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <ostream>

#include "breakout/recommendations.hpp"
#include "breakout/strategy.hpp"
#include "breakout_test_util.hpp"

using namespace tn;
using tn::test::real_series;

namespace {

// close 110 over a 55-day high of 108 by one ATR: a 55d breakout,
// breakout score 10, momentum 5 (roc 10%), combined 0.6*10 + 0.4*5 = 8.
BreakoutSnapshot snap() {
  BreakoutSnapshot s;
  s.close = 110;
  s.atr14 = 2;
  s.highest_close_20d = 105;
  s.highest_close_55d = 108;
  s.roc60 = 0.10;
  s.sma_trend = 100;
  return s;
}

NoSignal why_not(const BreakoutSnapshot& s) {
  NoSignal why = NoSignal::none;
  BOOST_TEST(!evaluate_breakout(s, &why).has_value());
  return why;
}

BreakoutCandidate candidate(const std::string& sym, const BreakoutSnapshot& s, int64_t day = 19000) {
  auto sig = evaluate_breakout(s);
  BOOST_REQUIRE(sig);
  return BreakoutCandidate{sym, day * kDayMs, *sig};
}

Recommendation rec_of(const std::string& sym, double combined, const BreakoutParams& p) {
  auto r = make_recommendation(candidate(sym, snap()), p, 0);
  BOOST_REQUIRE(r);
  r->combined_score = combined;
  r->conviction = conviction_for(combined);
  return *r;
}

const BreakoutParams kEquity = BreakoutParams::equity_defaults();
const BreakoutParams kCrypto = BreakoutParams::crypto_defaults();
constexpr double kNaNv = std::numeric_limits<double>::quiet_NaN();

}  // namespace

BOOST_AUTO_TEST_CASE(a_55_day_breakout_scores_by_hand) {
  auto sig = evaluate_breakout(snap());
  BOOST_REQUIRE(sig);
  BOOST_TEST(sig->type == BreakoutType::breakout_55d);
  BOOST_TEST(sig->broken_high == 108.0);
  BOOST_TEST(sig->breakout_score == 10.0);
  BOOST_TEST(sig->momentum_score == 5.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(sig->combined_score == 8.0, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(the_20_day_trigger_when_the_55_day_high_holds) {
  BreakoutSnapshot s = snap();
  s.highest_close_55d = 110;  // equal is not above: falls back to the 20-day high
  auto sig = evaluate_breakout(s);
  BOOST_REQUIRE(sig);
  BOOST_TEST(sig->type == BreakoutType::breakout_20d);
  BOOST_TEST(sig->broken_high == 105.0);
  BOOST_TEST(sig->breakout_score == 10.0);  // 10 * 5 / 2 = 25, capped
  s.highest_close_20d = 110;
  BOOST_TEST(why_not(s) == NoSignal::no_breakout);
  s.highest_close_20d = 109.9;
  auto small = evaluate_breakout(s);
  BOOST_REQUIRE(small);
  BOOST_TEST(small->breakout_score == 0.5, boost::test_tools::tolerance(1e-9));  // 10 * 0.1 / 2
}

BOOST_AUTO_TEST_CASE(eligibility_edges) {
  BreakoutSnapshot s = snap();
  s.sma_trend = 110;  // close must be strictly above
  BOOST_TEST(why_not(s) == NoSignal::below_trend);
  s.sma_trend = 109.99;
  BOOST_TEST(evaluate_breakout(s).has_value());
  s = snap();
  s.roc60 = 0;
  BOOST_TEST(why_not(s) == NoSignal::no_momentum);
  s.roc60 = -0.01;
  BOOST_TEST(why_not(s) == NoSignal::no_momentum);
  s.roc60 = 1e-9;
  BOOST_TEST(evaluate_breakout(s).has_value());
}

BOOST_AUTO_TEST_CASE(momentum_score_edges) {
  BOOST_TEST(momentum_score(0) == 0.0);
  BOOST_TEST(momentum_score(-0.5) == 0.0);
  BOOST_TEST(momentum_score(0.1) == 5.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(momentum_score(0.2) == 10.0);
  BOOST_TEST(momentum_score(3.0) == 10.0);
  BOOST_TEST(breakout_score(110, 108, 0) == 0.0);  // zero ATR: no score, no division
  BOOST_TEST(breakout_score(110, 108, 4) == 5.0);
}

BOOST_AUTO_TEST_CASE(bad_snapshots_give_no_signal) {
  BreakoutSnapshot s = snap();
  s.atr14 = 0;
  BOOST_TEST(why_not(s) == NoSignal::zero_atr);
  s = snap();
  s.atr14 = kNaNv;
  BOOST_TEST(why_not(s) == NoSignal::not_ready);
  s = snap();
  s.highest_close_55d = kNaNv;
  BOOST_TEST(why_not(s) == NoSignal::not_ready);
  for (double bad : {0.0, -1.0, kNaNv, std::numeric_limits<double>::infinity()}) {
    s = snap();
    s.close = bad;
    BOOST_TEST(why_not(s) == NoSignal::bad_price);
  }
}

BOOST_AUTO_TEST_CASE(conviction_thresholds) {
  BOOST_TEST(conviction_for(10) == Conviction::high);
  BOOST_TEST(conviction_for(8.0) == Conviction::high);
  BOOST_TEST(conviction_for(7.999) == Conviction::medium);
  BOOST_TEST(conviction_for(6.0) == Conviction::medium);
  BOOST_TEST(conviction_for(5.999) == Conviction::low);
  BOOST_TEST(conviction_for(0) == Conviction::low);
}

BOOST_AUTO_TEST_CASE(levels_and_size_by_hand) {
  // equity, k 2.5: stop 110 - 5 = 105, target 120; 0.0075 / (5/110) = 0.165 -> capped 0.15.
  auto r = make_recommendation(candidate("SPY", snap(), 19000), kEquity, 1234);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->entry == 110.0);
  BOOST_TEST(r->current_price == 110.0);
  BOOST_TEST(r->stop == 105.0);
  BOOST_TEST(r->target == 120.0);
  BOOST_TEST(r->position_size_pct == 0.15);
  BOOST_TEST(r->risk_pct == 0.15 * 5 / 110, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(r->conviction == Conviction::high);
  BOOST_TEST(r->id == "2022-01-08:SPY:breakout_55d");  // day 19000
  BOOST_TEST(r->generated_at_ms == 1234);
  BOOST_TEST(r->asset_class == "equity");
  // crypto, k 3 with ATR 4: stop 98, target 134, size 0.0075 / (12/110) = 0.06875, risk 0.75%.
  BreakoutSnapshot s = snap();
  s.atr14 = 4;
  auto c = make_recommendation(candidate("BTCUSDT", s), kCrypto, 0);
  BOOST_REQUIRE(c);
  BOOST_TEST(c->stop == 98.0);
  BOOST_TEST(c->target == 134.0);
  BOOST_TEST(c->position_size_pct == 0.06875, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(c->risk_pct == 0.0075, boost::test_tools::tolerance(1e-12));
  const RecommendationEvent e = c->to_event();
  BOOST_TEST(e.entry_price == "110.00000000");
  BOOST_TEST(e.stop_price == "98.00000000");
  BOOST_TEST(e.target_price == "134.00000000");
  BOOST_TEST(e.direction == "BUY");
  BOOST_TEST(e.strategy == "breakout_momentum");
  BOOST_TEST(e.signal_type == "breakout_55d");
  BOOST_TEST(e.reasoning.find("BTCUSDT closed at 110.00") == 0u, e.reasoning);
  BOOST_TEST(e.reasoning.find("55-day high of 108.00") != std::string::npos, e.reasoning);
}

BOOST_AUTO_TEST_CASE(no_recommendation_when_the_stop_would_be_at_or_below_zero) {
  BreakoutSnapshot s = snap();
  s.atr14 = 40;  // 110 - 3 * 40 < 0
  BOOST_TEST(!make_recommendation(candidate("X", s), kCrypto, 0).has_value());
  s.atr14 = 110.0 / 3;  // stop exactly 0
  BOOST_TEST(!make_recommendation(candidate("X", s), kCrypto, 0).has_value());
  BreakoutParams bad = kCrypto;
  bad.hard_stop_atr_mult = 0;
  BOOST_TEST(!make_recommendation(candidate("X", snap()), bad, 0).has_value());
}

BOOST_AUTO_TEST_CASE(ids_are_deterministic) {
  auto a = make_recommendation(candidate("ETHUSDT", snap(), 19000), kCrypto, 1);
  auto b = make_recommendation(candidate("ETHUSDT", snap(), 19000), kCrypto, 999);
  BOOST_REQUIRE(a && b);
  BOOST_TEST(a->id == b->id);
  BOOST_TEST(recommendation_id("2022-10-10", "BTCUSDT", BreakoutType::breakout_20d) ==
             "2022-10-10:BTCUSDT:breakout_20d");
  BOOST_TEST(bar_date(0) == "1970-01-01");
  BOOST_TEST(bar_date(1665360000000) == "2022-10-10");
}

BOOST_AUTO_TEST_CASE(ranking_filters_sorts_and_caps) {
  BreakoutParams p = kEquity;  // min MEDIUM, max 5
  std::vector<Recommendation> in = {rec_of("LOW1", 5.99, p), rec_of("B", 7.0, p),
                                    rec_of("A", 7.0, p),     rec_of("HI", 9.5, p),
                                    rec_of("MED", 6.0, p),   rec_of("X1", 6.5, p),
                                    rec_of("X2", 6.4, p)};
  auto out = rank_recommendations(in, p);
  std::vector<std::string> got;
  for (auto& r : out) got.push_back(r.symbol);
  // LOW1 filtered; ties by symbol; 6 left, capped at 5.
  BOOST_TEST(got == (std::vector<std::string>{"HI", "A", "B", "X1", "X2"}), boost::test_tools::per_element());
  p.min_conviction = Conviction::high;
  BOOST_TEST(rank_recommendations(in, p).size() == 1u);
  p.min_conviction = Conviction::low;
  p.max_recommendations = 2;
  BOOST_TEST(rank_recommendations(in, p).size() == 2u);
}

// The real BTCUSDT bar 100 (2017-11-25) breaks its 55-day high; expected
// numbers from the same python3 one-off as the indicator suite:
// atr14 527.2081296716993, roc60 1.2409133643283066, breakout score
// 10 * (8700.01 - 8212) / atr = 9.256496107218446, momentum 10, combined
// 9.553897664331068; crypto k 3: stop 7118.385610984902, target
// 11863.258778030196, size 0.04125510168734324. Walking the later bars, the
// first to reach a level is bar 111 (2017-12-06: high 13615.23 >= target,
// low 11665.58 > stop): a target exit, +2 R, 11 bars later.
BOOST_AUTO_TEST_CASE(real_btc_breakout_and_its_exit_at_the_target) {
  const BarSeries s = real_series("binance/BTCUSDT-1d.csv");
  BreakoutIndicators ind(50);
  BreakoutSnapshot at;
  for (size_t i = 0; i <= 100; ++i) at = ind.push(s.high[i], s.low[i], s.close[i]);
  auto sig = evaluate_breakout(at);
  BOOST_REQUIRE(sig);
  const auto tol = boost::test_tools::tolerance(1e-9);
  BOOST_TEST(sig->type == BreakoutType::breakout_55d);
  BOOST_TEST(sig->breakout_score == 9.256496107218446, tol);
  BOOST_TEST(sig->combined_score == 9.553897664331068, tol);
  auto rec = make_recommendation(BreakoutCandidate{"BTCUSDT", s.open_time_ms[100], *sig}, kCrypto, 0);
  BOOST_REQUIRE(rec);
  BOOST_TEST(rec->stop == 7118.385610984902, tol);
  BOOST_TEST(rec->target == 11863.258778030196, tol);
  BOOST_TEST(rec->position_size_pct == 0.04125510168734324, tol);
  BOOST_TEST(rec->id == "2017-11-25:BTCUSDT:breakout_55d");

  RecommendationTracker t;
  BOOST_TEST(t.open(*rec));
  BOOST_TEST(!t.open(*rec));  // same id twice: tracked once
  std::vector<RecommendationExitEvent> exits;
  size_t at_bar = 0;
  for (size_t i = 100; i < s.size() && exits.empty(); ++i) {  // bar 100 itself never counts
    exits = t.on_bar("BTCUSDT", s.open_time_ms[i], s.open[i], s.high[i], s.low[i]);
    at_bar = i;
  }
  BOOST_REQUIRE_EQUAL(exits.size(), 1u);
  BOOST_TEST(at_bar == 111u);
  BOOST_TEST(exits[0].outcome == "target");
  BOOST_TEST(exits[0].r_multiple == 2.0, tol);
  BOOST_TEST(exits[0].bars_held == 11u);
  BOOST_TEST(exits[0].date == "2017-12-06");
  BOOST_TEST(exits[0].id == rec->id);
  BOOST_TEST(t.open_count() == 0u);
}

namespace {
RecommendationTracker tracker_with(const Recommendation& r) {
  RecommendationTracker t;
  BOOST_REQUIRE(t.open(r));
  return t;
}
}  // namespace

BOOST_AUTO_TEST_CASE(tracker_exit_rules) {
  // entry 110, stop 105, target 120 (equity k 2.5, ATR 2), bar of day 19000.
  const auto rec = *make_recommendation(candidate("SPY", snap(), 19000), kEquity, 0);
  const int64_t next = 19001 * kDayMs;
  {  // neither level, then the stop: exit at the stop, -1 R
    auto t = tracker_with(rec);
    BOOST_TEST(t.on_bar("SPY", next, 110, 119.99, 105.01).empty());
    BOOST_TEST(t.on_bar("OTHER", next + kDayMs, 110, 200, 1).empty());
    auto e = t.on_bar("SPY", next + kDayMs, 108, 109, 105);
    BOOST_REQUIRE_EQUAL(e.size(), 1u);
    BOOST_TEST(e[0].outcome == "stop");
    BOOST_TEST(e[0].exit_price == "105.00000000");
    BOOST_TEST(e[0].r_multiple == -1.0);
    BOOST_TEST(e[0].bars_held == 2u);
  }
  {  // both in one bar: stop first
    auto t = tracker_with(rec);
    auto e = t.on_bar("SPY", next, 110, 125, 100);
    BOOST_REQUIRE_EQUAL(e.size(), 1u);
    BOOST_TEST(e[0].outcome == "stop");
    BOOST_TEST(e[0].r_multiple == -1.0);
    BOOST_TEST(e[0].reason.find("stop assumed first") != std::string::npos, e[0].reason);
  }
  {  // a gap down through the stop: out at the open, worse than -1 R
    auto t = tracker_with(rec);
    auto e = t.on_bar("SPY", next, 100, 101, 99);
    BOOST_REQUIRE_EQUAL(e.size(), 1u);
    BOOST_TEST(e[0].r_multiple == -2.0);
  }
  {  // a gap up over the target: out at the open, better than +2 R
    auto t = tracker_with(rec);
    auto e = t.on_bar("SPY", next, 125, 126, 124);
    BOOST_REQUIRE_EQUAL(e.size(), 1u);
    BOOST_TEST(e[0].outcome == "target");
    BOOST_TEST(e[0].r_multiple == 3.0);
  }
  {  // the recommendation's own bar (and earlier ones) never count
    auto t = tracker_with(rec);
    BOOST_TEST(t.on_bar("SPY", 19000 * kDayMs, 110, 200, 1).empty());
    BOOST_TEST(t.open_count() == 1u);
  }
}

BOOST_AUTO_TEST_CASE(tracker_reopens_from_stored_events_and_refuses_bad_ones) {
  const auto rec = *make_recommendation(candidate("SPY", snap(), 19000), kEquity, 0);
  RecommendationTracker t;
  BOOST_TEST(t.open(rec.to_event()).ok());
  BOOST_TEST(t.open_count() == 1u);
  auto e = t.on_bar("SPY", 19001 * kDayMs, 110, 121, 109);
  BOOST_REQUIRE_EQUAL(e.size(), 1u);
  BOOST_TEST(e[0].r_multiple == 2.0);
  RecommendationEvent bad = rec.to_event();
  bad.stop_price = "abc";
  BOOST_TEST(!t.open(bad).ok());
  bad = rec.to_event();
  bad.stop_price = "120.0";  // above the entry
  BOOST_TEST(!t.open(bad).ok());
  bad.stop_price = "";
  BOOST_TEST(!t.open(bad).ok());
  BOOST_TEST(t.open_count() == 0u);
  BOOST_TEST(!parse_price("1e999").ok());
  BOOST_TEST(!parse_price("12abc").ok());
  BOOST_TEST(*parse_price("19123.45000000") == 19123.45);
}
