// The series source and the window planner: windows cover every bar exactly
// once, in the window holding its close time, grouped by stream, the same
// every run, and empty stretches of time are skipped.
#define BOOST_TEST_MODULE fetcher_planner
#include "actors/fetcher/window_planner.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "market/bar_source.hpp"

using namespace tn;

namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 86'400'000;
constexpr int64_t kNoMore = std::numeric_limits<int64_t>::max();

std::string data_dir() {
  const char* d = std::getenv("TN_DATA_DIR");
  return d ? d : "data";
}

BarSeries load(const std::string& file, int64_t tf) {
  auto r = load_csv_bars(data_dir() + "/binance/" + file, tf);
  BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.error().message));
  return std::move(r).value();
}

// Bars at the given open times; close = index + 1 so rows are traceable.
BarSeries series(const std::vector<int64_t>& opens) {
  BarSeries s;
  for (size_t i = 0; i < opens.size(); ++i) {
    const double p = static_cast<double>(i + 1);
    s.open_time_ms.push_back(opens[i]);
    s.open.push_back(p);
    s.high.push_back(p);
    s.low.push_back(p);
    s.close.push_back(p);
    s.volume.push_back(1);
  }
  return s;
}

struct Stream {
  BarSeries bars;
  int64_t tf;
};

std::vector<BarWindow> run(const std::vector<Stream>& streams, size_t target,
                           int64_t* window_ms = nullptr) {
  std::vector<std::unique_ptr<BarSource>> src;
  for (const Stream& s : streams) src.push_back(make_series_source(s.bars, s.tf));
  WindowPlanner p(std::move(src), target);
  if (window_ms) *window_ms = p.window_ms();
  std::vector<BarWindow> out;
  while (auto w = p.next()) out.push_back(std::move(*w));
  BOOST_TEST(!p.next().has_value());  // stays done
  return out;
}

// Checks every structural promise and that the windows hold exactly the
// input bars, each in the window containing its close time.
void check_windows(const std::vector<Stream>& streams, const std::vector<BarWindow>& ws,
                   int64_t window_ms) {
  BOOST_TEST_REQUIRE(!ws.empty());
  std::vector<BarSeries> got(streams.size());
  for (size_t n = 0; n < ws.size(); ++n) {
    const BarWindow& w = ws[n];
    BOOST_TEST(w.last == (n + 1 == ws.size()));
    // Ids are grid positions: increasing, each window naming the next one.
    if (n > 0) BOOST_TEST(w.window > ws[n - 1].window);
    if (n + 1 < ws.size()) BOOST_TEST(w.next_window == ws[n + 1].window);
    BOOST_TEST(w.start_ms - ws[0].start_ms == static_cast<int64_t>(w.window - ws[0].window) * window_ms);
    BOOST_TEST(w.end_ms - w.start_ms == window_ms);
    BOOST_TEST(w.start_ms % window_ms == 0);  // UTC-aligned
    if (n > 0) BOOST_TEST(w.start_ms >= ws[n - 1].end_ms);
    BOOST_TEST(w.bars() > 0u);
    BOOST_TEST_REQUIRE(w.offsets.size() == w.streams.size() + 1);
    BOOST_TEST(w.offsets.front() == 0u);
    BOOST_TEST(w.offsets.back() == w.bars());
    BOOST_TEST(w.open_time_ms.size() == w.bars());
    BOOST_TEST(w.volume.size() == w.bars());
    for (size_t k = 0; k < w.streams.size(); ++k) {
      if (k > 0) BOOST_TEST(w.streams[k] > w.streams[k - 1]);  // ascending, each once
      BOOST_TEST(w.offsets[k + 1] > w.offsets[k]);             // no empty runs
      const uint32_t id = w.streams[k];
      BOOST_TEST_REQUIRE(id < streams.size());
      for (uint32_t i = w.offsets[k]; i < w.offsets[k + 1]; ++i) {
        const int64_t close_time = w.open_time_ms[i] + streams[id].tf;
        BOOST_TEST((close_time >= w.start_ms && close_time < w.end_ms));
        BarSeries& g = got[id];
        g.open_time_ms.push_back(w.open_time_ms[i]);
        g.open.push_back(w.open[i]);
        g.high.push_back(w.high[i]);
        g.low.push_back(w.low[i]);
        g.close.push_back(w.close[i]);
        g.volume.push_back(w.volume[i]);
      }
    }
  }
  for (size_t id = 0; id < streams.size(); ++id) {  // union == input, in order
    const BarSeries& a = streams[id].bars;
    const BarSeries& b = got[id];
    BOOST_TEST(a.open_time_ms == b.open_time_ms);
    BOOST_TEST((a.open == b.open && a.high == b.high && a.low == b.low && a.close == b.close &&
                a.volume == b.volume));
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(series_source_reads_by_close_time) {
  auto src = make_series_source(series({0, kHour, 2 * kHour, 5 * kHour}), kHour);
  BOOST_TEST(src->timeframe_ms() == kHour);
  BOOST_TEST(src->next_close_ms() == kHour);
  std::vector<int64_t> t;
  std::vector<double> o, h, l, c, v;
  BOOST_TEST(src->read_until(kHour, t, &o, &h, &l, c, &v) == 0u);  // close == end is not < end
  BOOST_TEST(src->read_until(kHour + 1, t, &o, &h, &l, c, &v) == 1u);
  BOOST_TEST(src->read_until(3 * kHour + 1, t, &o, &h, &l, c, &v) == 2u);
  BOOST_TEST(src->next_close_ms() == 6 * kHour);
  BOOST_TEST(src->read_until(kNoMore, t, &o, &h, &l, c, &v) == 1u);
  BOOST_TEST(src->next_close_ms() == kNoMore);
  BOOST_TEST(src->read_until(kNoMore, t, &o, &h, &l, c, &v) == 0u);
  BOOST_TEST(t == (std::vector<int64_t>{0, kHour, 2 * kHour, 5 * kHour}));
  BOOST_TEST(c == (std::vector<double>{1, 2, 3, 4}));
  BOOST_TEST((o.size() == 4 && h.size() == 4 && l.size() == 4 && v.size() == 4));
}

BOOST_AUTO_TEST_CASE(window_length_follows_target_bars) {
  const std::vector<Stream> hd = {{series({0}), kHour}, {series({0}), kDay}};
  int64_t w = 0;
  run(hd, 25, &w);  // 24 hourly + 1 daily bars per day
  BOOST_TEST(w == kDay);
  run(hd, 16384, &w);  // floor(16384 * 24 / 25) = 15728 hours
  BOOST_TEST(w == 15728 * kHour);
  run(hd, 37, &w);  // 37 / (25/24 per hour) = 35.52 h -> 35 h
  BOOST_TEST(w == 35 * kHour);
  run(hd, 1, &w);  // never below the smallest timeframe
  BOOST_TEST(w == kHour);
  run(hd, 0, &w);
  BOOST_TEST(w == kHour);
  run({{series({0}), kDay}}, 7, &w);
  BOOST_TEST(w == 7 * kDay);
}

BOOST_AUTO_TEST_CASE(real_1h_and_1d_cover_every_bar_once) {
  const std::vector<Stream> streams = {{load("BTCUSDT-1h.csv", kHour), kHour},
                                       {load("BTCUSDT-1d.csv", kDay), kDay}};
  for (size_t target : {1, 50, 4096, 1000000}) {
    int64_t w = 0;
    const auto ws = run(streams, target, &w);
    BOOST_TEST_CONTEXT("target " << target) { check_windows(streams, ws, w); }
  }
}

BOOST_AUTO_TEST_CASE(rows_are_grouped_by_stream_in_id_order) {
  // Stream 1 (daily) has bars before stream 0 (hourly) starts; ids decide order.
  const std::vector<Stream> streams = {{series({kDay, kDay + kHour, 3 * kDay}), kHour},
                                       {series({0, kDay, 2 * kDay}), kDay},
                                       {series({kDay + 2 * kHour}), kHour}};
  int64_t w = 0;
  const auto ws = run(streams, 1000, &w);  // a 489 h window: everything in one window
  BOOST_TEST_REQUIRE(ws.size() == 1u);
  check_windows(streams, ws, w);
  BOOST_TEST(ws[0].streams == (std::vector<uint32_t>{0, 1, 2}));
  BOOST_TEST(ws[0].offsets == (std::vector<uint32_t>{0, 3, 6, 7}));
  BOOST_TEST(ws[0].close == (std::vector<double>{1, 2, 3, 1, 2, 3, 1}));
}

BOOST_AUTO_TEST_CASE(same_input_gives_same_windows) {
  const std::vector<Stream> streams = {{load("ETHUSDT-4h.csv", 4 * kHour), 4 * kHour},
                                       {load("ETHUSDT-1d.csv", kDay), kDay}};
  const auto a = run(streams, 300);
  const auto b = run(streams, 300);
  BOOST_TEST_REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    BOOST_TEST((a[i].window == b[i].window && a[i].start_ms == b[i].start_ms &&
                a[i].end_ms == b[i].end_ms && a[i].last == b[i].last));
    BOOST_TEST((a[i].streams == b[i].streams && a[i].offsets == b[i].offsets));
    BOOST_TEST((a[i].open_time_ms == b[i].open_time_ms && a[i].close == b[i].close &&
                a[i].volume == b[i].volume));
  }
}

BOOST_AUTO_TEST_CASE(empty_windows_are_skipped_across_the_33_hour_gap) {
  const std::vector<Stream> streams = {{load("BTCUSDT-1h.csv", kHour), kHour}};
  int64_t w = 0;
  const auto ws = run(streams, 1, &w);
  BOOST_TEST_REQUIRE(w == kHour);
  check_windows(streams, ws, w);
  BOOST_TEST(ws.size() == 45024u);  // one window per bar: no empty windows
  // Last bar before the outage opens 2018-02-08 00:00 UTC; the next one
  // opens 2018-02-09 10:00 UTC, 33 missing hours later.
  const int64_t before = 1518048000000LL;
  size_t n = 0;
  while (n < ws.size() && ws[n].open_time_ms[0] != before) ++n;
  BOOST_TEST_REQUIRE(n + 1 < ws.size());
  BOOST_TEST(ws[n].end_ms == before + 2 * kHour);
  BOOST_TEST(ws[n + 1].start_ms - ws[n].end_ms == 33 * kHour);
  BOOST_TEST(ws[n + 1].open_time_ms[0] == before + 34 * kHour);
  BOOST_TEST(ws[n + 1].window == ws[n].window + 34);  // ids are grid positions
  BOOST_TEST(ws[n].next_window == ws[n + 1].window);  // and the gap is announced
}

BOOST_AUTO_TEST_CASE(synthetic_gap_with_two_streams) {
  // Both streams go quiet for ten days; 1-day windows must jump over it.
  const std::vector<Stream> streams = {{series({0, kHour, 11 * kDay}), kHour},
                                       {series({0, 11 * kDay}), kDay}};
  int64_t w = 0;
  const auto ws = run(streams, 25, &w);
  BOOST_TEST_REQUIRE(w == kDay);
  check_windows(streams, ws, w);
  BOOST_TEST_REQUIRE(ws.size() == 4u);
  BOOST_TEST(ws[0].start_ms == 0);          // hourly bars closing 01:00, 02:00
  BOOST_TEST(ws[1].start_ms == kDay);       // the daily bar closing at day 1
  BOOST_TEST(ws[2].start_ms == 11 * kDay);  // hourly closing 11d 01:00
  BOOST_TEST(ws[3].start_ms == 12 * kDay);  // daily closing at day 12
  BOOST_TEST(ws[3].last);
}

BOOST_AUTO_TEST_CASE(bars_before_the_epoch_get_floor_aligned_windows) {
  const std::vector<Stream> streams = {{series({-3 * kHour, -kHour, 0}), kHour},
                                       {series({-kDay}), kDay}};
  int64_t w = 0;
  const auto ws = run(streams, 25, &w);
  BOOST_TEST_REQUIRE(w == kDay);
  check_windows(streams, ws, w);
  BOOST_TEST_REQUIRE(ws.size() == 2u);
  BOOST_TEST(ws[0].start_ms == -kDay);  // closes -2h, 0 -> [-1d, 0) and [0, 1d)
  BOOST_TEST(ws[1].start_ms == 0);
}

BOOST_AUTO_TEST_CASE(no_bars_means_no_windows) {
  BOOST_TEST(run({}, 100).empty());
  BOOST_TEST(run({{series({}), kHour}, {series({}), kDay}}, 100).empty());
  const auto one = run({{series({}), kHour}, {series({5 * kDay}), kDay}}, 100);
  BOOST_TEST_REQUIRE(one.size() == 1u);
  BOOST_TEST(one[0].last);
  BOOST_TEST(one[0].streams == (std::vector<uint32_t>{1}));
}
