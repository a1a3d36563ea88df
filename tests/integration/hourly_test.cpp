#define BOOST_TEST_MODULE integration_hourly
// Cadence "hourly" end to end: a backtest simulated from 1h bars is the same
// twice over and equal to a replay of it; a hand-checked daily buy at 13:00.
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "tests/integration/node_common.hpp"

using namespace tn;
using namespace tn::test;

namespace {

constexpr int64_t H = 3'600'000;
constexpr int64_t D = 24 * H;

// The bundled CSV's header and rows opening before `until_ms`, into dir.
std::string head_of(const std::string& name, int64_t until_ms, const std::string& dir) {
  std::istringstream in(read_file(data_dir() + "/binance/" + name));
  std::string out, line;
  std::getline(in, line);
  out = line + "\n";
  while (std::getline(in, line) && std::stoll(line.substr(0, line.find(','))) < until_ms) out += line + "\n";
  const std::string path = dir + "/" + name;
  std::ofstream(path) << out;
  return path;
}

std::string hourly_config(const std::string& dir, int64_t until_ms, const std::string& node_extra) {
  std::ostringstream c;
  c << make_config({{"BTCUSDT", "1d", head_of("BTCUSDT-1d.csv", until_ms, dir), 10, -4, 4},
                    {"BTCUSDT", "4h", head_of("BTCUSDT-4h.csv", until_ms, dir), 20, -3, 3},
                    // BTC's checks are priced by its 1h stream
                    {"BTCUSDT", "1h", head_of("BTCUSDT-1h.csv", until_ms, dir), 20, -3, 3},
                    {"ETHUSDT", "1d", head_of("ETHUSDT-1d.csv", until_ms, dir), 10, -4, 4}},
                   node_extra);
  // ETH's by hourly_data
  c << "hourly_data = \"" << head_of("ETHUSDT-1h.csv", until_ms, dir) << "\"\n";
  c << "[schedule]\ncadence = \"hourly\"\n";
  return c.str();
}

// "bar_open symbol side quantity" of every fill in a backtest's trades.csv.
std::vector<std::string> fills_of(const std::string& out) {
  std::vector<std::string> fills;
  auto rows = read_csv(out + "/trades.csv");
  for (size_t i = 1; i < rows.size(); ++i) fills.push_back(rows[i][0] + " " + rows[i][1] + " " + rows[i][3] + " " + rows[i][5]);
  return fills;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_backtest_of_hourly_is_deterministic_and_a_replay_of_it_trades_the_same) {
  TempDir t;
  const int64_t until = 1'502'928'000'000 + 90 * D;  // the first 90 days of the bundled bars
  const std::string cfg = t.path() + "/hourly.toml";
  std::ofstream(cfg) << hourly_config(t.path(), until, "");
  auto a = run_backtest(cfg, t.path() + "/a");
  BOOST_REQUIRE_MESSAGE(a.exit_code == 0, a.output);
  auto b = run_backtest(cfg, t.path() + "/b");
  BOOST_REQUIRE_MESSAGE(b.exit_code == 0, b.output);
  for (const char* f : {"trades.csv", "signals.csv", "equity.csv"})
    BOOST_TEST(read_file(t.path() + "/a/" + f) == read_file(t.path() + "/b/" + f), f);

  // Decided at the hours: some 1d signal away from its bar's close, and
  // some 1d stream filled twice in one day (each with its own order id).
  const auto fills = fills_of(t.path() + "/a");
  BOOST_TEST(fills.size() > 20u);
  size_t intraday = 0;
  for (const auto& row : read_csv(t.path() + "/a/signals.csv"))
    if (row.size() > 3 && row[3] == "1d" && (std::stoll(row[0]) - std::stoll(row[1])) != D) ++intraday;
  BOOST_TEST(intraday > 0u);
  std::map<std::string, int> per_day;
  for (const auto& f : fills)
    if (f.find(" BUY ") != std::string::npos) ++per_day[f.substr(0, f.find(" BUY "))];
  bool repeated = false;
  for (const auto& [k, n] : per_day) repeated = repeated || n > 1;
  BOOST_TEST(repeated);

  // A replay of the same config (flat out) books the same fills.
  NodeSetup n;
  n.db = t.path() + "/node.lmdb";
  n.control = "tcp://127.0.0.1:" + std::to_string(free_tcp_port());
  n.publish = "tcp://127.0.0.1:" + std::to_string(free_tcp_port());
  std::string node = hourly_config(t.path(), until, "db_path = \"" + n.db + "\"\nreplay_interval_ms = 0\ndb_durable = false\n");
  node.replace(node.find("mode = \"backtest\""), 17, "mode = \"replay\"");
  node.replace(node.find("publish = \"tcp://127.0.0.1:0\""), 29,
               "publish = \"" + n.publish + "\"\ncontrol = \"" + n.control + "\"");
  n.config = t.path() + "/node.toml";
  std::ofstream(n.config) << node;
  auto run = wait_process(start_node(n), std::chrono::seconds(240));
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.output);
  BOOST_TEST(ledger_fills(n.db, "acct-1") == fills, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_daily_stream_crossing_at_13_buys_at_13_at_that_hours_close) {
  // By hand: MA3 of a 1d stream, days 0 and 1 closed at 100. On day 2 every
  // hour closes at 99 (MA (100+100+99)/3 = 99.67: -0.7%), except the 12:00
  // bar, closing at 13:00 at 90: (100+100+90)/3 = 96.67, -6.9%, below -5%.
  // So one BUY, at 13:00, at 90: 30% of 10000 = 3000 USDT, 33.33333333 BTC.
  TempDir t;
  const int64_t day0 = 1'700'006'400'000;  // a UTC midnight
  std::string hours = "open_time_ms,open,high,low,close,volume\n";
  for (int64_t h = 0; h < 72; ++h) {
    const char* px = h < 48 ? "100" : (h == 48 + 12 ? "90" : "99");
    hours += std::to_string(day0 + h * H) + "," + px + "," + px + "," + px + "," + px + ",1\n";
  }
  std::ofstream(t.path() + "/h.csv") << hours;
  std::ofstream(t.path() + "/d.csv") << "open_time_ms,open,high,low,close,volume\n"
                                     << day0 << ",100,100,100,100,24\n"
                                     << day0 + D << ",100,100,100,100,24\n"
                                     << day0 + 2 * D << ",99,99,90,99,24\n";
  const std::string cfg = t.path() + "/c.toml";
  std::ofstream(cfg) << make_config({{"BTCUSDT", "1d", t.path() + "/d.csv", 3, -5, 5}})
                     << "hourly_data = \"" << t.path() << "/h.csv\"\n[schedule]\ncadence = \"hourly\"\n";
  auto r = run_backtest(cfg, t.path() + "/out");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  const auto trades = read_csv(t.path() + "/out/trades.csv");
  BOOST_REQUIRE(trades.size() == 2u);
  BOOST_TEST(trades[1][0] == std::to_string(day0 + 2 * D));  // the day's candle
  BOOST_TEST(trades[1][3] == "BUY");
  BOOST_TEST(trades[1][4] == "90");
  BOOST_TEST(trades[1][5] == "33.33333333");
  const auto signals = read_csv(t.path() + "/out/signals.csv");
  BOOST_REQUIRE(signals.size() == 2u);
  BOOST_TEST(signals[1][0] == std::to_string(day0 + 2 * D + 13 * H));  // decided at 13:00
  BOOST_TEST(signals[1][8] == "filled");

  // The same in cadence "close": the day closes at 99 (-0.3%): nothing.
  std::ofstream(cfg) << make_config({{"BTCUSDT", "1d", t.path() + "/d.csv", 3, -5, 5}});
  auto c = run_backtest(cfg, t.path() + "/close");
  BOOST_REQUIRE_MESSAGE(c.exit_code == 0, c.output);
  BOOST_TEST(read_csv(t.path() + "/close/trades.csv").size() == 1u);
}

BOOST_AUTO_TEST_CASE(hourly_without_a_symbols_1h_bars_is_a_config_error) {
  TempDir t;
  const std::string cfg = t.path() + "/c.toml";
  std::ofstream(cfg) << make_config({{"BTCUSDT", "1d", data_dir() + "/binance/BTCUSDT-1d.csv"}})
                     << "[schedule]\ncadence = \"hourly\"\n";
  auto r = run_backtest(cfg, t.path() + "/out");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.output.find("watchlist.BTCUSDT: [schedule] cadence = \"hourly\" prices each check from the "
                           "symbol's 1h bars") != std::string::npos, r.output);
}
