#pragma once
// Shared by the fault matrix (fault_matrix_*_test.cpp): the node's promise
// checked after a fault — the ledger balances against its orders, the event
// log's hash chain holds, the fills equal an unfaulted run's — and small
// bounded waits.
#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "tests/integration/node_common.hpp"

namespace tn::test {

// `traderctl verify` on a running node: chain and ledger both ok.
inline void verify_running(const NodeSetup& n) {
  auto v = ctl(n, {"verify"});
  BOOST_REQUIRE_MESSAGE(v.exit_code == 0, v.output);
  auto j = nlohmann::json::parse(v.output);
  BOOST_TEST(j["chain_ok"] == true, v.output);
  BOOST_TEST(j["ledger_ok"] == true, v.output);
}

// start_node + wait_control; on failure the node's output is the message.
inline Child start_and_wait(const NodeSetup& n) {
  Child c = start_node(n);
  if (!wait_control(n)) {
    kill(c.pid, SIGKILL);
    BOOST_FAIL("the node never answered: " << wait_process(c, std::chrono::seconds(5)).output);
  }
  return c;
}

inline nlohmann::json node_status(const NodeSetup& n) {
  auto r = ctl(n, {"status"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  return nlohmann::json::parse(r.output);
}

inline size_t count_type(const std::vector<LoggedEvent>& log, const std::string& type) {
  size_t n = 0;
  for (const auto& e : log) n += e.type == type;
  return n;
}

// True once a spawned child has exec'd tradernode (before, it is a copy of
// the test process, memory and all).
inline bool is_tradernode(pid_t pid) {
  std::string comm = read_file("/proc/" + std::to_string(pid) + "/comm");
  return comm.rfind("tradernode", 0) == 0;
}

// A process's anonymous resident memory (heap, queues; not the LMDB map) in KiB, 0 when it is gone.
inline long anon_rss_kib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (f >> key) {
    if (key == "RssAnon:") {
      long kib = 0;
      f >> kib;
      return kib;
    }
    f.ignore(4096, '\n');
  }
  return 0;
}

}  // namespace tn::test
