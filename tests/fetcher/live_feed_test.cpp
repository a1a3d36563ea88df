// The live fetcher's core against the loopback fake exchange, on a manual
// clock (the checks' times and the market cache's "now" move only when the
// test says): a bar not served yet at its check is a data.late, asked for
// again with backoff inside its late window and decided when it comes; one
// that never comes is given up at the window's end (a data.error, no retry
// after it); a first check decides the newest bar only while it is news.
#define BOOST_TEST_MODULE fetcher_live_feed
#include <boost/test/unit_test.hpp>

#include "actors/fetcher/live_feed.hpp"
#include "common/clock.hpp"
#include "market/market_data.hpp"
#include "tests/market/market_test_util.hpp"

using namespace tn;
using namespace tn::test;

namespace {

constexpr int64_t M = 60'000;
constexpr int64_t H = kHourMs;
constexpr int64_t T = 1'704'067'200'000 + 10 * H;  // 2024-01-01 10:00 UTC

// n bars of tf, the last one opening at last_open.
BarSeries bars_until(int64_t last_open, int64_t tf, int n) {
  BarSeries s;
  for (int i = n - 1; i >= 0; --i) {
    const double p = 100 + (i % 7);
    s.open_time_ms.push_back(last_open - i * tf);
    s.open.push_back(p);
    s.high.push_back(p + 2);
    s.low.push_back(p - 2);
    s.close.push_back(p + 1);
    s.volume.push_back(10);
  }
  return s;
}

// A LiveFeed over MarketData (with its cache) at the fake exchange; the
// clock is the cache's "now", each check's time is given.
struct Rig {
  Rig(int64_t tf, BarSeries bars) : tf(tf) {
    FakeExchangeOptions fo;
    fo.data_dir = data_dir();
    ex = std::make_unique<FakeExchange>(fo);
    ex->add_series("BTCUSDT", tf, std::move(bars));
    market::MarketDataOptions o;
    o.sources["binance"] = test_settings(*ex);
    o.cache_path = dir.file("cache");
    o.clock = [c = clock] { return c->now_ms(); };
    auto md = market::MarketData::open(o);
    BOOST_REQUIRE(md.ok());
    feed = std::make_unique<LiveFeed>(std::shared_ptr<market::MarketData>(std::move(*md)),
                                      std::vector<LiveStream>{{0, "binance", "BTCUSDT", tf, 20}}, INT64_MIN,
                                      false);
  }
  // A check of stream 0 at t: (warm-up bars, decided bars' open times).
  std::pair<size_t, std::vector<int64_t>> check(int64_t t) {
    clock->set(t);
    CheckRequest req{++window, t, {0}, false};
    size_t warm = 0;
    std::vector<int64_t> decided;
    for (const BarWindow& w : feed->answer(req)) {
      if (w.warmup) warm += w.bars();
      else decided.insert(decided.end(), w.open_time_ms.begin(), w.open_time_ms.end());
    }
    return {warm, decided};
  }
  std::string state(int64_t t) const { return feed->data_states(t).streams.at(0).state; }

  int64_t tf;
  TempDir dir;
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(0);
  std::unique_ptr<FakeExchange> ex;
  std::unique_ptr<LiveFeed> feed;
  uint64_t window = 0;
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_late_bar_is_asked_again_with_backoff_and_decided_when_it_comes) {
  Rig r(M, bars_until(T - M, M, 40));
  // Started half a minute before T: history warms up, the newest bar (closed 30 s ago) is decided.
  auto [warm, decided] = r.check(T - 30'000);
  BOOST_TEST(warm > 20u);
  BOOST_TEST((decided == std::vector<int64_t>{T - 2 * M}));
  BOOST_TEST(r.feed->take_late().empty());
  BOOST_TEST(r.state(T - 20'000) == data_state::ok);

  // At T the bar opening T - 1m has closed, but the exchange has not published it.
  r.ex->withhold("BTCUSDT", T - M);
  const uint64_t asked = r.ex->requests_for("BTCUSDT");
  BOOST_TEST(r.check(T).second.empty());
  auto late = r.feed->take_late();
  BOOST_REQUIRE_EQUAL(late.size(), 1u);
  BOOST_TEST(late[0].bar_open_ms == T - M);
  BOOST_TEST(late[0].due_ms == T);
  BOOST_TEST(late[0].attempt == 1u);
  BOOST_TEST(late[0].retry_at_ms == T + 2'000);
  BOOST_TEST(r.feed->take_errors().empty());  // late, not an error (yet)
  BOOST_TEST(r.state(T + 1'000) == data_state::late);
  BOOST_TEST(r.feed->data_states(T + 1'000).streams[0].since_ms == T);

  BOOST_TEST(r.check(T + 2'000).second.empty());  // still not there
  late = r.feed->take_late();
  BOOST_REQUIRE_EQUAL(late.size(), 1u);
  BOOST_TEST(late[0].attempt == 2u);
  BOOST_TEST(late[0].retry_at_ms == T + 6'000);

  r.ex->withhold("BTCUSDT", INT64_MAX);  // published
  decided = r.check(T + 6'000).second;
  BOOST_TEST((decided == std::vector<int64_t>{T - M}));  // decided, not warm-up
  BOOST_TEST(r.feed->take_late().empty());
  BOOST_TEST(r.feed->take_errors().empty());
  BOOST_TEST(r.state(T + 7'000) == data_state::ok);
  // Every retry asked the exchange: the market cache kept no hole.
  BOOST_TEST(r.ex->requests_for("BTCUSDT") == asked + 3);
}

BOOST_AUTO_TEST_CASE(a_bar_that_never_comes_is_given_up_when_its_late_window_ends) {
  Rig r(M, bars_until(T - M, M, 40));
  r.check(T - 30'000);
  r.ex->withhold("BTCUSDT", T - M);
  std::vector<int64_t> retries;
  int64_t t = T;
  for (int i = 0; i < 10 && t != kNeverMs; ++i) {
    BOOST_TEST(r.check(t).second.empty());
    auto late = r.feed->take_late();
    BOOST_REQUIRE_EQUAL(late.size(), 1u);
    BOOST_TEST(late[0].attempt == static_cast<uint32_t>(i + 1));
    t = late[0].retry_at_ms;
    if (t != kNeverMs) retries.push_back(t);
  }
  // 2, 4, 8, 16 s apart; the next (at +62 s) would be after the next bar is due.
  BOOST_TEST((retries == std::vector<int64_t>{T + 2'000, T + 6'000, T + 14'000, T + 30'000}));
  auto errors = r.feed->take_errors();
  BOOST_REQUIRE_EQUAL(errors.size(), 1u);
  BOOST_TEST(errors[0].second.find("not served within its late window: 5 answers") != std::string::npos,
             errors[0].second);
  BOOST_TEST(r.state(T + 31'000) == data_state::stale);
  // No retry after the window: a run-now at T + 40 s asks, but reports nothing new.
  BOOST_TEST(r.check(T + 40'000).second.empty());
  BOOST_TEST(r.feed->take_late().empty());
  BOOST_TEST(r.feed->take_errors().empty());
  // The next bar is due at T + 1m and missing too: a new late bar.
  BOOST_TEST(r.check(T + M).second.empty());
  auto late = r.feed->take_late();
  BOOST_REQUIRE_EQUAL(late.size(), 1u);
  BOOST_TEST(late[0].bar_open_ms == T);
  BOOST_TEST(late[0].attempt == 1u);
  // Both published now: the one past its window only warms up, the newer one is decided.
  r.ex->add_series("BTCUSDT", M, bars_until(T, M, 41));
  r.ex->withhold("BTCUSDT", INT64_MAX);
  auto [warm, decided] = r.check(T + M + 2'000);
  BOOST_TEST((decided == std::vector<int64_t>{T}));
  BOOST_TEST(r.state(T + M + 3'000) == data_state::ok);
}

BOOST_AUTO_TEST_CASE(the_first_check_decides_the_newest_bar_only_while_it_is_news) {
  const int64_t D = kDayMs;
  const int64_t midnight = T - 10 * H;  // the last 1d bar opened the day before and closed here
  {
    Rig r(D, bars_until(midnight - D, D, 40));
    auto [warm, decided] = r.check(midnight + 22 * H);  // closed 22 h ago: stale, warm-up only
    BOOST_TEST(warm == 22u);  // the history asked for: ma_period + 3 bars back
    BOOST_TEST(decided.empty());
    BOOST_TEST(r.feed->take_late().empty());
    BOOST_TEST(r.state(midnight + 22 * H) == data_state::ok);
  }
  {
    Rig r(D, bars_until(midnight - D, D, 40));
    auto [warm, decided] = r.check(midnight + 10 * M);  // 10 min after its close: news
    BOOST_TEST(warm == 21u);
    BOOST_TEST((decided == std::vector<int64_t>{midnight - D}));
  }
  {
    // 1h: the newest bar closed less than an hour ago whenever the node starts.
    Rig r(H, bars_until(T - H, H, 40));
    BOOST_TEST((r.check(T + 59 * M).second == std::vector<int64_t>{T - H}));
  }
}

BOOST_AUTO_TEST_CASE(a_failed_fetch_is_an_error_and_failing_until_the_next_good_answer) {
  Rig r(M, bars_until(T - M, M, 40));
  r.ex->inject("binance", "BTCUSDT", Fault::invalid_json, 1);
  BOOST_TEST(r.check(T + 1'000).second.empty());
  BOOST_TEST(r.feed->take_errors().size() == 1u);
  BOOST_TEST(r.feed->take_late().empty());  // no answer: nothing known to be late
  BOOST_TEST(r.state(T + 2'000) == data_state::failing);
  BOOST_TEST((r.check(T + 5'000).second == std::vector<int64_t>{T - M}));
  BOOST_TEST(r.state(T + 6'000) == data_state::ok);
  // The next bar has closed and its check has not come yet.
  BOOST_TEST(r.state(T + M + 1) == data_state::waiting);
}
