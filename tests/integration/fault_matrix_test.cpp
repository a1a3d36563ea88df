#define BOOST_TEST_MODULE integration_fault_matrix
// The fault matrix (README "Hardening"): a real `tradernode run` with one
// fault injected at a time, checking the node's promise: it keeps running
// (or stops cleanly with a clear error where going on is unsafe), nothing is
// lost or doubled in the ledger or the event log, and it recovers when the
// fault ends. This file: the node's own resources (LMDB map full, log file
// and database directory unusable) and its endpoints (a subscriber that
// never reads, raw TCP junk on the control and event ports). The exchange
// and notification faults are in fault_matrix_exchange_test.cpp and
// fault_matrix_notify_test.cpp; SIGKILL is integration_crash.
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "tests/integration/fault_matrix_common.hpp"

using namespace tn;
using namespace tn::test;

namespace {

// No fsync per commit: these faults are not about power loss (a crash is
// integration_crash's), and a synced replay takes 30x as long here.
const std::string kFast = "db_durable = false\n";

std::vector<StreamSpec> streams_of(const std::string& tf, const std::vector<std::string>& symbols) {
  std::vector<StreamSpec> out;
  for (const auto& s : symbols) out.push_back({s, tf, data_dir() + "/binance/" + s + "-" + tf + ".csv"});
  return out;
}

// Rewrites one `key = value` line of a node config.
void set_key(const NodeSetup& n, const std::string& line_start, const std::string& line) {
  std::string cfg = read_file(n.config);
  const size_t at = cfg.find(line_start);
  BOOST_REQUIRE(at != std::string::npos);
  cfg.replace(at, cfg.find('\n', at) - at, line);
  std::ofstream(n.config) << cfg;
}

// A raw TCP connection to a tcp://127.0.0.1:PORT endpoint (-1 on failure).
int tcp_connect(const std::string& endpoint) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(std::stoi(endpoint.substr(endpoint.rfind(':') + 1))));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

// LMDB map full: continuing would lose records, so the node stops with an
// error naming the key to raise; what it committed is whole (a prefix of
// the unfaulted run's fills, ledger and chain verify). With a bigger map
// it resumes and ends with exactly the unfaulted fills.
BOOST_AUTO_TEST_CASE(lmdb_map_full_stops_cleanly_and_a_bigger_map_resumes_to_the_same_fills) {
  TempDir t;
  const auto streams = streams_of("4h", {"BTCUSDT", "ETHUSDT"});
  const auto expected = backtest_fills(streams, t.path());
  BOOST_REQUIRE(expected.size() > 100u);
  NodeSetup n = make_node(t.path(), streams, 0, "db_map_size_mb = 1\n" + kFast);
  auto full = wait_process(start_node(n), std::chrono::seconds(30));
  BOOST_TEST(full.exit_code == 1, full.output);
  // "node stopped: storage full: ledger full: ..." (or "event log full"), not CAF's wrapping of it
  BOOST_TEST(full.output.find("node stopped: storage full: ") != std::string::npos, full.output);
  BOOST_TEST(full.output.find(" full: LMDB map size (1 MiB) reached; raise [node] db_map_size_mb") !=
                 std::string::npos,
             full.output);
  BOOST_TEST(full.output.find("system_error") == std::string::npos, full.output);
  verify_offline(n.db, "acct-1");
  const auto before = ledger_fills(n.db, "acct-1");
  BOOST_TEST(before.size() > 0u);  // it filled up mid-run, not at the start
  BOOST_TEST(before.size() < expected.size());
  BOOST_TEST(std::equal(before.begin(), before.end(), expected.begin()));  // a prefix: nothing doubled

  set_key(n, "db_map_size_mb", "db_map_size_mb = 256");
  auto again = wait_process(start_node(n), std::chrono::seconds(60));
  BOOST_REQUIRE_MESSAGE(again.exit_code == 0, again.output);
  BOOST_TEST(ledger_fills(n.db, "acct-1") == expected, boost::test_tools::per_element());
  verify_offline(n.db, "acct-1");
}

// The log file: a path that cannot be created stops the node before it
// touches anything, with the key in the error; a full disk (/dev/full)
// is reported on stderr and the node carries on to the same fills.
BOOST_AUTO_TEST_CASE(an_unwritable_log_file_is_a_clear_error_and_a_full_disk_does_not_stop_trading) {
  TempDir t;
  const auto streams = streams_of("1d", {"BTCUSDT"});
  const auto expected = backtest_fills(streams, t.path());
  const std::string not_a_dir = t.write("not-a-dir", "a file, not a folder\n");

  NodeSetup n = make_node(t.path(), streams, 0, "log_file = \"" + not_a_dir + "/node.log\"\n" + kFast);
  auto bad = wait_process(start_node(n), std::chrono::seconds(20));
  BOOST_TEST(bad.exit_code == 2, bad.output);
  BOOST_TEST(bad.output.find("[node] log_file") != std::string::npos, bad.output);
  BOOST_TEST(!std::filesystem::exists(n.db));  // stopped before opening anything

  set_key(n, "log_file", "log_file = \"/dev/full\"");
  auto run = wait_process(start_node(n), std::chrono::seconds(60));
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.output);
  BOOST_TEST(ledger_fills(n.db, "acct-1") == expected, boost::test_tools::per_element());
  verify_offline(n.db, "acct-1");
}

// The database directory cannot be made (its parent is a file; the tests
// run as root, so a read-only folder would not stop them): a clear error at
// start, exit 1. With the path mended the same config runs to the
// unfaulted fills.
BOOST_AUTO_TEST_CASE(an_unusable_database_directory_is_a_clear_error_at_start) {
  TempDir t;
  const auto streams = streams_of("1d", {"BTCUSDT"});
  const std::string not_a_dir = t.write("not-a-dir", "x\n");
  NodeSetup n = make_node(t.path(), streams, 0, kFast);
  set_key(n, "db_path", "db_path = \"" + not_a_dir + "/node.lmdb\"");
  auto r = wait_process(start_node(n), std::chrono::seconds(20));
  BOOST_TEST(r.exit_code == 1, r.output);
  BOOST_TEST(r.output.find("cannot create database directory") != std::string::npos, r.output);
  BOOST_TEST(r.output.find(not_a_dir) != std::string::npos, r.output);

  set_key(n, "db_path", "db_path = \"" + n.db + "\"");
  auto mended = wait_process(start_node(n), std::chrono::seconds(60));
  BOOST_REQUIRE_MESSAGE(mended.exit_code == 0, mended.output);
  BOOST_TEST(ledger_fills(n.db, "acct-1") == backtest_fills(streams, t.path()), boost::test_tools::per_element());
}

// A subscriber that connects and never reads: ZeroMQ drops its share at the
// send high-water mark, so the node runs to the end, its memory peaks where
// an unfaulted run's does (not higher by what it published), and
// tradersub --from 1 (which fills gaps from the log) still sees every event
// once, in order. The node stays up after its data (at_end = "stay") until
// that reader is done: a reader slower than the node (under a sanitizer)
// still has the log to catch up from.
namespace {

struct BusRun {
  long peak_kib = 0;          // the node's anonymous memory at its highest
  uint64_t published = 0;     // bytes of the events it logged and published (as JSON)
};

// Under ASan (CI's sanitized stage) freed memory waits in the allocator's
// quarantine, 256 MB by default, and would count in the node's peak: the
// node started here gets a small one (its children inherit this process's
// environment; without ASan the variable means nothing).
void small_asan_quarantine() {
  const char* now = std::getenv("ASAN_OPTIONS");
  if (now && std::strstr(now, "quarantine_size_mb")) return;
  const std::string opts = std::string(now ? now : "") + (now && *now ? ":" : "") + "quarantine_size_mb=8";
  setenv("ASAN_OPTIONS", opts.c_str(), 1);
}

BusRun replay_with_bars_on_the_bus(const std::string& dir, bool stalled_subscriber) {
  small_asan_quarantine();
  NodeSetup n = make_node(dir, streams_of("1h", {"BTCUSDT", "ETHUSDT"}), 0, kFast + "at_end = \"stay\"\n");
  // Bar events (heavy) on the bus, a small queue per subscriber, and the
  // replay held until every subscriber is there.
  set_key(n, "control = ", "control = \"" + n.control + "\"\npublish_bars = true\nsend_hwm = 1000\n" +
                               "wait_subscribers = " + (stalled_subscriber ? "2" : "1") + "\nwait_ms = 15000");
  Child node = start_node(n);
  zmq::context_t ctx;
  zmq::socket_t stalled(ctx, zmq::socket_type::sub);
  stalled.set(zmq::sockopt::linger, 0);
  stalled.set(zmq::sockopt::rcvhwm, 10);
  stalled.set(zmq::sockopt::rcvbuf, 4096);
  stalled.set(zmq::sockopt::subscribe, "");
  if (stalled_subscriber) stalled.connect(n.publish);
  // The reader: its output read as it comes (a full pipe would stall it too).
  // It ends at the replay's summary (not at a silence: a node starved of CPU
  // can be silent for seconds mid-run); then the node is stopped.
  ProcessResult got, stop;
  std::thread reader([&] {
    got = run_process({tradersub_bin(), "--endpoint", n.publish, "--control", n.control, "--from", "1",
                       "--until", "replay.summary", "--timeout-ms", "60000"},
                      std::chrono::seconds(300));
    stop = ctl(n, {"stop"});
  });
  BusRun out;
  // Until exec the child is a copy of this test process (and its memory).
  BOOST_REQUIRE(wait_for([&] { return is_tradernode(node.pid); }, std::chrono::seconds(10)));
  while (kill(node.pid, 0) == 0) {
    const long now = anon_rss_kib(node.pid);
    if (now == 0) break;  // exited, not yet reaped
    out.peak_kib = std::max(out.peak_kib, now);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto end = wait_process(node, std::chrono::seconds(60));
  reader.join();
  BOOST_REQUIRE_MESSAGE(end.exit_code == 0, end.output);
  BOOST_TEST(stop.exit_code == 0, stop.output);
  // Its last words say why it stopped (the start is only events).
  BOOST_TEST(got.exit_code == 0, tail_of(got.output, 2000));

  // Every event once, in order, for the subscriber that reads.
  std::vector<uint64_t> seqs;
  std::istringstream lines(got.output);
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("seq")) seqs.push_back(j["seq"]);
  }
  const auto log = read_log(n.db);
  BOOST_TEST(count_type(log, "market.bar") > 80000u);
  // All of it up to the stop it asked for after it was done: the stop's
  // control.action and node.stop.
  BOOST_REQUIRE_EQUAL(seqs.size() + 2, log.size());
  BOOST_TEST(log[log.size() - 3].type == "replay.summary");
  BOOST_TEST(log[log.size() - 2].type == "control.action");
  BOOST_TEST(log.back().type == "node.stop");
  size_t in_order = 0;  // how many seqs are 1, 2, 3, ... from the start
  while (in_order < seqs.size() && seqs[in_order] == in_order + 1) ++in_order;
  BOOST_TEST(in_order == seqs.size());
  for (const auto& e : log) out.published += e.body.dump().size();
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_subscriber_that_never_reads_neither_stalls_nor_bloats_the_node) {
  TempDir t;
  std::filesystem::create_directories(t.path() + "/plain");
  std::filesystem::create_directories(t.path() + "/stalled");
  const BusRun plain = replay_with_bars_on_the_bus(t.path() + "/plain", false);
  const BusRun stalled = replay_with_bars_on_the_bus(t.path() + "/stalled", true);
  BOOST_TEST_MESSAGE("peak anonymous memory: " << plain.peak_kib << " KiB unfaulted, " << stalled.peak_kib
                                               << " KiB with a stalled subscriber; published "
                                               << stalled.published / 1024 << " KiB");
  BOOST_TEST(stalled.published > 20'000'000u);
  BOOST_TEST(static_cast<uint64_t>(std::max(0L, stalled.peak_kib - plain.peak_kib)) * 1024 < stalled.published / 4);
}

// Junk on the node's TCP ports: bytes that are not ZMTP, a connection that
// never says anything, a request whose client hangs up before the reply.
// The node answers the next real client and goes on. (Malformed requests
// and half multipart messages: integration_node's
// garbage_on_the_control_endpoint_gets_errors_and_the_node_goes_on.)
BOOST_AUTO_TEST_CASE(raw_tcp_junk_and_vanishing_clients_on_the_ports_leave_the_node_serving) {
  TempDir t;
  NodeSetup n = make_node(t.path(), streams_of("1d", {"BTCUSDT"}), 20, kFast);
  Child node = start_and_wait(n);
  std::vector<int> held;
  for (const std::string& ep : {n.control, n.publish}) {
    const int junk = tcp_connect(ep);
    BOOST_REQUIRE(junk >= 0);
    const std::string bytes = "GET / HTTP/1.1\r\nHost: x\r\n\r\n" + std::string(64 * 1024, '\xff');
    (void)!write(junk, bytes.data(), bytes.size());
    close(junk);
    held.push_back(tcp_connect(ep));  // connects, says nothing, stays
    const int half = tcp_connect(ep);  // half a ZMTP greeting, then stays
    (void)!write(half, "\xff\0\0\0\0\0\0\0\x01\x7f\x03", 11);
    held.push_back(half);
  }
  {
    zmq::context_t ctx;
    for (int i = 0; i < 20; ++i) {  // asks, and is gone before the answer
      zmq::socket_t d(ctx, zmq::socket_type::dealer);
      d.set(zmq::sockopt::linger, 0);
      d.connect(n.control);
      ControlRequest req;
      req.id = "gone-" + std::to_string(i);
      req.command = "status";
      msgpack::sbuffer buf;
      msgpack::pack(buf, req);
      d.send(zmq::message_t(), zmq::send_flags::sndmore);
      d.send(zmq::buffer(buf.data(), buf.size()), zmq::send_flags::none);
    }
  }
  // Still answering, whether or not it has got to the abandoned requests
  // yet; the checks below (and the stop) come after all of them.
  BOOST_TEST(node_status(n)["mode"] == "replay");
  verify_running(n);
  for (int fd : held) close(fd);
  BOOST_TEST(ctl(n, {"stop"}).exit_code == 0);
  auto end = wait_process(node, std::chrono::seconds(30));
  BOOST_TEST(end.exit_code == 0, end.output);
  verify_offline(n.db, "acct-1");
}
