#define BOOST_TEST_MODULE market_live_node
// A live node against the loopback fake exchange: bars fetched at the
// first check (history as warm-up, only the newest bar decided), a symbol
// the exchange does not know is a data.error for that stream while the
// others go on, and the exchange's limits are kept.
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
