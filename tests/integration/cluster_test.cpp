#define BOOST_TEST_MODULE integration_cluster
// Several real tradernode processes sharing one pipeline over CAF's
// middleman on loopback: two data nodes + one trading node make
// exactly the trades of one `all` node; a killed data node makes its shard
// stale (health event, status) and its return resumes trading on it; a
// data node the trading node was not configured for is refused.
#include <boost/test/unit_test.hpp>

#include <map>
#include <set>

#include "tests/integration/cluster_common.hpp"

using namespace tn;
using namespace tn::test;

namespace {

const std::vector<std::string> kSymbols = {"BNBUSDT", "BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT"};

uint32_t shard_of(const std::string& symbol) {
  ClusterConfig c;
  c.shard_count = 2;
  return shard_of_symbol(c, symbol);
}

struct Cluster {
  NodeSetup trading, data0, data1;
};

Cluster make_cluster(const std::string& dir, int interval_ms) {
  const auto streams = daily_streams(kSymbols);
  const int port = free_tcp_port();
  return {make_cluster_node(dir + "/trading", "trading", "trading", streams, interval_ms,
                            trading_lines(port, 2, "\"data-0\", \"data-1\"")),
          make_cluster_node(dir + "/data0", "data-0", "data", streams, interval_ms, data_lines(port, 2, 0)),
          make_cluster_node(dir + "/data1", "data-1", "data", streams, interval_ms, data_lines(port, 2, 1))};
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_hash_splits_the_watchlist_over_both_shards) {
  std::set<uint32_t> used;
  for (const auto& s : kSymbols) used.insert(shard_of(s));
  BOOST_TEST(used.size() == 2u);  // else the tests below would not exercise two data nodes
}

BOOST_AUTO_TEST_CASE(two_data_nodes_and_a_trading_node_trade_exactly_as_one_node) {
  TempDir t;
  NodeSetup all = make_node(t.path(), daily_streams(kSymbols), 0);
  auto one = wait_process(start_node(all), std::chrono::seconds(120));
  BOOST_REQUIRE_MESSAGE(one.exit_code == 0, one.output);
  const auto expected = ledger_fills(all.db, "acct-1");
  BOOST_REQUIRE(expected.size() > 50u);

  Cluster c = make_cluster(t.path(), 0);
  // Data nodes first: they retry until the trading node is up.
  Guard d0(start_node(c.data0)), d1(start_node(c.data1));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Guard tr(start_node(c.trading));
  auto run = tr.wait(std::chrono::seconds(120));
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.output);
  expect_ends_by_itself(d0, "data-0", run.output);
  expect_ends_by_itself(d1, "data-1", run.output);

  const auto got = ledger_fills(c.trading.db, "acct-1");
  BOOST_TEST(got == expected, boost::test_tools::per_element());
  std::map<std::string, int> ups;
  for (const auto& e : read_log(c.trading.db))
    if (e.type == "node.peer_up") ++ups[e.body["peer"].get<std::string>()];
  BOOST_TEST(ups["data-0"] == 1);
  BOOST_TEST(ups["data-1"] == 1);
}

BOOST_AUTO_TEST_CASE(a_killed_data_node_makes_its_shard_stale_and_its_return_resumes_it) {
  TempDir t;
  Cluster c = make_cluster(t.path(), 8);
  Guard tr(start_node(c.trading));
  Guard d0(start_node(c.data0));
  auto d1 = std::make_unique<Guard>(start_node(c.data1));
  BOOST_REQUIRE(wait_control(c.trading));
  const auto both_up = [](const nlohmann::json& s) {
    return s["peers"].size() == 2u && s["peers"][0]["state"] == "up" && s["peers"][1]["state"] == "up";
  };
  BOOST_REQUIRE(wait_status(c.trading, both_up));
  BOOST_TEST(cluster_status(c.trading)["role"] == "trading");
  BOOST_REQUIRE(wait_status(c.trading, under_way));  // mid-run, not at its start

  d1->kill_now();  // SIGKILL mid-run: the link drops
  BOOST_REQUIRE(wait_status(c.trading, [](const nlohmann::json& s) {
    return s["peers"][1]["state"] == "down" && s["peers"][1]["stale_checks"].get<int>() > 6;
  }));
  d1 = std::make_unique<Guard>(start_node(c.data1));  // restarted: it rejoins
  BOOST_REQUIRE(wait_status(c.trading, [](const nlohmann::json& s) {
    return s["peers"][1]["state"] == "up" && s["peers"][1]["joins"] == 2;
  }));

  auto run = tr.wait(std::chrono::seconds(180));
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.output);
  expect_ends_by_itself(d0, "data-0", run.output);
  expect_ends_by_itself(*d1, "data-1", run.output);

  // The health events, in order: up, down, up again for data-1; no signal
  // from shard 1 between its down and its return; signals after.
  const auto log = read_log(c.trading.db);
  std::vector<std::string> data1;
  uint64_t down_seq = 0, back_seq = 0;
  for (const auto& e : log) {
    if ((e.type == "node.peer_up" || e.type == "node.peer_down") && e.body["peer"] == "data-1") {
      data1.push_back(e.type);
      BOOST_TEST(e.body["shard"] == 1);
      if (e.type == "node.peer_down") down_seq = e.seq;
      else if (down_seq) back_seq = e.seq;
    }
  }
  BOOST_TEST((data1 == std::vector<std::string>{"node.peer_up", "node.peer_down", "node.peer_up"}));
  uint64_t during = 0, after = 0;
  for (const auto& e : log) {
    if (e.type.rfind("signal.", 0) != 0 || shard_of(e.body["symbol"]) != 1) continue;
    if (e.seq > down_seq && e.seq < back_seq) ++during;
    if (e.seq > back_seq) ++after;
  }
  BOOST_TEST(during == 0u);
  BOOST_TEST(after > 0u);
  // Nothing decided twice: one fill per (bar, symbol, side).
  const auto fills = ledger_fills(c.trading.db, "acct-1");
  std::set<std::string> keys;
  for (const auto& f : fills) keys.insert(f.substr(0, f.rfind(' ')));
  BOOST_TEST(keys.size() == fills.size());
}

BOOST_AUTO_TEST_CASE(a_data_node_not_in_the_peers_list_is_refused) {
  TempDir t;
  const auto streams = daily_streams(kSymbols);
  const int port = free_tcp_port();
  NodeSetup trading = make_cluster_node(t.path() + "/trading", "trading", "trading", streams, 5,
                                        trading_lines(port, 2, "\"data-0\", \"data-1\""));
  NodeSetup intruder = make_cluster_node(t.path() + "/x", "intruder", "data", streams, 5, data_lines(port, 2, 0));
  NodeSetup other = make_cluster_node(t.path() + "/y", "data-1", "data", streams, 5, data_lines(port, 3, 1));
  Guard tr(start_node(trading));
  BOOST_REQUIRE(wait_control(trading));
  auto r = run_process({tradernode_bin(), "run", "--config", intruder.config}, std::chrono::seconds(30));
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.output.find("not in this trading node's cluster.peers") != std::string::npos, r.output);
  auto o = run_process({tradernode_bin(), "run", "--config", other.config}, std::chrono::seconds(30));
  BOOST_TEST(o.exit_code == 1);
  BOOST_TEST(o.output.find("shard_count = 2") != std::string::npos, o.output);
  auto s = cluster_status(trading);
  BOOST_TEST(s["peers"][0]["state"] == "waiting");  // nobody got in
  BOOST_TEST(s["peers"][1]["state"] == "waiting");
  BOOST_TEST(ctl(trading, {"stop"}).exit_code == 0);
  BOOST_TEST(tr.wait(std::chrono::seconds(30)).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(over_tls_a_data_node_with_a_certificate_from_another_ca_is_refused) {
  TempDir t;
  const std::string d = t.path() + "/tls";
  // Throwaway certificates: the cluster's CA signs the nodes' certificates;
  // the rogue's certificate comes from another CA.
  const std::string script =
      "set -e; mkdir -p " + d + "; cd " + d + "\n"
      "ca() { openssl req -x509 -newkey rsa:2048 -nodes -keyout $1.key -out $1.pem -days 1 -subj /CN=$1; }\n"
      "cert() { openssl req -newkey rsa:2048 -nodes -keyout $1.key -out $1.csr -subj /CN=$1;"
      " openssl x509 -req -in $1.csr -CA $2.pem -CAkey $2.key -CAcreateserial -out $1.pem -days 1; }\n"
      "ca ca; ca other-ca; cert trading ca; cert data ca; cert rogue other-ca\n";
  auto gen = run_process({"/bin/sh", "-c", script}, std::chrono::seconds(60));
  BOOST_REQUIRE_MESSAGE(gen.exit_code == 0, gen.output);
  const auto tls = [&](const std::string& who) {
    return "tls = true\ntls_certificate = \"" + d + "/" + who + ".pem\"\ntls_key = \"" + d + "/" + who +
           ".key\"\ntls_cafile = \"" + d + "/ca.pem\"\n";
  };
  const auto streams = daily_streams(kSymbols);
  const int port = free_tcp_port();
  NodeSetup trading = make_cluster_node(t.path() + "/trading", "trading", "trading", streams, 0,
                                        trading_lines(port, 2, "\"data-0\", \"data-1\"") + tls("trading"));
  NodeSetup data0 = make_cluster_node(t.path() + "/d0", "data-0", "data", streams, 0, data_lines(port, 2, 0) + tls("data"));
  NodeSetup data1 = make_cluster_node(t.path() + "/d1", "data-1", "data", streams, 0, data_lines(port, 2, 1) + tls("data"));
  // The rogue claims a configured name, but its certificate is not the cluster's.
  NodeSetup rogue = make_cluster_node(t.path() + "/r", "data-1", "data", streams, 0, data_lines(port, 2, 1) + tls("rogue"));
  Guard tr(start_node(trading));
  Guard d0(start_node(data0));
  auto r = std::make_unique<Guard>(start_node(rogue));
  BOOST_REQUIRE(wait_control(trading));
  BOOST_REQUIRE(wait_status(trading, [](const nlohmann::json& s) { return s["peers"][0]["state"] == "up"; }));
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the rogue keeps trying, in vain
  BOOST_TEST(cluster_status(trading)["peers"][1]["state"] == "waiting");
  r->kill_now();
  Guard d1(start_node(data1));
  auto run = tr.wait(std::chrono::seconds(120));
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.output);
  expect_ends_by_itself(d0, "data-0", run.output, /*tolerate_link_drop=*/true);
  expect_ends_by_itself(d1, "data-1", run.output, /*tolerate_link_drop=*/true);
  BOOST_TEST(ledger_fills(trading.db, "acct-1").size() > 50u);
}

BOOST_AUTO_TEST_CASE(a_restarted_trading_node_is_found_again_and_trades_as_if_uninterrupted) {
  TempDir t;
  NodeSetup all = make_node(t.path(), daily_streams(kSymbols), 0);
  auto one = wait_process(start_node(all), std::chrono::seconds(120));
  BOOST_REQUIRE_MESSAGE(one.exit_code == 0, one.output);
  const auto expected = ledger_fills(all.db, "acct-1");

  Cluster c = make_cluster(t.path(), 8);
  Guard d0(start_node(c.data0)), d1(start_node(c.data1));
  auto tr = std::make_unique<Guard>(start_node(c.trading));
  BOOST_REQUIRE(wait_control(c.trading));
  const auto both_up = [](const nlohmann::json& s) {
    return s["peers"].size() == 2u && s["peers"][0]["state"] == "up" && s["peers"][1]["state"] == "up";
  };
  BOOST_REQUIRE(wait_status(c.trading, both_up));
  BOOST_REQUIRE(wait_status(c.trading, under_way));  // mid-run, not at its start
  tr->kill_now();  // SIGKILL: the data nodes lose it and retry
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  tr = std::make_unique<Guard>(start_node(c.trading));
  BOOST_REQUIRE(wait_control(c.trading));
  BOOST_REQUIRE(wait_status(c.trading, both_up));  // found again
  auto run = tr->wait(std::chrono::seconds(180));
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.output);
  expect_ends_by_itself(d0, "data-0", run.output);
  expect_ends_by_itself(d1, "data-1", run.output);
  // Decided once each, across the crash: the uninterrupted node's trades.
  BOOST_TEST(ledger_fills(c.trading.db, "acct-1") == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_frozen_data_node_is_noticed_by_the_heartbeat_and_rejoins_when_it_thaws) {
  TempDir t;
  const auto streams = daily_streams(kSymbols);
  const int port = free_tcp_port();
  const std::string fast = "link_timeout_ms = 2500\n";  // a sanitized node under load can miss 1 s
  NodeSetup trading = make_cluster_node(t.path() + "/trading", "trading", "trading", streams, 8,
                                        trading_lines(port, 2, "\"data-0\", \"data-1\"") + fast);
  NodeSetup data0 = make_cluster_node(t.path() + "/d0", "data-0", "data", streams, 8, data_lines(port, 2, 0) + fast);
  NodeSetup data1 = make_cluster_node(t.path() + "/d1", "data-1", "data", streams, 8, data_lines(port, 2, 1) + fast);
  Guard tr(start_node(trading)), d0(start_node(data0)), d1(start_node(data1));
  BOOST_REQUIRE(wait_control(trading));
  BOOST_REQUIRE(wait_status(trading, [](const nlohmann::json& s) {
    return s["peers"][0]["state"] == "up" && s["peers"][1]["state"] == "up";
  }));
  ::kill(d1.c.pid, SIGSTOP);  // alive, connected, silent: no TCP error will come
  BOOST_TEST(wait_status(trading, [](const nlohmann::json& s) { return s["peers"][1]["state"] == "down"; },
                         std::chrono::seconds(15)));
  ::kill(d1.c.pid, SIGCONT);
  BOOST_TEST(wait_status(trading, [](const nlohmann::json& s) {
    return s["peers"][1]["state"] == "up" && s["peers"][1]["joins"] == 2;
  }));
  auto run = tr.wait(std::chrono::seconds(180));
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.output);
  expect_ends_by_itself(d0, "data-0", run.output);
  expect_ends_by_itself(d1, "data-1", run.output);
  const auto fills = ledger_fills(trading.db, "acct-1");
  std::set<std::string> keys;
  for (const auto& f : fills) keys.insert(f.substr(0, f.rfind(' ')));
  BOOST_TEST(keys.size() == fills.size());  // nothing decided twice
}
