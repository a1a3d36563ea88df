#define BOOST_TEST_MODULE market_live_node
// A live node against the loopback fake exchange: bars fetched at the
// first check (history as warm-up, only the newest bar decided), a symbol
// the exchange does not know is a data.error for that stream while the
// others go on, and the exchange's limits are kept. A bar the exchange
// publishes late is a data.late, status says "late" while the node asks
// again, and the bar is decided once it comes.
#include <boost/test/unit_test.hpp>

#include "tests/market/live_node_util.hpp"

using namespace tn;
using namespace tn::test;

BOOST_AUTO_TEST_CASE(a_live_node_fetches_decides_the_newest_bar_and_reports_a_bad_stream) {
  FakeExchangeOptions fo;
  fo.data_dir = data_dir();
  FakeExchange fx(fo);
  const int64_t now = wall_clock_ms();
  for (const char* s : {"BTCUSDT", "ETHUSDT"})
    fx.add_series(s, kLiveHourMs, recent_hourly_bars(data_dir() + "/binance/" + s + "-1h.csv", 200, now));

  TempDir t;
  std::vector<StreamSpec> streams{{"BTCUSDT", "1h", ""}, {"ETHUSDT", "1h", ""}, {"NOSUCHUSDT", "1h", ""}};
  NodeSetup n = make_live_node(t.path(), streams,
                               "[sources]\ncache_path = \"" + t.path() + "/cache\"\n[sources.binance]\nbase_url = \"" +
                                   fx.base_url() + "\"\nmax_attempts = 2\nbackoff_initial_ms = 10\n");
  Child node = start_node(n);
  BOOST_REQUIRE(wait_control(n));
  // The first check runs at once (nothing checked yet); wait for it.
  nlohmann::json s;
  for (int i = 0; i < 100; ++i) {
    s = nlohmann::json::parse(ctl(n, {"status"}).output);
    if (s["signal_checks"].get<int>() >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_TEST(s["mode"] == "live");
  BOOST_TEST(s["signal_checks"].get<int>() >= 3);
  for (const auto& w : s["watchlist"]) BOOST_TEST(w["last_check_ms"].get<int64_t>() > now - 60'000);
  BOOST_REQUIRE(ctl(n, {"stop"}).exit_code == 0);
  auto end = wait_process(node, std::chrono::seconds(30));
  BOOST_REQUIRE_MESSAGE(end.exit_code == 0, end.output);

  const auto log = read_log(n.db);
  size_t errors = 0, decisions = 0;
  for (const auto& e : log) {
    if (e.type == "data.error") {
      ++errors;
      BOOST_TEST(e.body["stream"] == "NOSUCHUSDT:1h");
    }
    if (e.type.rfind("signal.", 0) == 0) {
      ++decisions;
      BOOST_TEST(e.body["symbol"] != "NOSUCHUSDT");
    }
  }
  BOOST_TEST(errors >= 1u);
  BOOST_TEST(decisions <= 2u);  // history was warm-up: at most the newest bar of each good stream
  BOOST_TEST(fx.counts("binance").requests >= 3u);
  BOOST_TEST(fx.counts("binance").violations == 0u);
}

BOOST_AUTO_TEST_CASE(a_bar_published_late_is_data_late_then_decided_and_status_shows_it_in_between) {
  int64_t now = wall_clock_ms();
  // The retries of the newest 1h bar must end before the next hour: a start
  // in an hour's last half minute waits for the hour to turn first.
  if (now % kLiveHourMs > kLiveHourMs - 30'000) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kLiveHourMs - now % kLiveHourMs + 1'000));
    now = wall_clock_ms();
  }
  FakeExchangeOptions fo;
  fo.data_dir = data_dir();
  FakeExchange fx(fo);
  const BarSeries bars = recent_hourly_bars(data_dir() + "/binance/BTCUSDT-1h.csv", 200, now);
  const int64_t newest = bars.open_time_ms.back();
  fx.add_series("BTCUSDT", kLiveHourMs, bars);
  fx.withhold("BTCUSDT", newest);  // closed, not published yet

  TempDir t;
  // Tiny thresholds: the newest bar is surely a signal, so "decided" shows.
  std::vector<StreamSpec> streams{{"BTCUSDT", "1h", "", 20, -0.0001, 0.0001}};
  NodeSetup n = make_live_node(t.path(), streams,
                               "[sources]\ncache_path = \"" + t.path() + "/cache\"\n[sources.binance]\nbase_url = \"" +
                                   fx.base_url() + "\"\nmax_attempts = 2\nbackoff_initial_ms = 10\n");
  Child node = start_node(n);
  require_control(n, node);

  // The first check's answer ends before the newest bar: data.late at once.
  auto late = wait_events(n, 0, "data.late", 1, std::chrono::seconds(30));
  BOOST_REQUIRE_EQUAL(late.size(), 1u);
  const auto& body = late[0]["body"];
  BOOST_TEST(body["stream"] == "BTCUSDT:1h");
  BOOST_TEST(body["symbol"] == "BTCUSDT");
  BOOST_TEST(body["timeframe"] == "1h");
  BOOST_TEST(body["bar_open_time_ms"].get<int64_t>() == newest);
  BOOST_TEST(body["due_ms"].get<int64_t>() == newest + kLiveHourMs);
  BOOST_TEST(body["attempt"] == 1);
  BOOST_TEST(body["retry_at_ms"].get<int64_t>() > body["due_ms"].get<int64_t>());

  // In between: status says late, nothing was decided from the history.
  auto s = nlohmann::json::parse(ctl(n, {"status"}).output);
  BOOST_TEST(s["watchlist"][0]["data_state"] == "late", s.dump());
  BOOST_TEST(s["watchlist"][0]["data_reason"].get<std::string>().find("answers without it") != std::string::npos);
  for (const auto& e : read_log(n.db)) BOOST_TEST(e.type.rfind("signal.", 0) != 0u, e.type);

  // Published: a retry brings it and the node decides it.
  fx.withhold("BTCUSDT", INT64_MAX);
  auto decided = wait_events(n, late[0]["seq"], "signal.", 1, std::chrono::seconds(60));
  BOOST_REQUIRE_EQUAL(decided.size(), 1u);
  BOOST_TEST(decided[0]["body"]["bar_open_time_ms"].get<int64_t>() == newest);
  s = nlohmann::json::parse(ctl(n, {"status"}).output);
  BOOST_TEST(s["watchlist"][0]["data_state"] == "ok", s.dump());

  BOOST_REQUIRE(ctl(n, {"stop"}).exit_code == 0);
  auto end = wait_process(node, std::chrono::seconds(30));
  BOOST_REQUIRE_MESSAGE(end.exit_code == 0, end.output);
  const auto log = read_log(n.db);
  size_t lates = 0, errors = 0, signals = 0;
  for (const auto& e : log) {
    lates += e.type == "data.late";
    errors += e.type == "data.error";
    signals += e.type.rfind("signal.", 0) == 0;
  }
  BOOST_TEST(lates == 1u);
  BOOST_TEST(errors == 0u);
  BOOST_TEST(signals == 1u);  // the late bar, once
  verify_offline(n.db, "acct-1");
  BOOST_TEST(fx.counts("binance").violations == 0u);
}
