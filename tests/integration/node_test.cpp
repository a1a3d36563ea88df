#define BOOST_TEST_MODULE integration_node
// The running node: replay, traderctl (status, pause, resume, stop,
// verify), tradersub --from, one node per database, hostile control input.
#include <algorithm>

#include <boost/test/unit_test.hpp>

#include "tests/integration/node_common.hpp"

using namespace tn;
using namespace tn::test;

namespace {

std::vector<StreamSpec> daily(const std::vector<std::string>& symbols) {
  std::vector<StreamSpec> out;
  for (const auto& s : symbols) out.push_back({s, "1d", data_dir() + "/binance/" + s + "-1d.csv"});
  return out;
}

nlohmann::json status_of(const NodeSetup& n) {
  auto r = ctl(n, {"status"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  return nlohmann::json::parse(r.output);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_replay_and_a_backtest_of_the_same_data_make_the_same_trades) {
  TempDir t;
  const auto streams = daily({"BTCUSDT", "ETHUSDT", "SOLUSDT"});
  NodeSetup n = make_node(t.path(), streams, 0);
  auto run = wait_process(start_node(n), std::chrono::seconds(120));
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.output);

  const auto expected = backtest_fills(streams, t.path());
  const auto replayed = ledger_fills(n.db, "acct-1");
  BOOST_TEST(expected.size() > 50u);
  BOOST_TEST(replayed == expected, boost::test_tools::per_element());

  // The stream: start, ..., summary, stop; and the chain holds.
  const auto log = read_log(n.db);
  BOOST_REQUIRE(log.size() > 3u);
  BOOST_TEST(log.front().type == "node.start");
  BOOST_TEST(log.front().body["watchlist"].size() == 3u);
  BOOST_TEST(log.front().body["capital"] == "10000.00000000");
  BOOST_TEST(log[log.size() - 2].type == "replay.summary");
  BOOST_TEST(log.back().type == "node.stop");
  BOOST_TEST(log.back().body["reason"] == "end of the recorded data");
}

// at_end = "stay": the summary at the end of the data, then the node serves
// on (status, positions) without deciding anything more, until stopped.
BOOST_AUTO_TEST_CASE(a_node_that_stays_after_its_data_serves_until_stopped) {
  TempDir t;
  NodeSetup n = make_node(t.path(), daily({"BTCUSDT"}), 0, "at_end = \"stay\"\n");
  Child node = start_node(n);
  require_control(n, node);
  // The summary, from the log or live: the data is done.
  auto summary = run_process({tradersub_bin(), "--endpoint", n.publish, "--control", n.control, "--from", "1",
                              "--topic", "node.start", "--topic", "replay.summary", "--count", "2"},
                             std::chrono::seconds(60));
  BOOST_REQUIRE_MESSAGE(summary.exit_code == 0, summary.output);
  // Every event between the start and the summary was filtered out, none
  // lost: no gap.
  BOOST_TEST(summary.output.find("\"warning\"") == std::string::npos, summary.output.substr(0, 2000));
  const auto line = summary.output.substr(summary.output.rfind("{\"body\""));
  const uint64_t trades = nlohmann::json::parse(line.substr(0, line.find('\n')))["body"]["trades"];
  BOOST_TEST(trades > 0u);
  // Still up and answering after its last event, with nothing more to decide.
  const auto s = status_of(n);
  BOOST_TEST(kill(node.pid, 0) == 0);
  BOOST_TEST(s["trades_executed"] == trades);
  // [node] threads unset: a node decides on one scheduler thread.
  BOOST_TEST(s["workers"] == 1);
  BOOST_TEST(ctl(n, {"positions"}).exit_code == 0);
  BOOST_TEST(ctl(n, {"stop"}).exit_code == 0);
  auto run = wait_process(node, std::chrono::seconds(30));
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.output);
  const auto log = read_log(n.db);
  BOOST_REQUIRE(log.size() > 3u);
  BOOST_TEST(log[log.size() - 3].type == "replay.summary");
  BOOST_TEST(log[log.size() - 2].type == "control.action");
  BOOST_TEST(log.back().type == "node.stop");
  BOOST_TEST(log.back().body["reason"] == "stopped");
}

namespace {
// 1h bars from 2024-01-01 00:00Z, one per close given (open = high = low = close).
std::string hourly_csv(const std::string& path, const std::vector<double>& closes) {
  constexpr int64_t T0 = 1704067200000, H = 3600000;
  std::ofstream out(path);
  out << "open_time_ms,open,high,low,close,volume\n";
  for (size_t i = 0; i < closes.size(); ++i)
    out << T0 + static_cast<int64_t>(i) * H << "," << closes[i] << "," << closes[i] << "," << closes[i]
        << "," << closes[i] << ",1\n";
  return path;
}
}  // namespace

// What `traderctl status` says once a replay has run through its data and
// stays up: finished; per stream the last bar decided with the price, MA and
// distance of the last signal; ages and times in the replay's own clock
// (2024), not the wall clock; the free USDT the ledger holds.
BOOST_AUTO_TEST_CASE(status_after_a_replay_tells_its_last_decisions_in_its_own_clock) {
  constexpr int64_t T0 = 1704067200000, H = 3600000;
  TempDir t;
  // BTC, MA(5): a BUY at bar 10 (90), a SELL at 16 (112), a BUY at the last
  // bar (29, 90). ETH: 10 bars for an MA(50), still warming up at the end.
  std::vector<double> btc(30, 100.0);
  btc[10] = 90;
  btc[16] = 112;
  btc[29] = 90;
  const std::vector<StreamSpec> streams{
      {"BTCUSDT", "1h", hourly_csv(t.path() + "/btc.csv", btc), 5},
      {"ETHUSDT", "1h", hourly_csv(t.path() + "/eth.csv", std::vector<double>(10, 50.0)), 50}};
  NodeSetup n = make_node(t.path(), streams, 0, "at_end = \"stay\"\n");
  Child node = start_node(n);
  require_control(n, node);
  BOOST_REQUIRE_MESSAGE(wait_events(n, 0, "replay.summary").size() == 1u, "no replay.summary");

  const auto s = status_of(n);
  BOOST_TEST(s["state"] == "finished");
  BOOST_TEST(s["now_ms"] == T0 + 30 * H);  // the data's last close, not the wall clock
  BOOST_REQUIRE(s["watchlist"].size() == 2u);
  const auto& b = s["watchlist"][0];
  BOOST_TEST(b["stream"] == "BTCUSDT:1h");
  BOOST_TEST(b["warming_up"] == false);
  BOOST_TEST(b["last_check_ms"] == T0 + 30 * H);
  BOOST_TEST(b["next_check_ms"] == 0);  // nothing left to check
  const auto& e = s["watchlist"][1];
  BOOST_TEST(e["stream"] == "ETHUSDT:1h");
  BOOST_TEST(e["warming_up"] == true);
  BOOST_TEST(e["last_bar_ms"] == T0 + 9 * H);
  BOOST_TEST(e["price"] == 50.0);
  BOOST_TEST(e["ma"].is_null());
  BOOST_TEST(e["distance"].is_null());

  // The table: ages against the replay's clock ("0s ago"), not years ago.
  auto table = run_process({traderctl_bin(), "--endpoint", n.control, "status"}, std::chrono::seconds(15));
  BOOST_REQUIRE_MESSAGE(table.exit_code == 0, table.output);
  BOOST_TEST(table.output.find("state          finished") != std::string::npos, table.output);
  BOOST_TEST(table.output.find("clock          2024-01-02 06:00:00Z (simulated)") != std::string::npos);
  const auto row_at = table.output.find("BTCUSDT:1h  ok ");
  BOOST_REQUIRE_MESSAGE(row_at != std::string::npos, table.output);
  const auto row = table.output.substr(row_at, table.output.find('\n', row_at) - row_at);
  BOOST_TEST(row.find("2024-01-02 05:00:00Z") != std::string::npos, row);  // the last bar's open
  BOOST_TEST(row.find("  0s ago ") != std::string::npos, row);  // not "700d 03h ... ago"
  BOOST_TEST(row.find("  none ") != std::string::npos, row);     // no check left
  BOOST_TEST(table.output.find("ETHUSDT:1h  warming up") != std::string::npos);

  BOOST_TEST(ctl(n, {"stop"}).exit_code == 0);
  auto run = wait_process(node, std::chrono::seconds(30));
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.output);

  // The last bar decided is the last signal's, to the digit.
  nlohmann::json last_signal;
  int signals = 0;
  for (const auto& ev : read_log(n.db))
    if (ev.type.rfind("signal.", 0) == 0 && ev.body["symbol"] == "BTCUSDT") {
      last_signal = ev.body;
      ++signals;
    }
  BOOST_TEST(signals == 3);
  BOOST_TEST(b["last_bar_ms"] == last_signal["bar_open_time_ms"]);
  BOOST_TEST(b["last_bar_ms"] == T0 + 29 * H);
  BOOST_TEST(b["price"] == last_signal["price"]);
  BOOST_TEST(b["ma"] == last_signal["ma"]);
  BOOST_TEST(b["distance"] == last_signal["distance"]);
  BOOST_TEST(b["distance"].get<double>() < -5.0);

  storage::OpenOptions o;
  o.path = n.db;
  o.durable = false;
  auto store = storage::Store::open(o);
  BOOST_REQUIRE(store.ok());
  auto usdt = (*store)->ledger().balance("acct-1", "USDT");
  BOOST_REQUIRE(usdt.ok());
  BOOST_TEST(s["free_quote"] == format_amount(*usdt));
  BOOST_TEST(*usdt < 10000 * kAmountScale);  // the last BUY spent some
}

BOOST_AUTO_TEST_CASE(pause_stops_new_trades_while_the_stream_flows_and_resume_brings_them_back) {
  TempDir t;
  // threads = 0: a scheduler thread per core (CAF alone would start 4).
  NodeSetup n = make_node(t.path(), daily({"BTCUSDT", "ETHUSDT"}), 3, "threads = 0\n");
  Child node = start_node(n);
  require_control(n, node);
  auto s = status_of(n);
  BOOST_TEST(s["workers"] == std::max(1u, std::thread::hardware_concurrency()));
  BOOST_TEST(s["mode"] == "replay");
  BOOST_TEST(s["paused"] == false);
  BOOST_TEST(s["watchlist"].size() == 2u);

  // Trading under way first (events, not wall time: a slow machine waits longer).
  BOOST_REQUIRE(wait_events(n, 0, "trade.fill").size() == 1u);
  auto p = ctl(n, {"pause"});
  BOOST_REQUIRE_MESSAGE(p.exit_code == 0, p.output);
  BOOST_TEST(status_of(n)["pause_mode"] == "paused");
  // The pause's control.action, then valuations and a dropped signal after it.
  const auto paused = wait_events(n, 0, "control.action");
  BOOST_REQUIRE(paused.size() == 1u);
  const uint64_t paused_at = paused[0]["seq"];
  BOOST_REQUIRE(wait_events(n, paused_at, "portfolio.status", 2).size() == 2u);
  BOOST_REQUIRE(wait_events(n, paused_at, "signal.dropped").size() == 1u);
  auto r = ctl(n, {"resume"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  const auto resumed = wait_events(n, paused_at, "control.action");
  BOOST_REQUIRE(resumed.size() == 1u);
  BOOST_REQUIRE(wait_events(n, resumed[0]["seq"], "trade.fill").size() == 1u);  // trading again
  s = status_of(n);
  BOOST_TEST(s["paused"] == false);
  BOOST_TEST(s["trades_executed"].get<int>() > 0);
  BOOST_TEST(ctl(n, {"positions"}).exit_code == 0);
  BOOST_TEST(ctl(n, {"profit"}).exit_code == 0);
  BOOST_TEST(ctl(n, {"daily", "5"}).exit_code == 0);
  auto h = ctl(n, {"health"});
  BOOST_REQUIRE_MESSAGE(h.exit_code == 0, h.output);
  BOOST_TEST(nlohmann::json::parse(h.output)["actors"].size() >= 9u);
  auto v = ctl(n, {"verify"});
  BOOST_TEST(v.exit_code == 0, v.output);
  BOOST_TEST(ctl(n, {"stop"}).exit_code == 0);
  auto end = wait_process(node, std::chrono::seconds(30));
  BOOST_REQUIRE_MESSAGE(end.exit_code == 0, end.output);

  const auto log = read_log(n.db);
  size_t pause_at = 0, resume_at = 0;
  for (size_t i = 0; i < log.size(); ++i) {
    if (log[i].type != "control.action") continue;
    if (log[i].body["command"] == "pause") pause_at = i;
    if (log[i].body["command"] == "resume") resume_at = i;
  }
  BOOST_REQUIRE(pause_at > 0 && resume_at > pause_at);
  // While paused: valuation goes on, signals are dropped "paused", and no
  // trade falls between the first and the last such drop. Fills may come
  // before the first (the instant being decided when the pause came:
  // decisions finish whole) and after the last (resume is in force before
  // its control.action event is logged, so a fast instant can slip ahead).
  size_t first_drop = 0, last_drop = 0, statuses = 0, fills_after = 0;
  for (size_t i = pause_at + 1; i < resume_at; ++i) {
    if (log[i].type == "signal.dropped" && log[i].body["reason"] == "paused") {
      if (first_drop == 0) first_drop = i;
      last_drop = i;
    }
    if (log[i].type == "portfolio.status") ++statuses;
  }
  BOOST_REQUIRE_MESSAGE(first_drop > 0, "no signal was dropped while paused");
  std::set<int64_t> before_drops;
  for (size_t i = pause_at + 1; i < resume_at; ++i) {
    if (log[i].type != "trade.fill") continue;
    BOOST_TEST((i < first_drop || i > last_drop), "fill at " << i << " between paused drops");
    if (i < first_drop) before_drops.insert(log[i].body["decided_at_ms"].get<int64_t>());
  }
  BOOST_TEST(before_drops.size() <= 1u);
  for (size_t i = resume_at + 1; i < log.size(); ++i) fills_after += log[i].type == "trade.fill";
  BOOST_TEST(statuses >= 2u);
  BOOST_TEST(fills_after > 0u);
  BOOST_TEST(log.back().type == "node.stop");
  BOOST_TEST(log.back().body["reason"] == "stopped");
}

BOOST_AUTO_TEST_CASE(the_paused_flag_survives_a_restart_and_a_second_node_is_refused) {
  TempDir t;
  NodeSetup n = make_node(t.path(), daily({"BTCUSDT"}), 20);
  Child node = start_node(n);
  require_control(n, node);
  auto second = run_process({tradernode_bin(), "run", "--config", n.config}, std::chrono::seconds(20));
  BOOST_TEST(second.exit_code == 1);
  BOOST_TEST(second.output.find("another tradernode") != std::string::npos, second.output);
  BOOST_REQUIRE(ctl(n, {"pause", "--entries-only"}).exit_code == 0);
  BOOST_REQUIRE(ctl(n, {"stop"}).exit_code == 0);
  BOOST_REQUIRE_EQUAL(wait_process(node, std::chrono::seconds(30)).exit_code, 0);

  Child again = start_node(n);
  require_control(n, again);
  BOOST_TEST(status_of(n)["pause_mode"] == "entries_only");
  kill(again.pid, SIGTERM);  // graceful, like systemd's stop
  auto end = wait_process(again, std::chrono::seconds(30));
  BOOST_TEST(end.exit_code == 0, end.output);
  const auto log = read_log(n.db);
  BOOST_TEST(log.back().type == "node.stop");
  BOOST_TEST(log.back().body["reason"] == "stopped");
}

BOOST_AUTO_TEST_CASE(tradersub_from_the_start_sees_every_event_once_in_order) {
  TempDir t;
  NodeSetup n = make_node(t.path(), daily({"BTCUSDT", "ETHUSDT"}), 2);
  Child node = start_node(n);
  require_control(n, node);
  BOOST_REQUIRE(wait_events(n, 0, "trade.fill").size() == 1u);  // history to catch up on
  auto sub = run_process({tradersub_bin(), "--endpoint", n.publish, "--control", n.control, "--from", "1",
                          "--until", "node.stop", "--timeout-ms", "60000"},
                         std::chrono::seconds(60));
  BOOST_REQUIRE_EQUAL(wait_process(node, std::chrono::seconds(60)).exit_code, 0);
  BOOST_TEST(sub.exit_code == 0);
  std::vector<uint64_t> seqs;
  std::istringstream lines(sub.output);
  std::string line;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("seq")) seqs.push_back(j["seq"]);
  }
  const auto log = read_log(n.db);
  BOOST_REQUIRE(!seqs.empty());
  BOOST_TEST(seqs.size() == log.size());
  for (size_t i = 0; i < seqs.size(); ++i) BOOST_REQUIRE_EQUAL(seqs[i], i + 1);
}

BOOST_AUTO_TEST_CASE(garbage_on_the_control_endpoint_gets_errors_and_the_node_goes_on) {
  TempDir t;
  NodeSetup n = make_node(t.path(), daily({"BTCUSDT"}), 50);
  Child node = start_node(n);
  require_control(n, node);
  {
    zmq::context_t ctx;
    for (const std::string& bad : {std::string("\xc1\xff garbage"), std::string("\x85\xa1v"),
                                   std::string(100 * 1024, 'x'), std::string()}) {
      zmq::socket_t d(ctx, zmq::socket_type::dealer);
      d.set(zmq::sockopt::linger, 0);
      d.set(zmq::sockopt::rcvtimeo, 3000);
      d.connect(n.control);
      d.send(zmq::message_t(), zmq::send_flags::sndmore);
      d.send(zmq::buffer(bad), zmq::send_flags::none);
      zmq::message_t empty, reply;
      BOOST_REQUIRE(d.recv(empty));
      BOOST_REQUIRE(d.recv(reply));
      auto oh = msgpack::unpack(reply.data<char>(), reply.size());
      BOOST_TEST(oh.get().as<ControlReply>().ok == false);
    }
    // A client that sends half a multipart message and vanishes.
    zmq::socket_t d(ctx, zmq::socket_type::dealer);
    d.set(zmq::sockopt::linger, 0);
    d.connect(n.control);
    d.send(zmq::message_t(), zmq::send_flags::sndmore);
  }
  auto unknown = ctl(n, {"status"});
  BOOST_TEST(unknown.exit_code == 0, unknown.output);
  tn::ControlRequest req;
  req.id = "x";
  req.command = "self-destruct";
  auto r = tn::call(n.control, req, std::chrono::seconds(3));
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(!r->ok);
  BOOST_TEST(r->error.find("unknown command") != std::string::npos);
  BOOST_TEST(ctl(n, {"stop"}).exit_code == 0);
  BOOST_TEST(wait_process(node, std::chrono::seconds(30)).exit_code == 0);
}

// The node's log says what a start takes over from the database (pause
// mode, last decided check, the ledger's starting balance, with a warning
// when the config asks for another) and who paused and resumed it.
BOOST_AUTO_TEST_CASE(a_restart_logs_what_it_resumes_and_pause_and_resume_are_logged) {
  TempDir t;
  std::string rows = read_file(data_dir() + "/binance/BTCUSDT-1d.csv");
  for (size_t p = 0, lines = 0; p < rows.size(); ++p)
    if (rows[p] == '\n' && ++lines == 41) rows.resize(p + 1);  // the header and 40 days
  const std::string csv = t.write("BTCUSDT-1d.csv", rows);
  const std::string log_file = t.file("node.log");
  NodeSetup n = make_node(t.path(), {{"BTCUSDT", "1d", csv}}, 1,
                          "at_end = \"stay\"\nlog_file = \"" + log_file + "\"\n");
  Child first = start_node(n);
  require_control(n, first);
  BOOST_REQUIRE(wait_events(n, 0, "replay.summary").size() == 1u);  // every check decided
  for (const char* cmd : {"pause", "resume", "pause"}) {
    auto r = ctl(n, {cmd});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  }
  BOOST_TEST(ctl(n, {"stop"}).exit_code == 0);
  BOOST_REQUIRE_EQUAL(wait_process(first, std::chrono::seconds(30)).exit_code, 0);
  const std::string before = read_file(log_file);
  BOOST_TEST(before.find("not paused (running), last decided check none yet (a new database)") != std::string::npos,
             before);
  BOOST_TEST(before.find("starting balance 10000.00000000 USDT in the ledger, 10000.00000000 in the config") !=
                 std::string::npos,
             before);
  BOOST_TEST(before.find("warn") == std::string::npos, before);
  // Who and what: the client's address and request, and the mode now in force.
  BOOST_TEST(before.find("info control: pause by 127.0.0.1 (request ") != std::string::npos, before);
  BOOST_TEST(before.find("): trading paused (mode paused)") != std::string::npos, before);
  BOOST_TEST(before.find("info control: resume by 127.0.0.1 (request ") != std::string::npos, before);
  BOOST_TEST(before.find("): trading resumed (mode running)") != std::string::npos, before);
  BOOST_TEST(before.find("control: pause by") < before.find("control: resume by"));

  // The same database with another starting balance in the config.
  std::string cfg = read_file(n.config);
  cfg.replace(cfg.find("starting_balance = 10000.0"), 26, "starting_balance = 2500.0");
  std::ofstream(n.config) << cfg;
  Child second = start_node(n);
  require_control(n, second);
  BOOST_TEST(ctl(n, {"stop"}).exit_code == 0);
  auto end = wait_process(second, std::chrono::seconds(30));
  BOOST_REQUIRE_MESSAGE(end.exit_code == 0, end.output);
  const std::string after = read_file(log_file).substr(before.size());
  BOOST_TEST(after.find("PAUSED (paused), last decided check 2017-") != std::string::npos, after);
  BOOST_TEST(after.find("warning account acct-1: [account] starting_balance 2500.00000000 in " + n.config +
                        " differs from the ledger's 10000.00000000 USDT: the ledger's is used") != std::string::npos,
             after);
  // The terminal shows it too, --quiet or not: it is a warning.
  BOOST_TEST(end.output.find("differs from the ledger's 10000.00000000 USDT") != std::string::npos, end.output);
}
