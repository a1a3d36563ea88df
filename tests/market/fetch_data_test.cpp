// `traderctl fetch-data` end to end: the built binary, a config file whose
// [sources] point at the loopback fake exchange, a table, CSV, the cache on
// the second run, files a backtest reads with every served digit, and clear
// errors for bad input.
#define BOOST_TEST_MODULE market_fetch_data
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "market/csv_bars.hpp"
#include "tests/integration/backtest_common.hpp"
#include "tests/market/market_test_util.hpp"

using namespace tn::market;
using tn::kDayMs;

namespace {

int64_t today() {
  return bar_floor(tn::wall_clock_ms(), kDayMs);
}

// BTCUSDT's real daily bars moved forward in time so they end yesterday.
tn::BarSeries recent_btc() {
  tn::BarSeries s = tn::test::read_csv_loosely(tn::test::data_dir() + "/binance/BTCUSDT-1d.csv");
  const int64_t shift = today() - kDayMs - s.open_time_ms.back();
  for (auto& t : s.open_time_ms) t += shift;
  return s;
}

struct Rig {
  Rig() : ex([] {
      tn::test::FakeExchangeOptions o;
      o.data_dir = tn::test::data_dir();
      return o;
    }()) {
    ex.add_series("BTCUSDT", kDayMs, recent_btc());
    ex.add_series("ETHUSDT", kDayMs, recent_btc());
    config = dir.write("sources.toml", "[sources]\ncache_path = \"cache\"\n[sources.binance]\nbase_url = \"" +
                                           ex.base_url() + "\"\ntimeout_ms = 2000\nbackoff_initial_ms = 1\n");
  }
  tn::test::ProcessResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {tn::test::build_dir() + "/tools/traderctl", "fetch-data", "--config", config});
    return tn::test::run_process(args, std::chrono::seconds(30));
  }
  tn::test::TempDir dir;
  tn::test::FakeExchange ex;
  std::string config;
};

}  // namespace

BOOST_AUTO_TEST_CASE(prints_a_table_then_serves_the_second_run_from_the_cache) {
  Rig rig;
  // --days 10 is today's bar and the 9 before it; the fake data ends yesterday.
  auto r = rig.run({"--symbols", "BTC,ETH", "--asset-class", "crypto", "--days", "10"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.output);
  BOOST_TEST(r.output.find("BTCUSDT (binance, 1d): 9 bars") != std::string::npos, r.output);
  BOOST_TEST(r.output.find("ETHUSDT (binance, 1d): 9 bars") != std::string::npos, r.output);
  BOOST_TEST(r.output.find("2 API fetches") != std::string::npos, r.output);
  BOOST_TEST(r.output.find("\r[") == std::string::npos);  // no progress bar off a terminal
  const uint64_t sent = rig.ex.counts("binance").requests;
  auto again = rig.run({"--symbols", "BTC", "--asset-class", "crypto", "--days", "5", "--csv"});
  BOOST_TEST_REQUIRE(again.exit_code == 0, again.output);
  BOOST_TEST(again.output.find("open_time_ms,open,high,low,close,volume\n") != std::string::npos);
  BOOST_TEST(again.output.find("1 from cache, 0 API fetches") != std::string::npos, again.output);
  BOOST_TEST(rig.ex.counts("binance").requests == sent);
  size_t rows = 0;  // the 4 closed bars of the last 5 days: today's is still open
  std::istringstream lines(again.output);
  for (std::string l; std::getline(lines, l);)
    rows += !l.empty() && l[0] >= '0' && l[0] <= '9' && std::count(l.begin(), l.end(), ',') == 5;
  BOOST_TEST(rows == 4u, again.output);
}

BOOST_AUTO_TEST_CASE(failures_and_bad_input_are_reported_with_exit_codes) {
  Rig rig;
  auto r = rig.run({"--symbols", "BTC,NOPE", "--asset-class", "crypto"});
  BOOST_TEST(r.exit_code == 1, r.output);
  BOOST_TEST(r.output.find("NOPE: not found") != std::string::npos, r.output);
  BOOST_TEST(r.output.find("BTCUSDT (binance, 1d): 29 bars") != std::string::npos, r.output);
  BOOST_TEST(rig.run({"--symbols", "BTC", "--asset-class", "bonds"}).exit_code == 2);
  BOOST_TEST(rig.run({"--symbols", "BTC", "--asset-class", "crypto", "--interval", "7h"}).exit_code == 2);
  const std::string bad = rig.dir.write("bad.toml", "[sources.binance]\nrate_limt = 5\n");
  auto b = tn::test::run_process({tn::test::build_dir() + "/tools/traderctl", "fetch-data", "--config", bad,
                                  "--symbols", "BTC", "--asset-class", "crypto"},
                                 std::chrono::seconds(10));
  BOOST_TEST(b.exit_code == 2);
  BOOST_TEST(b.output.find("unknown key 'sources.binance.rate_limt'") != std::string::npos, b.output);
  auto nokey = tn::test::run_process({"/usr/bin/env", "-u", "POLYGON_API_KEY", "-u", "MASSIVE_API_KEY", "-u", "ALPHA_VANTAGE_API_KEY",
                                      tn::test::build_dir() + "/tools/traderctl", "fetch-data", "--config", rig.config,
                                      "--symbols", "AAPL", "--asset-class", "equity"},
                                     std::chrono::seconds(10));
  BOOST_TEST(nokey.exit_code == 1);
  BOOST_TEST(nokey.output.find("ALPHA_VANTAGE_API_KEY is not set") != std::string::npos, nokey.output);
}

// The bars as the fake exchange serves them: Binance sends decimal strings
// with 8 decimals, and what a client can know is their nearest double.
double served(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.8f", v);
  return std::strtod(text, nullptr);
}

BOOST_AUTO_TEST_CASE(csv_files_are_what_a_backtest_reads_with_every_served_digit) {
  Rig rig;
  // Volumes with more significant digits than %.10g kept (12 before the point).
  tn::BarSeries btc = recent_btc();
  for (auto& v : btc.volume) v = v * 1e6 + 0.12345678;
  rig.ex.add_series("BTCUSDT", kDayMs, btc);
  auto r = rig.run({"--symbols", "BTC,ETH", "--asset-class", "crypto", "--days", "40", "--out",
                    rig.dir.file("data/binance")});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.output);
  const std::string csv = rig.dir.file("data/binance/BTCUSDT-1d.csv");
  BOOST_TEST(r.output.find(csv + ": 39 bars") != std::string::npos, r.output);
  BOOST_TEST(r.output.find(rig.dir.file("data/binance/ETHUSDT-1d.csv") + ": 39 bars") != std::string::npos, r.output);

  // The backtest takes the file as it is ...
  const std::string config = rig.dir.write("bt.toml", tn::test::make_config({{"BTCUSDT", "1d", "unused.csv"}}));
  auto bt = tn::test::run_backtest(config, rig.dir.file("out"), {"--data", "BTCUSDT:1d=" + csv});
  BOOST_TEST_REQUIRE(bt.exit_code == 0, bt.output);
  const auto summary = nlohmann::json::parse(tn::test::read_file(rig.dir.file("out/summary.json")));
  BOOST_TEST(summary["bars"].get<uint64_t>() == 39u);
  // ... and reads exactly the served bars: the last 39 of the series.
  auto bars = tn::load_csv_bars(csv, kDayMs);
  BOOST_TEST_REQUIRE(bars.ok(), (bars.ok() ? "" : bars.error().message));
  BOOST_TEST_REQUIRE(bars->size() == 39u);
  const size_t first = btc.size() - 39;
  for (size_t i = 0; i < bars->size(); ++i) {
    BOOST_TEST_CONTEXT("bar " << i) {
      BOOST_TEST(bars->open_time_ms[i] == btc.open_time_ms[first + i]);
      BOOST_TEST(bars->open[i] == served(btc.open[first + i]));
      BOOST_TEST(bars->high[i] == served(btc.high[first + i]));
      BOOST_TEST(bars->low[i] == served(btc.low[first + i]));
      BOOST_TEST(bars->close[i] == served(btc.close[first + i]));
      BOOST_TEST(bars->volume[i] == served(btc.volume[first + i]));
    }
  }
  // --csv is one stream: several symbols without --out are refused.
  BOOST_TEST(rig.run({"--symbols", "BTC,ETH", "--asset-class", "crypto", "--csv"}).exit_code == 2);
  BOOST_TEST(rig.run({"--symbols", "BTC", "--asset-class", "crypto", "--csv", "--out", "x"}).exit_code == 2);
}
