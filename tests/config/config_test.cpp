// The TOML loader: the example config loads with its values; every kind of
// mistake is rejected with a message naming the file and the full key.
#define BOOST_TEST_MODULE config_load
#include "config/config.hpp"

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using namespace tn;

namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 86'400'000;

const std::string kStream = "[watchlist.BTCUSDT.1d]\nma_period = 20\n";

std::string source_dir() {
  const char* d = std::getenv("TN_SOURCE_DIR");
  return d ? d : ".";
}

// The error message of parsing `text` as config.toml ("" when it loads).
std::string error_of(const std::string& text) {
  auto r = parse_config(text, "config.toml");
  if (r.ok()) return "";
  BOOST_TEST((r.error().code == Errc::invalid_input));
  return r.error().message;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(example_backtest_config_loads) {
  const std::string path = source_dir() + "/config/backtest.toml";
  auto r = load_config(path);
  BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.error().message));
  const Config& c = *r;
  BOOST_TEST(c.source_path == path);
  BOOST_TEST(c.node_name == "backtest-demo");
  BOOST_TEST(c.mode == "backtest");
  BOOST_TEST(c.db_path == "backtest.lmdb");
  BOOST_TEST(c.db_map_size_mb == 1024u);
  BOOST_TEST(!c.db_durable);
  BOOST_TEST(c.threads == 0u);  // a backtest: one per core
  BOOST_TEST(c.account_id == "demo");
  BOOST_TEST(c.starting_balance == 10000.0);
  BOOST_TEST(c.quote == "USDT");
  BOOST_TEST(c.allocation.size() == 3u);
  BOOST_TEST(c.allocation_for("4h") == 0.20);
  BOOST_TEST(c.allocation_for("1w") == 0.10);
  BOOST_TEST(c.min_trade_value == 10.0);
  BOOST_TEST((c.fee_rate >= 0 && c.fee_rate < 0.1));
  BOOST_TEST(c.publish == "tcp://127.0.0.1:5555");
  BOOST_TEST(c.control == "tcp://127.0.0.1:5556");
  BOOST_TEST(c.wait_ms == 2000u);
  BOOST_TEST(c.send_hwm == 100000u);
  BOOST_TEST(c.batch_bars == 65536u);
  BOOST_TEST(c.equity_interval_ms == kDay);
  BOOST_TEST(c.status_interval_ms == 6 * kHour);
  BOOST_TEST(c.shards == 2u);
  BOOST_TEST(!c.backtest_publish);  // a backtest binds no port by default
  // Sorted by (symbol, tf_ms): BTCUSDT 4h, BTCUSDT 1d, ETHUSDT 1d.
  BOOST_TEST_REQUIRE(c.watchlist.size() == 3u);
  BOOST_TEST(c.watchlist[0].symbol == "BTCUSDT");
  BOOST_TEST(c.watchlist[0].timeframe == "4h");
  BOOST_TEST(c.watchlist[0].tf_ms == 4 * kHour);
  BOOST_TEST(c.watchlist[1].timeframe == "1d");
  BOOST_TEST(c.watchlist[2].symbol == "ETHUSDT");
  for (const StreamConfig& s : c.watchlist) {
    BOOST_TEST(s.ma_period == 20);
    BOOST_TEST(s.buy_threshold == -5.0);
    BOOST_TEST(s.sell_threshold == 5.0);
    // Resolved against the config's folder and pointing at the bundled data.
    BOOST_TEST(fs::exists(s.data), s.data);
    BOOST_TEST(fs::path(s.data).filename() == s.symbol + "-" + s.timeframe + ".csv");
  }
}

BOOST_AUTO_TEST_CASE(minimal_config_gets_the_defaults) {
  auto r = parse_config(kStream, "config.toml");
  BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.error().message));
  const Config d;
  BOOST_TEST(r->node_name == d.node_name);
  BOOST_TEST(r->mode == "backtest");
  BOOST_TEST(r->at_end == "exit");
  BOOST_TEST(!r->db_durable);  // backtest default
  BOOST_TEST(r->account_id == "default");
  BOOST_TEST(r->starting_balance == d.starting_balance);
  BOOST_TEST(r->allocation == d.allocation);
  BOOST_TEST(r->batch_bars == d.batch_bars);
  BOOST_TEST(r->watchlist[0].buy_threshold == -5.0);
  BOOST_TEST(r->watchlist[0].data == "");  // not resolved: parse_config has no folder
  auto live = parse_config("[node]\nmode = \"live\"\n" + kStream, "config.toml");
  BOOST_TEST_REQUIRE(live.ok());
  BOOST_TEST(live->db_durable);
}

BOOST_AUTO_TEST_CASE(all_spec_keys_load) {
  const std::string text = R"(
[node]
name = "n1"
mode = "replay"
db_path = "/tmp/x.lmdb"
db_map_size_mb = 64
db_durable = false
at_end = "stay"
threads = 1
[account]
id = "acct-1"
starting_balance = 2500.5
quote = "USDT"
[sizing]
allocation = { "1h" = 1, "1d" = 0.5 }
default_allocation = 0.05
min_trade_value = 0
fee_rate = 0
[bus]
publish = "ipc:///tmp/pub"
control = "inproc://ctl"
wait_subscribers = 2
wait_ms = 0
publish_bars = true
send_hwm = 0
[backtest]
batch_bars = 1
equity_interval = "4h"
status_interval = "15m"
shards = 64
publish = true
[watchlist.ETHUSDT.1h]
ma_period = 1
buy_threshold = -2.5
sell_threshold = 3
data = "eth.csv"
[watchlist.BTCUSDT.1w]
[watchlist.BTCUSDT.15m]
)";
  auto r = parse_config(text, "config.toml");
  BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.error().message));
  const Config& c = *r;
  BOOST_TEST(c.mode == "replay");
  BOOST_TEST(c.db_map_size_mb == 64u);
  BOOST_TEST(!c.db_durable);
  BOOST_TEST(c.threads == 1u);
  BOOST_TEST(c.starting_balance == 2500.5);
  BOOST_TEST(c.allocation.size() == 2u);  // replaces the built-in table
  BOOST_TEST(c.allocation_for("1h") == 1.0);
  BOOST_TEST(c.allocation_for("4h") == 0.05);
  BOOST_TEST(c.at_end == "stay");
  BOOST_TEST(c.publish_bars);
  BOOST_TEST(c.backtest_publish);
  BOOST_TEST(c.wait_subscribers == 2u);
  BOOST_TEST(c.send_hwm == 0u);
  BOOST_TEST(c.batch_bars == 1u);
  BOOST_TEST(c.equity_interval_ms == 4 * kHour);
  BOOST_TEST(c.status_interval_ms == 15 * 60'000);
  BOOST_TEST(c.shards == 64u);
  BOOST_TEST_REQUIRE(c.watchlist.size() == 3u);
  BOOST_TEST(c.watchlist[0].timeframe == "15m");
  BOOST_TEST(c.watchlist[1].timeframe == "1w");
  BOOST_TEST(c.watchlist[2].symbol == "ETHUSDT");
  BOOST_TEST(c.watchlist[2].ma_period == 1);
  BOOST_TEST(c.watchlist[2].sell_threshold == 3.0);
  BOOST_TEST(c.watchlist[2].data == "eth.csv");
}

BOOST_AUTO_TEST_CASE(unknown_tables_and_keys_are_named) {
  BOOST_TEST(starts_with(error_of("[sizing]\nmin_trade = 5\n" + kStream),
                         "config.toml: unknown key 'sizing.min_trade' (line 2)"));
  BOOST_TEST(starts_with(error_of("[nodes]\nname = \"x\"\n" + kStream),
                         "config.toml: unknown table 'nodes'"));
  BOOST_TEST(
      starts_with(error_of("verbose = true\n" + kStream), "config.toml: unknown key 'verbose'"));
  BOOST_TEST(starts_with(error_of(kStream + "ma = 3\n"),
                         "config.toml: unknown key 'watchlist.BTCUSDT.1d.ma'"));
  BOOST_TEST(starts_with(error_of("[backtest.extra]\n" + kStream),
                         "config.toml: unknown table 'backtest.extra'"));
}

BOOST_AUTO_TEST_CASE(wrong_types_are_named) {
  BOOST_TEST(
      starts_with(error_of("[account]\nstarting_balance = \"lots\"\n" + kStream),
                  "config.toml: key 'account.starting_balance' must be a number, got string"));
  BOOST_TEST(starts_with(
      error_of("[node]\ndb_durable = 1\n" + kStream),
      "config.toml: key 'node.db_durable' must be a boolean (true or false), got integer"));
  BOOST_TEST(starts_with(error_of("[backtest]\nshards = 2.0\n" + kStream),
                         "config.toml: key 'backtest.shards' must be an integer, got float"));
  BOOST_TEST(starts_with(error_of("[backtest]\nequity_interval = 86400000\n" + kStream),
                         "config.toml: key 'backtest.equity_interval' must be a timeframe string "
                         "like \"1d\", got integer"));
  BOOST_TEST(starts_with(error_of("node = 3\n" + kStream),
                         "config.toml: key 'node' must be a table, got integer"));
  BOOST_TEST(starts_with(
      error_of("[watchlist.BTCUSDT.1d]\nbuy_threshold = [1]\n"),
      "config.toml: key 'watchlist.BTCUSDT.1d.buy_threshold' must be a number, got array"));
  BOOST_TEST(starts_with(error_of("[sizing]\nallocation = { \"1d\" = \"half\" }\n" + kStream),
                         "config.toml: key 'sizing.allocation.1d' must be a number, got string"));
  BOOST_TEST(starts_with(error_of("[watchlist.BTCUSDT]\n\"1d\" = 5\n"),
                         "config.toml: key 'watchlist.BTCUSDT.1d' must be a table, got integer"));
}

// A node decides on one scheduler thread, a backtest uses every core;
// [node] threads says otherwise (0: one per core).
BOOST_AUTO_TEST_CASE(threads_default_by_mode_and_can_be_set) {
  const auto threads = [](const std::string& node) {
    auto r = parse_config(node + kStream, "config.toml");
    BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.error().message));
    return r->threads;
  };
  BOOST_TEST(threads("") == 0u);
  BOOST_TEST(threads("[node]\nmode = \"backtest\"\n") == 0u);
  BOOST_TEST(threads("[node]\nmode = \"replay\"\n") == 1u);
  BOOST_TEST(threads("[node]\nmode = \"live\"\n") == 1u);
  BOOST_TEST(threads("[node]\nmode = \"live\"\nthreads = 0\n") == 0u);
  BOOST_TEST(threads("[node]\nmode = \"backtest\"\nthreads = 3\n") == 3u);
}

BOOST_AUTO_TEST_CASE(out_of_range_values_are_named) {
  const auto err = [](const std::string& table, const std::string& kv) {
    return error_of("[" + table + "]\n" + kv + "\n" + kStream);
  };
  BOOST_TEST(starts_with(err("node", "mode = \"paper\""),
                         "config.toml: key 'node.mode' must be one of backtest, replay, live"));
  BOOST_TEST(starts_with(err("node", "at_end = \"wait\""),
                         "config.toml: key 'node.at_end' must be exit or stay, got \"wait\""));
  BOOST_TEST(starts_with(err("node", "db_map_size_mb = 0"),
                         "config.toml: key 'node.db_map_size_mb' must be in [1, "));
  BOOST_TEST(starts_with(err("node", "threads = -1"), "config.toml: key 'node.threads' must be in [0, 256]"));
  BOOST_TEST(starts_with(err("node", "threads = 100000"), "config.toml: key 'node.threads' must be in [0, 256]"));
  BOOST_TEST(starts_with(err("node", "threads = \"2\""), "config.toml: key 'node.threads' must be an integer"));
  BOOST_TEST(
      starts_with(err("node", "name = \"\""), "config.toml: key 'node.name' must not be empty"));
  BOOST_TEST(starts_with(err("account", "starting_balance = 0"),
                         "config.toml: key 'account.starting_balance' must be > 0, got 0"));
  BOOST_TEST(starts_with(err("account", "starting_balance = nan"),
                         "config.toml: key 'account.starting_balance' must be a finite number"));
  BOOST_TEST(starts_with(err("account", "quote = \"usdt\""),
                         "config.toml: key 'account.quote' must be uppercase"));
  BOOST_TEST(starts_with(err("sizing", "allocation = { \"1d\" = 1.5 }"),
                         "config.toml: key 'sizing.allocation.1d' must be in (0, 1], got 1.5"));
  BOOST_TEST(starts_with(err("sizing", "allocation = { \"1x\" = 0.5 }"),
                         "config.toml: key 'sizing.allocation.1x': \"1x\" is not a timeframe"));
  BOOST_TEST(
      starts_with(err("sizing", "allocation = { \"24h\" = 0.5 }"),
                  "config.toml: key 'sizing.allocation.24h': write the timeframe as \"1d\""));
  BOOST_TEST(starts_with(err("sizing", "default_allocation = 0"),
                         "config.toml: key 'sizing.default_allocation' must be in (0, 1]"));
  BOOST_TEST(starts_with(err("sizing", "min_trade_value = -1"),
                         "config.toml: key 'sizing.min_trade_value' must be >= 0"));
  BOOST_TEST(starts_with(err("sizing", "fee_rate = 0.1"),
                         "config.toml: key 'sizing.fee_rate' must be in [0, 0.1), got 0.1"));
  BOOST_TEST(starts_with(err("bus", "publish = \"localhost\""),
                         "config.toml: key 'bus.publish' must be a ZeroMQ endpoint"));
  BOOST_TEST(starts_with(err("bus", "control = \"tcp://127.0.0.1:5555\""),
                         "config.toml: key 'bus.control' must differ"));
  BOOST_TEST(
      starts_with(err("bus", "wait_ms = -1"), "config.toml: key 'bus.wait_ms' must be in [0, "));
  BOOST_TEST(starts_with(err("backtest", "batch_bars = 0"),
                         "config.toml: key 'backtest.batch_bars' must be in [1, "));
  BOOST_TEST(starts_with(err("backtest", "shards = 65"),
                         "config.toml: key 'backtest.shards' must be in [1, 64], got 65"));
  BOOST_TEST(starts_with(err("backtest", "status_interval = \"6 hours\""),
                         "config.toml: key 'backtest.status_interval' must be a timeframe"));
  // Not the endpoint: that is [bus] publish, which a backtest binds only when this is true.
  BOOST_TEST(starts_with(err("backtest", "publish = \"tcp://127.0.0.1:5555\""),
                         "config.toml: key 'backtest.publish' must be a boolean"));
}

BOOST_AUTO_TEST_CASE(watchlist_rules) {
  BOOST_TEST(starts_with(error_of(""),
                         "config.toml: no streams: add at least one [watchlist.SYMBOL.TF] table"));
  BOOST_TEST(starts_with(error_of("[watchlist]\n"), "config.toml: no streams"));
  BOOST_TEST(starts_with(error_of("[watchlist.BTCUSDT]\n"),
                         "config.toml: key 'watchlist.BTCUSDT' has no timeframes"));
  BOOST_TEST(starts_with(error_of("[watchlist.btcusdt.1d]\n"),
                         "config.toml: key 'watchlist.btcusdt': symbol must be uppercase"));
  BOOST_TEST(starts_with(error_of("[watchlist.BTCEUR.1d]\n"),
                         "config.toml: key 'watchlist.BTCEUR': symbol must be uppercase letters "
                         "and digits ending in the quote currency 'USDT'"));
  BOOST_TEST(starts_with(error_of("[watchlist.USDT.1d]\n"),
                         "config.toml: key 'watchlist.USDT': symbol must"));
  BOOST_TEST(error_of("[account]\nquote = \"EUR\"\n[watchlist.BTCEUR.1d]\n") == "");
  BOOST_TEST(starts_with(error_of("[watchlist.BTCUSDT.2x]\n"),
                         "config.toml: key 'watchlist.BTCUSDT.2x': \"2x\" is not a timeframe"));
  BOOST_TEST(
      starts_with(error_of("[watchlist.BTCUSDT.60m]\n"),
                  "config.toml: key 'watchlist.BTCUSDT.60m': write the timeframe as \"1h\""));
  BOOST_TEST(starts_with(error_of("[watchlist.BTCUSDT.1d]\nma_period = 0\n"),
                         "config.toml: key 'watchlist.BTCUSDT.1d.ma_period' must be in [1, "));
  BOOST_TEST(starts_with(
      error_of("[watchlist.BTCUSDT.1d]\nma_period = 2.5\n"),
      "config.toml: key 'watchlist.BTCUSDT.1d.ma_period' must be an integer, got float"));
  BOOST_TEST(starts_with(error_of("[watchlist.BTCUSDT.1d]\nbuy_threshold = 6\n"),
                         "config.toml: key 'watchlist.BTCUSDT.1d.buy_threshold' is invalid: "
                         "buy_threshold 6 must be below sell_threshold 5"));
  BOOST_TEST(starts_with(error_of("[watchlist.BTCUSDT.1d]\ndata = \"\"\n"),
                         "config.toml: key 'watchlist.BTCUSDT.1d.data' must not be empty"));
  BOOST_TEST(starts_with(
      error_of("[watchlist.BTCUSDT.1d]\nbuy_threshold = -3\nsell_threshold = 4.5\n"), ""));
}

BOOST_AUTO_TEST_CASE(toml_syntax_errors_give_line_and_column) {
  const std::string m = error_of("[node]\nname = \"x\"\nmode = backtest\n" + kStream);
  BOOST_TEST(starts_with(m, "config.toml:3:"), m);
  const std::string dup = error_of("[node]\nname = \"x\"\nname = \"y\"\n" + kStream);
  BOOST_TEST(starts_with(dup, "config.toml:3:"), dup);
}

BOOST_AUTO_TEST_CASE(load_config_reads_files_and_resolves_data_paths) {
  const fs::path dir = fs::temp_directory_path() / ("tn_config_test_" + std::to_string(::getpid()));
  fs::create_directories(dir / "sub");
  const fs::path file = dir / "sub" / "c.toml";
  std::ofstream(file) << "[watchlist.BTCUSDT.1d]\ndata = \"../d/btc.csv\"\n"
                         "[watchlist.ETHUSDT.1d]\ndata = \"/abs/eth.csv\"\n";
  auto r = load_config(file.string());
  BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.error().message));
  BOOST_TEST(r->watchlist[0].data == (dir / "d" / "btc.csv").string());
  BOOST_TEST(r->watchlist[1].data == "/abs/eth.csv");

  std::ofstream(file) << "[sizing]\nmin_trade = 1\n" << kStream;
  auto bad = load_config(file.string());
  BOOST_TEST_REQUIRE(!bad.ok());
  BOOST_TEST(starts_with(bad.error().message, file.string() + ": unknown key 'sizing.min_trade'"));

  auto missing = load_config((dir / "none.toml").string());
  BOOST_TEST_REQUIRE(!missing.ok());
  BOOST_TEST((missing.error().code == Errc::io));
  BOOST_TEST(missing.error().message.find("none.toml") != std::string::npos);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(schedule_defaults_are_the_hourly_daemons_intervals) {
  auto c = parse_config(kStream, "config.toml");
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->cadence == "close");
  BOOST_TEST(!c->hourly());
  BOOST_TEST(c->check_every_ms == kHour);
  BOOST_TEST(c->min_check_interval_ms("1h") == 300'000);
  BOOST_TEST(c->min_check_interval_ms("4h") == 1'200'000);
  BOOST_TEST(c->min_check_interval_ms("1d") == 3'600'000);
  BOOST_TEST(c->min_check_interval_ms("15m") == 600'000);  // any other timeframe
  BOOST_TEST(c->min_check_interval_ms("1w") == 600'000);
}

BOOST_AUTO_TEST_CASE(schedule_section_is_read_and_merged_over_the_defaults) {
  auto c = parse_config("[schedule]\ncadence = \"hourly\"\ncheck_every = \"15m\"\n"
                        "min_check_intervals = { \"1d\" = 7200, \"15m\" = 60 }\n" + kStream +
                            "hourly_data = \"btc-1h.csv\"\n",
                        "config.toml");
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->hourly());
  BOOST_TEST(c->check_every_ms == 15 * 60'000);
  BOOST_TEST(c->min_check_interval_ms("1d") == 7'200'000);
  BOOST_TEST(c->min_check_interval_ms("15m") == 60'000);
  BOOST_TEST(c->min_check_interval_ms("4h") == 1'200'000);  // not listed: the default stays
  BOOST_TEST(c->watchlist.at(0).hourly_data == "btc-1h.csv");
  BOOST_TEST(parse_config("[schedule]\ncheck_every = \"2h\"\n" + kStream, "c").ok());
}

BOOST_AUTO_TEST_CASE(schedule_mistakes_are_named) {
  BOOST_TEST(starts_with(error_of("[schedule]\ncadence = \"minutely\"\n" + kStream),
                         "config.toml: key 'schedule.cadence' must be close or hourly"));
  BOOST_TEST(starts_with(error_of("[schedule]\ncheck_every = \"45m\"\n" + kStream),
                         "config.toml: key 'schedule.check_every' must divide 1h"));
  BOOST_TEST(starts_with(error_of("[schedule]\ncheck_every = \"90m\"\n" + kStream),
                         "config.toml: key 'schedule.check_every' must divide 1h"));
  BOOST_TEST(starts_with(error_of("[schedule]\ncheck_every = \"soon\"\n" + kStream),
                         "config.toml: key 'schedule.check_every' must be a timeframe"));
  BOOST_TEST(starts_with(error_of("[schedule]\nmin_check_intervals = { \"24h\" = 60 }\n" + kStream),
                         "config.toml: key 'schedule.min_check_intervals.24h': write the timeframe as \"1d\""));
  BOOST_TEST(starts_with(error_of("[schedule]\nmin_check_intervals = { \"1h\" = -1 }\n" + kStream),
                         "config.toml: key 'schedule.min_check_intervals.1h' must be in [0, 604800]"));
  BOOST_TEST(starts_with(error_of("[schedule]\nmin_check_intervals = { \"1h\" = \"5m\" }\n" + kStream),
                         "config.toml: key 'schedule.min_check_intervals.1h' must be an integer"));
  BOOST_TEST(starts_with(error_of("[schedule]\nevery = \"1h\"\n" + kStream),
                         "config.toml: unknown key 'schedule.every'"));
}
