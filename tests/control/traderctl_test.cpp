#define BOOST_TEST_MODULE control_traderctl
#include <boost/test/unit_test.hpp>

// End to end: the built tools/traderctl against a ControlServer with a
// canned handler on loopback. Every child has a hard time limit.
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/server.hpp"
#include "tests/control/control_test_util.hpp"
#include "tests/support/process.hpp"

using namespace tn;
using namespace tn::test;

namespace {

constexpr auto kChildLimit = std::chrono::seconds(20);

std::string traderctl() {
  const std::string p = build_dir() + "/tools/traderctl";
  BOOST_REQUIRE_MESSAGE(::access(p.c_str(), X_OK) == 0, p + " is not built");
  return p;
}

ProcessResult ctl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{traderctl()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run_process(argv, kChildLimit);
  BOOST_TEST_MESSAGE("traderctl exit " << r.exit_code << ":\n" << r.output);
  BOOST_REQUIRE(!r.timed_out);
  return r;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct Node {
  std::shared_ptr<CannedHandler> handler = std::make_shared<CannedHandler>();
  ServerThread server{open_server(), handler};
  std::string ep = server.endpoint();
};

}  // namespace

BOOST_AUTO_TEST_CASE(status_as_a_table_and_as_json) {
  Node node;
  auto r = ctl({"--endpoint", node.ep, "status"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(has(r.output, "test-node (replay)"));
  BOOST_TEST(has(r.output, "state          running"));
  BOOST_TEST(has(r.output, "STREAM"));
  // The canned node is a replay at 2024-01-02 00:00:12Z: ages against its
  // clock, whatever traderctl's wall clock says.
  BOOST_TEST(has(r.output, "BTCUSDT:1d  ok          2024-01-01 00:00:00Z  42000.5  44000.25    -4.54%  12s ago"));
  BOOST_TEST(has(r.output, "free USDT      5234.50000000 USDT"));

  auto j = ctl({"--endpoint", node.ep, "--json", "status"});
  BOOST_TEST(j.exit_code == 0);
  auto parsed = nlohmann::json::parse(j.output);
  BOOST_TEST(parsed["node"] == "test-node");
  BOOST_TEST(parsed["watchlist"][0]["stream"] == "BTCUSDT:1d");
  BOOST_TEST(parsed["trades_executed"] == 14);
  BOOST_TEST(parsed["now_ms"] == 1704153612000);
  BOOST_TEST(parsed["watchlist"][0]["next_check_ms"] == 1704240000000);
  BOOST_TEST(parsed["watchlist"][1]["warming_up"] == true);
}

BOOST_AUTO_TEST_CASE(args_reach_the_node) {
  Node node;
  auto p = ctl({"--endpoint", node.ep, "pause", "--entries-only"});
  BOOST_TEST(p.exit_code == 0);
  BOOST_TEST(p.output == "paused (entries only)\n");
  BOOST_TEST(ctl({"--endpoint", node.ep, "pause"}).output == "paused\n");
  auto d = ctl({"--endpoint", node.ep, "daily", "3"});
  BOOST_TEST(d.exit_code == 0);
  BOOST_TEST(has(d.output, "2024-01-01"));
  BOOST_TEST(ctl({"--endpoint", node.ep, "--json", "resume"}).output == "{}\n");
  node.server.stop();
  const auto seen = node.handler->seen();
  BOOST_REQUIRE_EQUAL(seen.size(), 4u);
  BOOST_TEST(seen[0].args.at(control_arg::entries_only) == "1");
  BOOST_TEST(seen[1].args.empty());
  BOOST_TEST(seen[2].command == control_cmd::daily);
  BOOST_TEST(seen[2].args.at(control_arg::days) == "3");
  BOOST_TEST(!seen[0].id.empty());
  BOOST_TEST(seen[0].id != seen[1].id);
}

BOOST_AUTO_TEST_CASE(node_error_exits_1) {
  Node node;
  auto r = ctl({"--endpoint", node.ep, "verify"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(has(r.output, "verify: event log is not open"));
  auto unknown = ctl({"--endpoint", node.ep, "send-test-email"});
  BOOST_TEST(unknown.exit_code == 1);
  BOOST_TEST(has(unknown.output, "unknown command 'send-test-email'"));
  auto j = ctl({"--endpoint", node.ep, "--json", "verify"});
  BOOST_TEST(j.exit_code == 1);
  BOOST_TEST(nlohmann::json::parse(j.output)["error"] == "verify: event log is not open");
}

BOOST_AUTO_TEST_CASE(no_answer_exits_3) {
  auto silent = open_server();  // bound, never polled
  const auto start = std::chrono::steady_clock::now();
  auto r = ctl({"--endpoint", silent->endpoint(), "--timeout-ms", "300", "status"});
  BOOST_TEST(r.exit_code == 3);
  BOOST_TEST(has(r.output, "no answer from " + silent->endpoint() + " within 300 ms"));
  BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(5)));
  auto bad = ctl({"--endpoint", "nonsense", "status"});
  BOOST_TEST(bad.exit_code == 3);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2) {
  BOOST_TEST(ctl({}).exit_code == 2);
  BOOST_TEST(ctl({"frobnicate"}).exit_code == 2);
  BOOST_TEST(ctl({"daily", "zero"}).exit_code == 2);
  BOOST_TEST(ctl({"daily", "0"}).exit_code == 2);
  BOOST_TEST(ctl({"--timeout-ms", "0", "status"}).exit_code == 2);
  BOOST_TEST(ctl({"--curve-server-key", "x", "status"}).exit_code == 2);  // needs the secret file
  BOOST_TEST(ctl({"--curve-server-key", "x", "--curve-secret-file", "/nonexistent", "status"})
                 .exit_code == 2);
  auto help = ctl({"--help"});
  BOOST_TEST(help.exit_code == 0);
  BOOST_TEST(has(help.output, "Exit codes"));
}
