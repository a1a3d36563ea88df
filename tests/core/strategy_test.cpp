#define BOOST_TEST_MODULE core_strategy
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "actors/indicator/indicator_core.hpp"
#include "actors/signal/ma_distance.hpp"

using namespace tn;

namespace {
BarWindow window_of(uint64_t id, const std::vector<std::pair<uint32_t, std::vector<double>>>& streams,
                    int64_t tf_ms, int64_t first_open_ms) {
  BarWindow w;
  w.window = id;
  w.offsets.push_back(0);
  for (const auto& [sid, closes] : streams) {
    w.streams.push_back(sid);
    for (size_t i = 0; i < closes.size(); ++i) {
      w.open_time_ms.push_back(first_open_ms + static_cast<int64_t>(i) * tf_ms);
      for (auto* col : {&w.open, &w.high, &w.low, &w.close}) col->push_back(closes[i]);
      w.volume.push_back(1);
    }
    w.offsets.push_back(static_cast<uint32_t>(w.close.size()));
  }
  return w;
}
constexpr int64_t H = 3600000;
}  // namespace

BOOST_AUTO_TEST_CASE(rolling_mean_by_hand) {
  RollingMean m(3);
  BOOST_TEST(std::isnan(m.push(1)));
  BOOST_TEST(std::isnan(m.push(2)));
  BOOST_TEST(m.push(3) == 2.0);
  BOOST_TEST(m.push(4) == 3.0);
  BOOST_TEST(m.push(10) == 17.0 / 3);
}

BOOST_AUTO_TEST_CASE(rolling_mean_does_not_drift) {
  // Ten million pushes of awkward values: the running mean must stay equal
  // to a fresh sum of the last 20 values.
  RollingMean m(20);
  std::vector<double> last;
  double x = 12345.678;
  double got = 0;
  for (int i = 0; i < 2'000'000; ++i) {
    x = x * 1.0000003 + std::sin(i) * 37.1;
    got = m.push(x);
    last.push_back(x);
  }
  double s = 0;
  for (size_t i = last.size() - 20; i < last.size(); ++i) s += last[i];
  BOOST_TEST(std::fabs(got - s / 20) <= 1e-9 * std::fabs(s / 20));
}

BOOST_AUTO_TEST_CASE(distance_and_rule) {
  BOOST_TEST(ma_distance_pct(95, 100) == -5.0);
  BOOST_TEST(ma_distance_rule(-5.0, -5.0, 5.0) == 1);  // <= buy threshold: BUY
  BOOST_TEST(ma_distance_rule(-4.99, -5.0, 5.0) == 0);
  BOOST_TEST(ma_distance_rule(5.0, -5.0, 5.0) == 2);   // >= sell threshold: SELL candidate
  BOOST_TEST(ma_distance_rule(std::nan(""), -5.0, 5.0) == 0);
  // Overlapping thresholds: BUY wins ("otherwise SELL").
  BOOST_TEST(ma_distance_rule(0.0, 1.0, -1.0) == 1);
}

BOOST_AUTO_TEST_CASE(indicator_state_carries_across_windows_and_streams) {
  IndicatorCore ind({3, 2});
  auto s1 = ind.compute(window_of(0, {{0, {10, 20}}, {1, {5, 7}}}, H, 0));
  BOOST_TEST(std::isnan(s1.ma[0]));
  BOOST_TEST(std::isnan(s1.ma[1]));
  BOOST_TEST(std::isnan(s1.ma[2]));
  BOOST_TEST(s1.ma[3] == 6.0);

  auto s2 = ind.compute(window_of(1, {{0, {30, 40}}}, H, 2 * H));
  BOOST_TEST(s2.ma[0] == 20.0);  // mean(10, 20, 30)
  BOOST_TEST(s2.ma[1] == 30.0);  // mean(20, 30, 40)

}

BOOST_AUTO_TEST_CASE(signal_core_finds_candidates_and_marks) {
  // MA(3) over 100,100,100,90,100,120: distances at bars 3..5 are
  // 90 vs 96.67 -> -6.9% (BUY), 100 vs 96.67 -> +3.4% (none),
  // 120 vs 103.33 -> +16.1% (SELL candidate).
  IndicatorCore ind({3});
  SignalCore sig({MaDistanceParams{H, -5.0, 5.0}}, 2 * H, 7);
  auto w = window_of(0, {{0, {100, 100, 100, 90, 100, 120}}}, H, 0);
  auto out = sig.evaluate(ind.compute(std::move(w)));
  BOOST_TEST(out.shard == 7u);
  BOOST_TEST(out.bars == 6u);
  BOOST_REQUIRE(out.candidates.size() == 2u);
  BOOST_TEST(out.candidates[0].side == kSideBuy);
  BOOST_TEST(out.candidates[0].open_time_ms == 3 * H);
  BOOST_TEST(out.candidates[0].close_time_ms == 4 * H);
  BOOST_TEST(out.candidates[0].price == 90.0);
  BOOST_TEST(std::fabs(out.candidates[0].distance - (90 - 290.0 / 3) / (290.0 / 3) * 100) < 1e-12);
  BOOST_TEST(out.candidates[1].side == kSideSell);
  BOOST_TEST(out.candidates[1].close_time_ms == 6 * H);
  // Closes at 1H..6H, equity interval 2H: the last close of each bucket
  // (0,2H], (2H,4H], (4H,6H]; the last one is also the window's last close.
  BOOST_REQUIRE(out.marks.size() == 3u);
  BOOST_TEST(out.marks[0].time_ms == 2 * H);
  BOOST_TEST(out.marks[0].price == 100.0);
  BOOST_TEST(out.marks[1].time_ms == 4 * H);
  BOOST_TEST(out.marks[1].price == 90.0);
  BOOST_TEST(out.marks[2].time_ms == 6 * H);
  BOOST_TEST(out.marks[2].price == 120.0);
  auto out2 = sig.evaluate(ind.compute(window_of(1, {{0, {121}}}, H, 6 * H)));
  BOOST_REQUIRE(out2.marks.size() == 1u);
  BOOST_TEST(out2.marks[0].time_ms == 7 * H);
  BOOST_TEST(out2.marks[0].price == 121.0);
}

BOOST_AUTO_TEST_CASE(signal_core_last_window_marks_final_prices) {
  IndicatorCore ind({2, 2});
  SignalCore sig({MaDistanceParams{H, -5, 5}, MaDistanceParams{H, -5, 5}}, 24 * H, 0);
  auto w = window_of(0, {{0, {1, 2, 3}}, {1, {4, 5}}}, H, 0);
  w.last = true;
  auto out = sig.evaluate(ind.compute(std::move(w)));
  // No day boundary is passed: only the window's last closes are marked.
  BOOST_REQUIRE(out.marks.size() == 2u);
  BOOST_TEST(out.marks[0].stream == 0u);
  BOOST_TEST(out.marks[0].time_ms == 3 * H);
  BOOST_TEST(out.marks[0].price == 3.0);
  BOOST_TEST(out.marks[1].stream == 1u);
  BOOST_TEST(out.marks[1].price == 5.0);
}

// Status: per stream the last bar decided, with its price, MA and distance;
// NaN while the stream has fewer bars than its MA; history after a restart
// counts (it was decided before).
BOOST_AUTO_TEST_CASE(signal_core_view_keeps_each_streams_last_decision) {
  IndicatorCore ind({3, 3, 3});
  SignalCore sig({MaDistanceParams{H, -5, 5}, MaDistanceParams{H, -5, 5}, MaDistanceParams{H, -5, 5}},
                 24 * H, 0);
  BOOST_TEST(sig.view().streams.empty());  // nothing decided yet
  sig.evaluate(ind.compute(window_of(0, {{0, {100, 100}}, {1, {50}}}, H, 0)));
  auto v = sig.view();
  BOOST_REQUIRE(v.streams.size() == 2u);
  BOOST_TEST(v.streams[0].stream == 0u);
  BOOST_TEST(v.streams[0].last_bar_ms == H);
  BOOST_TEST(v.streams[0].price == 100.0);
  BOOST_TEST(std::isnan(v.streams[0].ma));  // 2 bars of 3
  BOOST_TEST(std::isnan(v.streams[0].distance));
  BOOST_TEST(v.streams[1].last_bar_ms == 0);

  // Stream 0 completes its MA; stream 1 has no bar in this window and
  // keeps its last one.
  sig.evaluate(ind.compute(window_of(1, {{0, {90}}}, H, 2 * H)));
  v = sig.view();
  BOOST_REQUIRE(v.streams.size() == 2u);
  BOOST_TEST(v.streams[0].last_bar_ms == 2 * H);
  BOOST_TEST(v.streams[0].price == 90.0);
  BOOST_TEST(v.streams[0].ma == 290.0 / 3);
  BOOST_TEST(v.streams[0].distance == ma_distance_pct(90, 290.0 / 3));
  BOOST_TEST(v.streams[1].last_bar_ms == 0);
  BOOST_TEST(v.streams[1].price == 50.0);

  // Warm-up history of stream 2: remembered, not evaluated.
  auto warm = ind.compute(window_of(2, {{2, {10, 11, 12}}}, H, 0));
  sig.remember_warmup(warm);
  v = sig.view();
  BOOST_REQUIRE(v.streams.size() == 3u);
  BOOST_TEST(v.streams[2].stream == 2u);
  BOOST_TEST(v.streams[2].last_bar_ms == 2 * H);
  BOOST_TEST(v.streams[2].ma == 11.0);
}

BOOST_AUTO_TEST_CASE(rolling_mean_peek_prices_the_open_candle_last_without_keeping_it) {
  RollingMean m(3);
  BOOST_TEST(std::isnan(m.peek(5)));  // needs period-1 closed values
  m.push(1);
  BOOST_TEST(std::isnan(m.peek(5)));
  m.push(2);
  BOOST_TEST(m.peek(6) == 3.0);  // (1 + 2 + 6) / 3
  BOOST_TEST(m.peek(9) == 4.0);  // the previous peek left nothing behind
  BOOST_TEST(m.push(3) == 2.0);
  BOOST_TEST(m.peek(7) == 4.0);  // (2 + 3 + 7) / 3: the oldest falls out
  BOOST_TEST(m.push(4) == 3.0);
}

BOOST_AUTO_TEST_CASE(hourly_rows_open_candles_are_evaluated_closed_bars_only_remembered) {
  // A 1d stream, MA3, thresholds -5/+5. Two closed days at 100, then the
  // third day's open candle checked at 12:00 (99), 13:00 (90), and the day
  // closing at 95 (checked at 24:00 at 95, then its closed bar).
  constexpr int64_t D = 24 * H;
  BarWindow w;
  w.offsets = {0};
  w.streams = {0};
  auto row = [&](int64_t open, double close, int64_t check) {
    w.open_time_ms.push_back(open);
    w.close.push_back(close);
    w.check_ms.push_back(check);
  };
  row(0, 100, 0);
  row(D, 100, 0);
  row(2 * D, 99, 2 * D + 12 * H);
  row(2 * D, 90, 2 * D + 13 * H);
  row(2 * D, 95, 3 * D);
  row(2 * D, 95, 0);
  w.offsets.push_back(static_cast<uint32_t>(w.close.size()));
  IndicatorCore ind({3});
  SnapshotWindow snap = ind.compute(std::move(w));
  BOOST_TEST(std::isnan(snap.ma[0]));
  BOOST_TEST(std::isnan(snap.ma[1]));
  BOOST_TEST(snap.ma[2] == 299.0 / 3);
  BOOST_TEST(snap.ma[3] == 290.0 / 3);
  BOOST_TEST(snap.ma[4] == 295.0 / 3);
  BOOST_TEST(snap.ma[5] == 295.0 / 3);  // the real bar, now remembered

  SignalCore sig({{D, -5.0, 5.0}}, D, 0);
  SignalWindow out = sig.evaluate(snap);
  // Only the 13:00 check crosses: 90 vs 96.67 is -6.9%. The closed bar at
  // the same distance as the 24:00 check is not decided on twice.
  BOOST_REQUIRE(out.candidates.size() == 1u);
  const Candidate& c = out.candidates[0];
  BOOST_TEST(c.side == kSideBuy);
  BOOST_TEST(c.open_candle);
  BOOST_TEST(c.open_time_ms == 2 * D);
  BOOST_TEST(c.close_time_ms == 2 * D + 13 * H);
  BOOST_TEST(c.price == 90.0);
  BOOST_TEST(c.ma == 290.0 / 3);

  // The next day's check sees the 95 close remembered: (100 + 95 + 80) / 3.
  BarWindow next;
  next.offsets = {0, 1};
  next.streams = {0};
  next.open_time_ms = {3 * D};
  next.close = {80};
  next.check_ms = {3 * D + H};
  BOOST_TEST(ind.compute(std::move(next)).ma[0] == 275.0 / 3);
}
