#define BOOST_TEST_MODULE integration_cli
// The command line the three executables share (tools/cli.hpp): --version,
// a program's options after the command, every command's --help, unknown
// commands named, and the documented exit codes.
#include <sys/wait.h>

#include <regex>

#include <boost/test/unit_test.hpp>

#include "tests/integration/node_common.hpp"

using namespace tn;
using namespace tn::test;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

ProcessResult cli(std::vector<std::string> argv) { return run_process(argv, std::chrono::seconds(30)); }

// meson.build's project version, e.g. "0.1.0".
std::string project_version() {
  std::smatch m;
  const std::string meson = read_file(source_dir() + "/meson.build");
  BOOST_REQUIRE(std::regex_search(meson, m, std::regex("version: '([^']+)'")));
  return m[1];
}

// Kills a node that a failed check left running (it would stay: at_end = "stay").
struct KillOnExit {
  pid_t pid;
  ~KillOnExit() {
    if (pid > 0 && kill(pid, SIGKILL) == 0) waitpid(pid, nullptr, 0);
  }
};

// A loopback endpoint nobody listens on.
std::string dead_endpoint() { return "tcp://127.0.0.1:" + std::to_string(free_tcp_port()); }

}  // namespace

BOOST_AUTO_TEST_CASE(version_names_the_program_the_project_version_and_the_git_describe) {
  const std::regex line("([a-z]+) ([0-9.]+)( \\(git [0-9a-zA-Z._-]+\\))?\n");
  for (const auto& [name, bin] : {std::pair{"tradernode", tradernode_bin()},
                                  std::pair{"traderctl", traderctl_bin()},
                                  std::pair{"tradersub", tradersub_bin()}}) {
    auto r = cli({bin, "--version"});
    BOOST_TEST(r.exit_code == 0, name << ": " << r.output);
    std::smatch m;
    BOOST_TEST_REQUIRE(std::regex_match(r.output, m, line), name << " printed: " << r.output);
    BOOST_TEST(m[1] == name);
    BOOST_TEST(m[2] == project_version());
  }
  // After a command too: the program's options fall through.
  const auto top = cli({traderctl_bin(), "--version"}).output;
  BOOST_TEST(cli({traderctl_bin(), "status", "--version"}).output == top);
  auto bt = cli({tradernode_bin(), "backtest", "--version"});
  BOOST_TEST(bt.exit_code == 0);
  BOOST_TEST(has(bt.output, "tradernode " + project_version()), bt.output);
}

// As the README writes it: `traderctl status --json`, against a real node.
BOOST_AUTO_TEST_CASE(global_options_after_the_command_reach_a_running_node) {
  TempDir t;
  NodeSetup n = make_node(t.path(), {{"BTCUSDT", "1d", data_dir() + "/binance/BTCUSDT-1d.csv"}}, 0,
                          "at_end = \"stay\"\n");
  Child node = start_node(n);
  KillOnExit guard{node.pid};
  require_control(n, node);
  // Its data done (at_end = "stay"), the node's status stands still.
  BOOST_TEST_REQUIRE(wait_events(n, 0, "replay.summary").size() == 1u);
  auto after = cli({traderctl_bin(), "status", "--json", "--endpoint", n.control, "--timeout-ms", "3000"});
  BOOST_TEST_REQUIRE(after.exit_code == 0, after.output);
  auto before = cli({traderctl_bin(), "--endpoint", n.control, "--json", "status"});
  BOOST_TEST_REQUIRE(before.exit_code == 0, before.output);
  const auto a = nlohmann::json::parse(after.output), b = nlohmann::json::parse(before.output);
  BOOST_TEST(a["mode"] == "replay");
  BOOST_TEST(a["trades_executed"] == b["trades_executed"]);
  BOOST_TEST(a["signal_checks"] == b["signal_checks"]);
  BOOST_TEST(a["trades_executed"].get<uint64_t>() > 0u);
  // A command's own option mixed with the program's, on either side.
  auto daily = cli({traderctl_bin(), "daily", "3", "--endpoint", n.control, "--json"});
  BOOST_TEST(daily.exit_code == 0, daily.output);
  BOOST_TEST(nlohmann::json::parse(daily.output, nullptr, false).is_discarded() == false, daily.output);
  auto stop = cli({traderctl_bin(), "stop", "--endpoint", n.control});
  BOOST_TEST(stop.exit_code == 0, stop.output);
  auto end = wait_process(node, std::chrono::seconds(30));
  guard.pid = -1;  // reaped
  BOOST_TEST(end.exit_code == 0, end.output);
}

BOOST_AUTO_TEST_CASE(every_command_help_lists_the_program_options) {
  for (const char* cmd : {"status", "pause", "daily", "run-signals-now", "fetch-data"}) {
    auto r = cli({traderctl_bin(), cmd, "--help"});
    BOOST_TEST(r.exit_code == 0, cmd);
    BOOST_TEST(has(r.output, "traderctl options (before or after the command)"), cmd << ": " << r.output);
    for (const char* opt : {"--endpoint", "--json", "--timeout-ms", "--curve-server-key", "--version"})
      BOOST_TEST(has(r.output, opt), cmd << " --help lacks " << opt);
  }
  for (const char* cmd : {"backtest", "run"}) {
    auto r = cli({tradernode_bin(), cmd, "--help"});
    BOOST_TEST(r.exit_code == 0, cmd);
    BOOST_TEST(has(r.output, "--config"), r.output);
    BOOST_TEST(has(r.output, "tradernode options (before or after the command)"), r.output);
    BOOST_TEST(has(r.output, "--version"), r.output);
  }
  auto top = cli({tradernode_bin(), "--help"});
  BOOST_TEST(top.exit_code == 0);
  BOOST_TEST(has(top.output, "Exit codes"), top.output);
}

BOOST_AUTO_TEST_CASE(an_unknown_command_is_named_and_exits_2) {
  for (const std::string& bin : {tradernode_bin(), traderctl_bin()}) {
    auto r = cli({bin, "frobnicate"});
    BOOST_TEST(r.exit_code == 2, bin);
    BOOST_TEST(has(r.output, "unknown command 'frobnicate'"), r.output);
    BOOST_TEST(!has(r.output, "A subcommand is required"), r.output);
    // The valid ones are listed.
    BOOST_TEST(has(r.output, bin == traderctl_bin() ? "status" : "backtest"), r.output);
    auto none = cli({bin});
    BOOST_TEST(none.exit_code == 2);
    BOOST_TEST(has(none.output, "a command is needed"), none.output);
  }
  auto after_options = cli({traderctl_bin(), "--json", "--timeout-ms", "100", "stauts"});
  BOOST_TEST(after_options.exit_code == 2);
  BOOST_TEST(has(after_options.output, "unknown command 'stauts'"), after_options.output);
  // tradersub has no commands: a stray word is named the way CLI11 says it.
  auto sub = cli({tradersub_bin(), "frobnicate"});
  BOOST_TEST(sub.exit_code == 2);
  BOOST_TEST((has(sub.output, "tradersub: ") && has(sub.output, "frobnicate")), sub.output);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2_with_the_program_named) {
  struct Case {
    std::vector<std::string> argv;
    std::string says;
  };
  TempDir t;
  const std::vector<Case> cases{
      {{tradernode_bin(), "backtest", "--out", t.file("out")}, "tradernode: --config is required"},
      {{tradernode_bin(), "run"}, "tradernode: --config is required"},
      {{tradernode_bin(), "backtest", "--config", "c.toml", "--out", "o", "--strategy", "momentum"}, "momentum"},
      {{tradernode_bin(), "backtest", "--config", "c.toml", "--out", "o", "--bogus"}, "--bogus"},
      {{traderctl_bin(), "run-signals-now"}, "traderctl: --asset-class is required"},
      {{traderctl_bin(), "fetch-data", "--asset-class", "crypto"}, "traderctl: --symbols is required"},
      {{traderctl_bin(), "status", "--timeout-ms", "0"}, "--timeout-ms"},
      {{traderctl_bin(), "status", "--curve-server-key", "x"}, "requires --curve-secret-file"},
      {{tradersub_bin(), "--count", "many"}, "tradersub: "},
  };
  for (const Case& c : cases) {
    auto r = cli(c.argv);
    BOOST_TEST(r.exit_code == 2, c.argv[1] << ": " << r.output);
    BOOST_TEST(has(r.output, c.says), r.output);
  }
}

BOOST_AUTO_TEST_CASE(runtime_failures_exit_with_the_documented_code) {
  TempDir t;
  // A config with no content is bad input (2), naming the file.
  auto empty = t.write("empty.toml", "");
  auto e = cli({tradernode_bin(), "backtest", "--config", empty, "--out", t.file("out")});
  BOOST_TEST(e.exit_code == 2, e.output);
  BOOST_TEST((has(e.output, empty) && has(e.output, "no streams")), e.output);
  // A good config whose output folder cannot be made fails while running (1).
  auto cfg = t.write("c.toml", make_config({{"BTCUSDT", "1d", data_dir() + "/binance/BTCUSDT-1d.csv"}}));
  auto file = t.write("a-file", "x");
  auto out = cli({tradernode_bin(), "backtest", "--config", cfg, "--out", file + "/out"});
  BOOST_TEST(out.exit_code == 1, out.output);
  BOOST_TEST(has(out.output, "cannot create"), out.output);
  // No node at the endpoint: traderctl's documented 3, as JSON with --json.
  const std::string dead = dead_endpoint();
  auto ctl = cli({traderctl_bin(), "status", "--endpoint", dead, "--timeout-ms", "200", "--json"});
  BOOST_TEST(ctl.exit_code == 3, ctl.output);
  BOOST_TEST(nlohmann::json::parse(ctl.output)["error"].get<std::string>().find("no answer from " + dead) == 0u,
             ctl.output);
  // tradersub: a malformed endpoint is a socket error (1); no event before
  // --timeout-ms is its documented 3.
  BOOST_TEST(cli({tradersub_bin(), "--endpoint", "nonsense"}).exit_code == 1);
  BOOST_TEST(cli({tradersub_bin(), "--endpoint", dead, "--timeout-ms", "200"}).exit_code == 3);
}
