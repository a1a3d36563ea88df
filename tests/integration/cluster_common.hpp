#pragma once
// Shared by the cluster integration tests: real tradernode
// processes in the roles trading and data on loopback, each with its own
// database, ports from the OS, killed on the way out whatever happens.
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/cluster_config.hpp"
#include "tests/integration/node_common.hpp"

namespace tn::test {

inline std::vector<StreamSpec> daily_streams(const std::vector<std::string>& symbols) {
  std::vector<StreamSpec> out;
  for (const auto& s : symbols) out.push_back({s, "1d", data_dir() + "/binance/" + s + "-1d.csv"});
  return out;
}

// A node config of a cluster: make_node's replay node renamed, with its role
// and [cluster] lines.
inline NodeSetup make_cluster_node(const std::string& dir, const std::string& name,
                                   const std::string& role, const std::vector<StreamSpec>& streams,
                                   int interval_ms, const std::string& cluster_lines) {
  std::filesystem::create_directories(dir);
  NodeSetup n = make_node(dir, streams, interval_ms, "role = \"" + role + "\"\n");
  std::string cfg = read_file(n.config);
  cfg.replace(cfg.find("name = \"test-node\""), 18, "name = \"" + name + "\"");
  cfg += "\n[cluster]\n" + cluster_lines;
  std::ofstream(n.config) << cfg;
  return n;
}

inline std::string trading_lines(int port, uint32_t shards, const std::string& peers) {
  return "listen_port = " + std::to_string(port) + "\nshard_count = " + std::to_string(shards) +
         "\npeers = [" + peers + "]\n";
}
inline std::string data_lines(int port, uint32_t shards, uint32_t index) {
  return "trading_port = " + std::to_string(port) + "\nshard_count = " + std::to_string(shards) +
         "\nshard_index = " + std::to_string(index) + "\nretry_max_ms = 200\n";
}

// A child that is killed (SIGKILL) and reaped if the test leaves early.
struct Guard {
  Child c;
  bool reaped = false;
  explicit Guard(Child ch) : c(ch) {}
  Guard(const Guard&) = delete;
  ProcessResult wait(std::chrono::milliseconds limit) {
    reaped = true;
    return wait_process(c, limit);
  }
  void kill_now() {
    ::kill(c.pid, SIGKILL);
    wait(std::chrono::seconds(10));
  }
  ~Guard() {
    if (reaped) return;
    ::kill(c.pid, SIGKILL);
    wait_process(c, std::chrono::seconds(10));
  }
};

// A data node ends by itself once the trading node's run has ended; if it
// does not, its last words (the tail of its output) say why.
// trading_output: the trading node's, printed too when the data node does
// not end (its side says whether and why it dropped the data node).
// tolerate_link_drop: KNOWN FLAKE, open. Over TLS on a loaded 2-core
// machine, CAF's middleman sometimes drops a data node's link mid-run (both
// sides log remote_link_unreachable in the same millisecond); the data node
// then misses the run's last check and, by design, retries until stopped.
// With this set, that one signature (the trading node logged this data node
// down with remote_link_unreachable) is a warning carrying both logs, not a
// failure; any other way of not ending still fails.
inline bool link_dropped(const std::string& trading_output, const std::string& name) {
  std::istringstream lines(trading_output);
  for (std::string line; std::getline(lines, line);)
    if (line.find("data node '" + name + "' (shard") != std::string::npos &&
        line.find("is down (exit_reason(remote_link_unreachable))") != std::string::npos)
      return true;
  return false;
}

inline void expect_ends_by_itself(Guard& g, const std::string& name, const std::string& trading_output = "",
                                  bool tolerate_link_drop = false) {
  const ProcessResult r = g.wait(std::chrono::seconds(20));
  if (r.exit_code != 0 && tolerate_link_drop && link_dropped(trading_output, name)) {
    BOOST_WARN_MESSAGE(false, name << " lost its link mid-run (known flake) and did not end by itself; its output "
                                   "ends:\n" << tail_of(r.output, 3000) << "\n-- the trading node's output ends:\n"
                                   << tail_of(trading_output, 3000));
    return;
  }
  BOOST_TEST(r.exit_code == 0, name << " exit " << r.exit_code << "; its output ends:\n" << tail_of(r.output, 3000)
                                    << (trading_output.empty() ? "" : "\n-- the trading node's output ends:\n")
                                    << tail_of(trading_output, 3000));
}

inline nlohmann::json cluster_status(const NodeSetup& n) {
  auto r = ctl(n, {"status"});
  if (r.exit_code != 0) return nlohmann::json();
  return nlohmann::json::parse(r.output);
}

// Polls the trading node's status until pred(status) holds (bounded).
template <class Pred>
bool wait_status(const NodeSetup& n, Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    auto s = cluster_status(n);
    if (!s.is_null() && pred(s)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// A run well under way: some hundred days of the five daily streams
// checked (of about 1900), so a kill lands mid-run, not at its start.
inline bool under_way(const nlohmann::json& s) {
  return s.contains("signal_checks") && s["signal_checks"].get<uint64_t>() >= 500u;
}

}  // namespace tn::test
