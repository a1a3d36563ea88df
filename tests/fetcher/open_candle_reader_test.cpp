#define BOOST_TEST_MODULE fetcher_open_candle
// The reader of cadence "hourly" over recorded bars: which rows a check of
// a stream hands out, and in which order.
#include <boost/test/unit_test.hpp>

#include "actors/fetcher/open_candle_reader.hpp"

using namespace tn;

namespace {

constexpr int64_t H = 3'600'000;
constexpr int64_t D = 24 * H;

BarSeries series(int64_t first_open, int64_t tf, const std::vector<double>& closes) {
  BarSeries s;
  for (size_t i = 0; i < closes.size(); ++i) {
    s.open_time_ms.push_back(first_open + static_cast<int64_t>(i) * tf);
    for (auto* c : {&s.open, &s.high, &s.low, &s.close}) c->push_back(closes[i]);
    s.volume.push_back(1);
  }
  return s;
}

// A 1d stream (days 0 and 1 closed at 100 and 101) priced by 1h bars of day
// 1 and the first hours of day 2, with the 01:00 bar of day 2 missing.
OpenCandleReader reader(bool full = false) {
  std::vector<double> hours;
  for (int i = 0; i < 24; ++i) hours.push_back(200 + i);
  BarSeries h = series(D, H, hours);
  for (int64_t open : {2 * D, 2 * D + 2 * H}) {  // the 00:00 and 02:00 bars of day 2
    h.open_time_ms.push_back(open);
    for (auto* c : {&h.open, &h.high, &h.low, &h.close}) c->push_back(300);
    h.volume.push_back(1);
  }
  std::vector<OpenCandleStream> s;
  s.push_back({7, D, make_series_source(series(0, D, {100, 101}), D),
               std::make_shared<const BarSeries>(std::move(h))});
  return OpenCandleReader(std::move(s), full);
}

CheckRequest check(uint64_t id, int64_t t, bool last = false) { return {id, t, {7}, last}; }

}  // namespace

BOOST_AUTO_TEST_CASE(a_check_hands_out_closed_history_then_the_open_candle_at_the_hours_close) {
  auto r = reader();
  BarWindow w = r.check(check(1, D + 13 * H));
  BOOST_TEST((w.streams == std::vector<uint32_t>{7}));
  // Day 0 closed (history), then day 1's open candle at 13:00's 1h close.
  BOOST_TEST((w.open_time_ms == std::vector<int64_t>{0, D}));
  BOOST_TEST((w.close == std::vector<double>{100, 212}));
  BOOST_TEST((w.check_ms == std::vector<int64_t>{0, D + 13 * H}));
  BOOST_TEST(w.open_candle(1));
  BOOST_TEST(w.end_ms == D + 13 * H + 1);
}

BOOST_AUTO_TEST_CASE(at_the_candles_close_the_open_row_comes_before_its_real_bar) {
  auto r = reader();
  r.check(check(1, D + 13 * H));
  BarWindow w = r.check(check(2, 2 * D));
  BOOST_TEST((w.open_time_ms == std::vector<int64_t>{D, D}));
  BOOST_TEST((w.close == std::vector<double>{223, 101}));  // the 23:00 hour's close, then the day's
  BOOST_TEST((w.check_ms == std::vector<int64_t>{2 * D, 0}));
  // Day 2's candle: nothing closes at 02:00 (the 01:00 bar is missing): no row.
  BOOST_TEST(r.check(check(3, 2 * D + 2 * H)).bars() == 0u);
  BarWindow w3 = r.check(check(4, 2 * D + 3 * H));
  BOOST_TEST((w3.open_time_ms == std::vector<int64_t>{2 * D}));
  BOOST_TEST((w3.close == std::vector<double>{300}));
}

BOOST_AUTO_TEST_CASE(the_last_check_hands_out_only_the_closed_bars_left) {
  auto r = reader(true);
  BarWindow w = r.check(check(1, 2 * D, true));
  BOOST_TEST((w.close == std::vector<double>{100, 101}));
  BOOST_TEST((w.check_ms == std::vector<int64_t>{0, 0}));
  BOOST_TEST(w.volume.size() == 2u);  // full bars when asked for
}

BOOST_AUTO_TEST_CASE(an_open_candle_row_has_full_bars_when_asked) {
  auto r = reader(true);
  BarWindow w = r.check(check(1, D + H));
  BOOST_REQUIRE(w.bars() == 2u);
  BOOST_TEST(w.open[1] == 200.0);
  BOOST_TEST(w.high[1] == 200.0);
  BOOST_TEST(w.low[1] == 200.0);
  BOOST_TEST(w.volume[1] == 0.0);
}

BOOST_AUTO_TEST_CASE(a_stream_not_asked_for_gets_nothing) {
  auto r = reader();
  BOOST_TEST(r.check({1, D + 13 * H, {3}, false}).bars() == 0u);
}
