#pragma once
// Shared by the integration tests that run a real `tradernode run` node and
// steer it with traderctl / tradersub over loopback.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "control/client.hpp"
#include "messages/control.hpp"
#include "messages/envelope.hpp"
#include "storage/reconcile.hpp"
#include "storage/store.hpp"
#include "tests/integration/backtest_common.hpp"

namespace tn::test {

inline std::string traderctl_bin() { return build_dir() + "/tools/traderctl"; }
inline std::string tradersub_bin() { return build_dir() + "/tools/tradersub"; }

// A free loopback port: bind to an ephemeral one, note it, release it.
inline int free_tcp_port() {
  zmq::context_t ctx;
  zmq::socket_t s(ctx, zmq::socket_type::pub);
  s.bind("tcp://127.0.0.1:*");
  std::string ep = s.get(zmq::sockopt::last_endpoint);
  return std::stoi(ep.substr(ep.rfind(':') + 1));
}

struct NodeSetup {
  std::string config, db, control, publish;
};

// A replay node over the given streams, with its own ports and database.
inline NodeSetup make_node(const std::string& dir, const std::vector<StreamSpec>& streams,
                           int interval_ms, const std::string& extra_node = "") {
  NodeSetup n;
  n.db = dir + "/node.lmdb";
  n.control = "tcp://127.0.0.1:" + std::to_string(free_tcp_port());
  n.publish = "tcp://127.0.0.1:" + std::to_string(free_tcp_port());
  std::string cfg = make_config(streams,
                                "db_path = \"" + n.db + "\"\nreplay_interval_ms = " +
                                    std::to_string(interval_ms) + "\n" + extra_node,
                                "control = \"" + n.control + "\"\n");
  // make_config writes a backtest; this is the node.
  cfg.replace(cfg.find("mode = \"backtest\""), 17, "mode = \"replay\"");
  cfg.replace(cfg.find("publish = \"tcp://127.0.0.1:0\""), 29, "publish = \"" + n.publish + "\"");
  n.config = dir + "/node.toml";
  std::ofstream(n.config) << cfg;
  return n;
}

inline Child start_node(const NodeSetup& n) {
  return spawn_process({tradernode_bin(), "run", "--config", n.config, "--quiet"});
}

inline ProcessResult ctl(const NodeSetup& n, std::vector<std::string> args) {
  std::vector<std::string> argv{traderctl_bin(), "--endpoint", n.control, "--timeout-ms", "3000", "--json"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, std::chrono::seconds(15));
}

// Polls `done` every 50 ms until it holds or `limit` passes.
inline bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// Waits until the node answers status (bounded); false if it never did.
inline bool wait_control(const NodeSetup& n, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (ctl(n, {"status"}).exit_code == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// The last n bytes of a process's output: its last words, for a failure message.
inline std::string tail_of(const std::string& output, size_t n) {
  return output.size() > n ? output.substr(output.size() - n) : output;
}

// wait_control, and when the node never answered: its exit code and what it
// printed (a sanitizer's report, an error), instead of a bare "false".
inline void require_control(const NodeSetup& n, const Child& node) {
  if (wait_control(n)) return;
  auto r = wait_process(node, std::chrono::seconds(10));
  const std::string tail = tail_of(r.output, 4000);
  BOOST_FAIL("the node never answered status; exit code " << r.exit_code << (r.timed_out ? " (killed)" : "")
                                                          << ", its output:\n" << tail);
}

// Waits for `count` events whose type starts with `topic`, logged after seq
// `after`, as a subscriber sees them (tradersub: the log first, then the
// live stream); bounded by `limit`. Returns them as printed, fewer on a
// timeout or when the node stopped first. No sleeping: tradersub blocks on
// the stream.
inline std::vector<nlohmann::json> wait_events(const NodeSetup& n, uint64_t after, const std::string& topic,
                                               int count = 1,
                                               std::chrono::milliseconds limit = std::chrono::seconds(60)) {
  auto sub = run_process({tradersub_bin(), "--endpoint", n.publish, "--control", n.control, "--from",
                          std::to_string(after + 1), "--topic", topic, "--count", std::to_string(count),
                          "--timeout-ms", std::to_string(limit.count())},
                         limit + std::chrono::seconds(10));
  std::vector<nlohmann::json> out;
  std::istringstream lines(sub.output);
  std::string line;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("seq")) out.push_back(std::move(j));
  }
  return out;
}

struct LoggedEvent {
  uint64_t seq = 0;
  std::string type;
  nlohmann::json body;
};

// The node's whole event log, read from its LMDB after it stopped.
inline std::vector<LoggedEvent> read_log(const std::string& db) {
  storage::OpenOptions o;
  o.path = db;
  o.durable = false;
  auto store = storage::Store::open(o);
  if (!store) throw std::runtime_error(store.error().message);
  std::vector<LoggedEvent> out;
  uint64_t next = 1;
  while (true) {
    auto page = (*store)->events().read_from(next, 10000);
    if (!page || page->empty()) break;
    for (auto& [seq, bytes] : *page) {
      auto j = nlohmann::json::parse(envelope_to_json(bytes).value());
      out.push_back({seq, j["type"], j["body"]});
      next = seq + 1;
    }
  }
  return out;
}

// Filled orders in the ledger: "bar_open symbol side quantity" per line.
inline std::vector<std::string> ledger_fills(const std::string& db, const std::string& account) {
  storage::OpenOptions o;
  o.path = db;
  o.durable = false;
  auto store = storage::Store::open(o);
  if (!store) throw std::runtime_error(store.error().message);
  std::vector<std::string> out;
  auto orders = (*store)->ledger().orders(account);  // kept: value() refers into it
  if (!orders) throw std::runtime_error(orders.error().message);
  for (const auto& r : *orders)
    if (r.filled)
      out.push_back(std::to_string(r.request.bar_open_time_ms) + " " + r.request.symbol + " " +
                    r.request.side + " " + format_amount(r.quantity));
  return out;
}

// The fills a backtest of the same streams makes (integration_node shows a
// replay makes the same): the unfaulted reference, "bar_open symbol side qty".
inline std::vector<std::string> backtest_fills(const std::vector<StreamSpec>& streams, const std::string& dir) {
  const std::string cfg = dir + "/reference.toml";
  std::ofstream(cfg) << make_config(streams);
  auto bt = run_backtest(cfg, dir + "/reference");
  BOOST_REQUIRE_MESSAGE(bt.exit_code == 0, bt.output);
  std::vector<std::string> out;
  auto rows = read_csv(dir + "/reference/trades.csv");
  for (size_t i = 1; i < rows.size(); ++i)
    if (rows[i].size() > 5) out.push_back(rows[i][0] + " " + rows[i][1] + " " + rows[i][3] + " " + rows[i][5]);
  return out;
}

// What `traderctl verify` checks, on a stopped node's database: the ledger
// reconciles with its order history and the event log's chain holds.
// Returns how many log entries the chain check covered.
inline size_t verify_offline(const std::string& db, const std::string& account) {
  storage::OpenOptions o;
  o.path = db;
  o.durable = false;
  auto store = storage::Store::open(o);
  BOOST_REQUIRE_MESSAGE(store.ok(), (store.ok() ? std::string() : store.error().message));
  auto rec = storage::reconcile((*store)->ledger(), account);
  BOOST_REQUIRE(rec.ok());
  BOOST_TEST(rec->ok);
  for (const auto& p : rec->problems) BOOST_TEST_MESSAGE(p);
  auto chain = (*store)->events().verify_chain();
  BOOST_REQUIRE(chain.ok());
  BOOST_TEST(chain->ok);
  for (const auto& p : chain->problems) BOOST_TEST_MESSAGE(p);
  return chain->checked;
}

}  // namespace tn::test
