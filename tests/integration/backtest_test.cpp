#define BOOST_TEST_MODULE integration_backtest
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <map>

#include <zmq.hpp>

#include "common/amount.hpp"
#include "messages/envelope.hpp"
#include "messages/events.hpp"
#include "notify/templates.hpp"
#include "storage/store.hpp"
#include "tests/integration/backtest_common.hpp"

using namespace tn;
using namespace tn::test;

namespace {

std::string btc(const std::string& tf) { return data_dir() + "/binance/BTCUSDT-" + tf + ".csv"; }
std::string eth(const std::string& tf) { return data_dir() + "/binance/ETHUSDT-" + tf + ".csv"; }

// An independent, deliberately naive version of the MA-distance strategy
// for one stream: recomputes every mean from scratch, keeps balances in the
// same fixed-point units. Produces trades.csv rows.
std::vector<std::string> reference_trades(const std::string& csv, int ma_period, double buy, double sell,
                                          double allocation) {
  auto rows = read_csv(csv);
  std::vector<double> close;
  std::vector<int64_t> open_ms;
  for (size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].size() < 6) continue;
    open_ms.push_back(std::stoll(rows[i][0]));
    close.push_back(std::stod(rows[i][4]));
  }
  Amount usdt = 10000 * kAmountScale, base = 0;
  std::vector<std::string> out;
  for (size_t i = ma_period - 1; i < close.size(); ++i) {
    double sum = 0;
    for (size_t k = i + 1 - ma_period; k <= i; ++k) sum += close[k];
    const double ma = sum / ma_period;
    const double d = (close[i] - ma) / ma * 100;
    auto row = [&](const char* side, Amount q, Amount v) {
      std::ostringstream s;
      s << open_ms[i] << ",BTCUSDT,1d," << side << "," << rows[i + 1][4] << "," << format_amount(q)
        << "," << format_amount(v) << "," << format_amount(usdt);
      out.push_back(s.str());
    };
    if (d <= buy) {
      Amount size = static_cast<Amount>(static_cast<__int128>(usdt) * std::llround(allocation * 1e9) / 1000000000);
      if (base > 0) size /= 2;
      if (size < 10 * kAmountScale) continue;  // rejected: below the minimum
      Amount q = quantity_for(size, close[i]);
      usdt -= size;
      base += q;
      row("BUY", q, size);
    } else if (d >= sell && base > 0) {
      Amount v = value_at(base, close[i]);
      usdt += v;
      Amount q = base;
      base = 0;
      row("SELL", q, v);
    }
  }
  return out;
}

// A config whose [bus] publish is the default endpoint, as a user's would be.
std::string default_endpoint_config(TempDir& t) {
  std::string text = make_config({{"BTCUSDT", "1d", btc("1d")}, {"BTCUSDT", "4h", btc("4h")}, {"ETHUSDT", "1d", eth("1d")}});
  text.replace(text.find("tcp://127.0.0.1:0"), 17, "tcp://127.0.0.1:5555");
  return t.write("c.toml", text);
}

size_t trade_fills_in_log(const std::string& db) {
  storage::OpenOptions o;
  o.path = db;
  auto store = storage::Store::open(o);
  BOOST_REQUIRE(store.ok());
  auto events = store.value()->events().read_from(1, 1'000'000);
  BOOST_REQUIRE(events.ok());
  size_t fills = 0;
  for (const auto& [seq, bytes] : events.value()) {
    auto env = decode_envelope(bytes);
    BOOST_REQUIRE(env.ok());
    fills += env->header.type == topic::trade_fill;
  }
  return fills;
}

std::vector<std::string> lines_after_header(const std::string& path) {
  std::istringstream in(read_file(path));
  std::vector<std::string> out;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(btc_daily_matches_naive_reference_and_hand_checks) {
  TempDir t;
  auto cfg = t.write("c.toml", make_config({{"BTCUSDT", "1d", btc("1d")}}));
  auto r = run_backtest(cfg, t.file("out"), {"--report"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  auto got = lines_after_header(t.file("out/trades.csv"));
  auto want = reference_trades(btc("1d"), 20, -5, 5, 0.30);
  BOOST_REQUIRE_EQUAL(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) BOOST_TEST(got[i] == want[i], "row " << i);
  // Checked by hand against data/binance/BTCUSDT-1d.csv: on 2017-09-10 the
  // close 4130.37 is 6.04% under MA20 4395.921 -> BUY 30% of 10000 USDT =
  // 3000 USDT, 3000 / 4130.37 = 0.72632718 BTC (rounded down).
  BOOST_REQUIRE(!got.empty());
  BOOST_TEST(got[0] == "1505001600000,BTCUSDT,1d,BUY,4130.37,0.72632718,3000.00000000,7000.00000000");
  // Next day, 2017-09-12 close 4163.72 is 5.52% under MA20: a second BUY,
  // halved because BTC is held: 7000 x 0.30 / 2 = 1050 USDT.
  BOOST_TEST(got[1] == "1505174400000,BTCUSDT,1d,BUY,4163.72,0.25217834,1050.00000000,5950.00000000");
  auto summary = read_file(t.file("out/summary.json"));
  BOOST_TEST(summary.find("\"bars\": 1881") != std::string::npos);
  // --report: one offline page with both charts and the last fill (the
  // page lists the last 200; integration_report checks its figures).
  auto report = read_file(t.file("out/report.html"));
  BOOST_TEST(report.find("<!DOCTYPE html>") == 0u);
  BOOST_TEST(report.find(">Equity</h3><svg") != std::string::npos);
  BOOST_TEST(report.find(">Drawdown</h3><svg") != std::string::npos);
  const auto last = read_csv(t.file("out/trades.csv")).back();
  BOOST_TEST(report.find("<td class=\"n\">" + notify::format_decimal(last[5], -1) + "</td>") != std::string::npos);
  BOOST_TEST(report.find("http") == report.find("http://www.w3.org/2000/svg"));  // nothing fetched from the net
}

BOOST_AUTO_TEST_CASE(same_input_same_output_and_ledger_agrees) {
  TempDir t;
  auto cfg = t.write("c.toml", make_config({{"BTCUSDT", "1d", btc("1d")},
                                            {"BTCUSDT", "4h", btc("4h")},
                                            {"ETHUSDT", "1d", eth("1d")}}));
  auto r1 = run_backtest(cfg, t.file("a"));
  BOOST_REQUIRE_MESSAGE(r1.exit_code == 0, r1.output);
  auto r2 = run_backtest(cfg, t.file("b"));
  BOOST_REQUIRE_MESSAGE(r2.exit_code == 0, r2.output);
  for (const char* f : {"trades.csv", "signals.csv", "equity.csv"}) {
    const auto a = read_file(t.file(std::string("a/") + f));
    BOOST_TEST(a.size() > 100u);
    BOOST_TEST(a == read_file(t.file(std::string("b/") + f)), f << " differs between runs");
  }
  // summary.json: identical but for the two timing fields.
  auto strip = [](std::string s) {
    for (const char* key : {"\"seconds\"", "\"bars_per_sec\""}) {
      auto p = s.find(key);
      if (p != std::string::npos) s.erase(p, s.find('\n', p) - p);
    }
    return s;
  };
  BOOST_TEST(strip(read_file(t.file("a/summary.json"))) == strip(read_file(t.file("b/summary.json"))));

  // The durable ledger agrees with trades.csv: final USDT and every order.
  auto trades = read_csv(t.file("a/trades.csv"));
  BOOST_REQUIRE(trades.size() > 10u);
  storage::OpenOptions o;
  o.path = t.file("a/ledger.lmdb");
  auto store = storage::Store::open(o);
  BOOST_REQUIRE(store.ok());
  auto usdt = store.value()->ledger().balance("acct-1", "USDT");
  BOOST_REQUIRE(usdt.ok());
  BOOST_TEST(format_amount(usdt.value()) == trades.back()[7]);
  auto orders = store.value()->ledger().orders("acct-1");
  BOOST_REQUIRE(orders.ok());
  size_t filled = 0;
  for (const auto& o2 : orders.value()) filled += o2.filled;
  BOOST_TEST(filled == trades.size() - 1);
  // Every signal that was decided "order" has an order, and no filled 4h BUY
  // of BTC shares its instant with a filled 1d SELL of BTC (the conflict rule).
  auto signals = read_csv(t.file("a/signals.csv"));
  std::map<std::string, std::vector<std::vector<std::string>>> by_instant;
  for (size_t i = 1; i < signals.size(); ++i) by_instant[signals[i][0] + signals[i][2]].push_back(signals[i]);
  size_t conflicts = 0;
  for (const auto& [k, sigs] : by_instant) {
    bool sell_1d = false;
    for (const auto& s : sigs) sell_1d |= s[3] == "1d" && s[4] == "SELL" && s[8] == "filled";
    for (const auto& s : sigs)
      if (sell_1d && s[3] == "4h" && s[4] == "BUY") {
        BOOST_TEST(s[8] == "dropped");
        ++conflicts;
      }
  }
  BOOST_TEST_MESSAGE("conflicts seen in real data: " << conflicts);
}

BOOST_AUTO_TEST_CASE(ledger_full_is_a_clear_error_and_the_ledger_stays_consistent) {
  TempDir t;
  auto cfg = t.write("c.toml", make_config({{"BTCUSDT", "4h", btc("4h")}, {"ETHUSDT", "1d", eth("1d")}},
                                           "db_map_size_mb = 1"));
  auto r = run_backtest(cfg, t.file("out"));
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.output.find("full") != std::string::npos, r.output);
  storage::OpenOptions o;
  o.path = t.file("out/ledger.lmdb");
  o.map_size_bytes = 1 << 20;
  auto store = storage::Store::open(o);
  BOOST_REQUIRE(store.ok());
  auto orders = store.value()->ledger().orders("acct-1");
  BOOST_REQUIRE(orders.ok());
  BOOST_TEST(!orders.value().empty());
  // Replaying the stored orders from the starting balance lands exactly on
  // the stored balances: no fill was half written.
  Amount usdt = 10000 * kAmountScale;
  std::map<std::string, Amount> base;
  for (const auto& o2 : orders.value()) {
    if (!o2.filled) continue;
    if (o2.request.side == "BUY") {
      usdt -= o2.value + o2.fee;
      base[o2.request.base] += o2.quantity;
    } else {
      usdt += o2.value - o2.fee;
      base[o2.request.base] -= o2.quantity;
    }
    BOOST_TEST(usdt == o2.quote_after);
  }
  BOOST_TEST(store.value()->ledger().balance("acct-1", "USDT").value() == usdt);
  for (const auto& [asset, q] : base) BOOST_TEST(store.value()->ledger().balance("acct-1", asset).value() == q);
}

BOOST_AUTO_TEST_CASE(results_do_not_depend_on_window_size_or_shards) {
  // Windows and shards are how the work is cut, never what is decided: one
  // shard with tiny windows and four shards with big ones give the same files.
  TempDir t;
  const std::vector<StreamSpec> streams{{"BTCUSDT", "1d", btc("1d")},
                                        {"BTCUSDT", "4h", btc("4h")},
                                        {"ETHUSDT", "1d", eth("1d")},
                                        {"ETHUSDT", "4h", eth("4h")}};
  auto small = t.write("small.toml", make_config(streams) + "[backtest]\nshards = 1\nbatch_bars = 7\n");
  auto big = t.write("big.toml", make_config(streams) + "[backtest]\nshards = 4\nbatch_bars = 100000\n");
  auto r1 = run_backtest(small, t.file("a"));
  BOOST_REQUIRE_MESSAGE(r1.exit_code == 0, r1.output);
  auto r2 = run_backtest(big, t.file("b"));
  BOOST_REQUIRE_MESSAGE(r2.exit_code == 0, r2.output);
  for (const char* f : {"trades.csv", "signals.csv", "equity.csv"}) {
    const auto a = read_file(t.file(std::string("a/") + f));
    BOOST_TEST(a.size() > 100u);
    BOOST_TEST(a == read_file(t.file(std::string("b/") + f)), f << " depends on how the work was cut");
  }
}

BOOST_AUTO_TEST_CASE(publish_bars_logs_every_bar_with_its_snapshot) {
  TempDir t;
  auto cfg = t.write("c.toml", make_config({{"BTCUSDT", "1d", btc("1d")}}, "", "publish_bars = true\n"));
  auto r = run_backtest(cfg, t.file("out"));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  storage::OpenOptions o;
  o.path = t.file("out/ledger.lmdb");
  auto store = storage::Store::open(o);
  BOOST_REQUIRE(store.ok());
  auto events = store.value()->events().read_from(1, 100000);
  BOOST_REQUIRE(events.ok());
  std::vector<BarEvent> bars;
  for (const auto& [seq, bytes] : events.value()) {
    auto env = decode_envelope(bytes);
    BOOST_REQUIRE(env.ok());
    if (env->header.type == topic::market_bar) bars.push_back(env->body.get().as<BarEvent>());
  }
  BOOST_REQUIRE_EQUAL(bars.size(), 1881u);  // every bar of the file, once
  // First row of data/binance/BTCUSDT-1d.csv:
  // 1502928000000,4261.48,4485.39,4200.74,4285.08,795.150377
  BOOST_TEST(bars[0].open_time_ms == 1502928000000);
  BOOST_TEST(bars[0].close_time_ms == 1502928000000 + 86400000);
  BOOST_TEST(bars[0].open == 4261.48);
  BOOST_TEST(bars[0].high == 4485.39);
  BOOST_TEST(bars[0].low == 4200.74);
  BOOST_TEST(bars[0].close == 4285.08);
  BOOST_TEST(bars[0].volume == 795.150377);
  BOOST_TEST(std::isnan(bars[0].ma));  // before ma_period bars
  BOOST_TEST(!std::isnan(bars[19].ma));
  BOOST_TEST(bars[19].symbol == "BTCUSDT");
  // The trades are the same with or without the bars on the stream.
  auto cfg2 = t.write("c2.toml", make_config({{"BTCUSDT", "1d", btc("1d")}}));
  auto r2 = run_backtest(cfg2, t.file("out2"));
  BOOST_REQUIRE(r2.exit_code == 0);
  BOOST_TEST(read_file(t.file("out/trades.csv")) == read_file(t.file("out2/trades.csv")));
}

// A backtest publishes only when asked (--publish, [backtest] publish): it
// binds no port, so several run at once on the same config and none of them
// disturbs the others' results.
BOOST_AUTO_TEST_CASE(three_backtests_at_once_all_succeed_with_the_trades_of_one) {
  TempDir t;
  const std::string cfg = default_endpoint_config(t);
  auto single = run_backtest(cfg, t.file("single"));
  BOOST_REQUIRE_MESSAGE(single.exit_code == 0, single.output);
  const std::string expected = read_file(t.file("single/trades.csv"));
  BOOST_REQUIRE(expected.size() > 100u);
  std::vector<Child> runs;
  for (int i = 0; i < 3; ++i)
    runs.push_back(spawn_process({tradernode_bin(), "backtest", "--config", cfg, "--out",
                                  t.file("run" + std::to_string(i)), "--quiet"}));
  for (int i = 0; i < 3; ++i) {
    auto r = wait_process(runs[i], std::chrono::seconds(120));
    BOOST_TEST_REQUIRE(r.exit_code == 0, "run " << i << ": " << r.output);
    const std::string dir = t.file("run" + std::to_string(i));
    BOOST_TEST(read_file(dir + "/trades.csv") == expected, "run " << i << " trades differ");
    // Not published, still logged: every fill is in the run's event log.
    BOOST_TEST(trade_fills_in_log(dir + "/ledger.lmdb") == read_csv(dir + "/trades.csv").size() - 1);
  }
}

// A node on the default endpoint (here: this test's socket on 5555) does
// not stop a backtest; asked to publish there, the backtest says why not.
BOOST_AUTO_TEST_CASE(a_backtest_runs_while_another_process_holds_the_publish_port) {
  TempDir t;
  const std::string cfg = default_endpoint_config(t);
  zmq::context_t ctx;
  zmq::socket_t holder(ctx, zmq::socket_type::pub);
  try {
    holder.bind("tcp://127.0.0.1:5555");
  } catch (const zmq::error_t& e) {
    // Already held by another process on this machine: the same situation.
    BOOST_TEST_MESSAGE("127.0.0.1:5555 already taken elsewhere: " << e.what());
  }
  auto r = run_backtest(cfg, t.file("out"));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  BOOST_TEST(read_csv(t.file("out/trades.csv")).size() > 10u);
  auto published = run_backtest(cfg, t.file("pub"), {"--publish"});
  BOOST_TEST(published.exit_code == 1);
  BOOST_TEST(published.output.find("cannot bind XPUB to tcp://127.0.0.1:5555") != std::string::npos,
             published.output);
}
