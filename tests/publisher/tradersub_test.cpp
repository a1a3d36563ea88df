#define BOOST_TEST_MODULE publisher_tradersub
#include <boost/test/unit_test.hpp>

// End to end: the built tradersub binary against a real ZmqPublisher on
// loopback. Every wait is bounded; a child that outlives its test is killed.
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/server.hpp"
#include "actors/publisher/zmq_publisher.hpp"
#include "messages/codec.hpp"
#include "messages/envelope.hpp"
#include "messages/events.hpp"

extern char** environ;

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr auto kWait = 5000ms;

std::string tradersub_path() {
  const char* dir = std::getenv("TN_BUILD_DIR");
  BOOST_REQUIRE_MESSAGE(dir != nullptr, "TN_BUILD_DIR is not set (run through meson test)");
  std::string p = std::string(dir) + "/tools/tradersub";
  BOOST_REQUIRE_MESSAGE(::access(p.c_str(), X_OK) == 0, p + " is not built");
  return p;
}

struct Finished {
  int exit_code = -1;  // -1: killed or did not exit in time
  std::string out, err;
  std::vector<std::string> out_lines() const {
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
  }
};

// A running tradersub; the destructor kills and reaps it if still running.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args) {
    int out[2], err[2];
    BOOST_REQUIRE(::pipe2(out, O_CLOEXEC) == 0 && ::pipe2(err, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    std::vector<std::string> full{tradersub_path()};
    full.insert(full.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : full) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    ::close(err[1]);
    out_ = out[0];
    err_ = err[0];
    BOOST_REQUIRE_MESSAGE(rc == 0, "posix_spawn failed");
    // glibc 2.36's <sys/pidfd.h> lacks extern "C" for C++: call the kernel.
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    BOOST_REQUIRE(pidfd_ >= 0);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    for (int fd : {out_, err_, pidfd_})
      if (fd >= 0) ::close(fd);
  }

  void signal(int sig) { ::kill(pid_, sig); }

  // Reads stdout and stderr to EOF, then reaps; kills the child if it is
  // not done within `limit`.
  Finished finish(std::chrono::milliseconds limit) {
    Finished f;
    const auto deadline = clock_type::now() + limit;
    auto left_ms = [&] {
      return static_cast<int>(std::max<int64_t>(
          0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now())
                 .count()));
    };
    int fds[2] = {out_, err_};
    std::string* bufs[2] = {&f.out, &f.err};
    while (fds[0] >= 0 || fds[1] >= 0) {
      pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
      const int n = ::poll(p, 2, left_ms());
      if (n <= 0) break;  // deadline (or error): stop reading
      for (int i = 0; i < 2; ++i) {
        if (fds[i] < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        char buf[4096];
        const ssize_t got = ::read(fds[i], buf, sizeof buf);
        if (got > 0) bufs[i]->append(buf, static_cast<size_t>(got));
        else fds[i] = -1;  // EOF
      }
    }
    pollfd pf{pidfd_, POLLIN, 0};
    if (::poll(&pf, 1, left_ms()) <= 0) ::kill(pid_, SIGKILL);  // too slow: fail below
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    if (WIFEXITED(status)) f.exit_code = WEXITSTATUS(status);
    return f;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1, err_ = -1, pidfd_ = -1;
};

std::string event(uint64_t seq, const std::string& node = "e2e",
                  const std::string& type = tn::topic::portfolio_status) {
  tn::PortfolioStatusEvent p;
  p.time_ms = 1700000000000 + static_cast<int64_t>(seq);
  p.quote = "USDT";
  p.total_value = "1000.00000000";
  tn::EnvelopeHeader h;
  h.seq = seq;
  h.ts_ns = 1;
  h.node = node;
  h.type = type;
  return tn::encode_envelope(h, tn::encode(p));
}

std::unique_ptr<tn::ZmqPublisher> open_pub() {
  auto p = tn::ZmqPublisher::open("tcp://127.0.0.1:0", 1000);
  BOOST_REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().to_string()));
  return std::move(p.value());
}

void await_subscribed(tn::ZmqPublisher& pub, size_t n = 1) {
  auto got = pub.wait_subscribers(n, kWait);
  BOOST_REQUIRE(got.ok());
  BOOST_REQUIRE_MESSAGE(*got >= n, "tradersub did not subscribe within 5 s");
}

}  // namespace

BOOST_AUTO_TEST_CASE(prints_three_events_as_json_lines_then_exits) {
  auto pub = open_pub();
  Child sub({"--endpoint", pub->endpoint(), "--count", "3", "--timeout-ms", "5000"});
  await_subscribed(*pub);
  for (uint64_t seq = 1; seq <= 3; ++seq)
    BOOST_REQUIRE(pub->publish(tn::topic::portfolio_status, event(seq)).ok());
  auto f = sub.finish(10s);
  BOOST_TEST(f.exit_code == 0);
  BOOST_TEST(f.err == "");
  auto lines = f.out_lines();
  BOOST_REQUIRE_EQUAL(lines.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    auto j = nlohmann::json::parse(lines[i]);
    BOOST_TEST(j["seq"] == i + 1);
    BOOST_TEST(j["type"] == "portfolio.status");
    BOOST_TEST(j["node"] == "e2e");
    BOOST_TEST(j["body"]["total_value"] == "1000.00000000");
  }
}

BOOST_AUTO_TEST_CASE(bad_envelope_and_gap_go_to_stderr_and_stream_continues) {
  auto pub = open_pub();
  Child sub({"--endpoint", pub->endpoint(), "--count", "2", "--timeout-ms", "5000"});
  await_subscribed(*pub);
  BOOST_REQUIRE(pub->publish("trade.fill", "\xdd\xff\xff\xff\xff").ok());
  BOOST_REQUIRE(pub->publish(tn::topic::portfolio_status, event(1)).ok());
  BOOST_REQUIRE(pub->publish(tn::topic::portfolio_status, event(3)).ok());
  auto f = sub.finish(10s);
  BOOST_TEST(f.exit_code == 0);
  BOOST_TEST(f.out_lines().size() == 2u);
  BOOST_TEST(f.err.find("\"error\"") != std::string::npos);
  BOOST_TEST(f.err.find("\"topic\":\"trade.fill\"") != std::string::npos);
  BOOST_TEST(f.err.find("\"warning\":\"gap\"") != std::string::npos);
}

// --until: the first event of that type (prefix) is the last one printed.
BOOST_AUTO_TEST_CASE(until_exits_after_the_first_event_of_that_type) {
  auto pub = open_pub();
  // A silence of a minute would end it too: finish() allows 10 s, so only
  // the event itself can end it in time.
  Child sub({"--endpoint", pub->endpoint(), "--until", "replay.sum", "--timeout-ms", "60000"});
  await_subscribed(*pub);
  BOOST_REQUIRE(pub->publish(tn::topic::portfolio_status, event(1)).ok());
  BOOST_REQUIRE(pub->publish(tn::topic::replay_summary, event(2, "e2e", tn::topic::replay_summary)).ok());
  BOOST_REQUIRE(pub->publish(tn::topic::portfolio_status, event(3)).ok());
  auto f = sub.finish(10s);
  BOOST_TEST(f.exit_code == 0, f.err);
  auto lines = f.out_lines();
  BOOST_REQUIRE_EQUAL(lines.size(), 2u);
  BOOST_TEST(nlohmann::json::parse(lines[1])["type"] == "replay.summary");
}

// --from: events 1-5 are in the node's log, but ZeroMQ dropped 4 and 5 (a
// slow reader at the stream's end) and nothing later comes to show the gap.
// After a second of silence tradersub asks the log for what follows its last
// seq and prints 4 and 5, once.
BOOST_AUTO_TEST_CASE(from_mode_fetches_a_dropped_tail_from_the_log) {
  auto pub = open_pub();
  auto srv = tn::ControlServer::open("tcp://127.0.0.1:0", tn::ControlSecurity{});
  BOOST_REQUIRE(srv.ok());
  std::mutex mu;
  std::vector<std::string> log;  // the node's log, as the control endpoint serves it
  std::atomic<bool> done{false};
  std::atomic<int> replays{0};
  std::thread node([&] {
    const tn::ControlHandler replay = [&](const tn::ControlRequest& req) {
      const auto arg = tn::control_arg_u64(req, tn::control_arg::from_seq, 1, UINT64_MAX);
      const uint64_t from = arg.ok() ? arg.value() : 1;
      std::lock_guard<std::mutex> g(mu);
      ++replays;
      const auto first = log.begin() + static_cast<long>(std::min<uint64_t>(from - 1, log.size()));
      return tn::make_ok_reply(req, tn::encode_replay_body(std::vector<std::string>(first, log.end())));
    };
    while (!done) (void)(*srv)->poll_once(50ms, replay);
  });
  // The log is asked first (empty then), then the stream.
  Child sub({"--endpoint", pub->endpoint(), "--control", (*srv)->endpoint(), "--from", "1",
             "--timeout-ms", "3000"});
  await_subscribed(*pub);
  const auto asked_by = clock_type::now() + kWait;
  while (replays.load() == 0 && clock_type::now() < asked_by) std::this_thread::sleep_for(10ms);
  BOOST_REQUIRE(replays.load() == 1);
  {
    std::lock_guard<std::mutex> g(mu);
    for (uint64_t seq = 1; seq <= 5; ++seq) log.push_back(event(seq));  // logged ...
  }
  for (uint64_t seq = 1; seq <= 3; ++seq)  // ... but only 1-3 are received
    BOOST_REQUIRE(pub->publish(tn::topic::portfolio_status, event(seq)).ok());
  auto f = sub.finish(15s);
  done = true;
  node.join();
  BOOST_TEST(f.exit_code == 0, f.err);
  std::vector<uint64_t> seqs;
  for (const auto& line : f.out_lines()) seqs.push_back(nlohmann::json::parse(line)["seq"]);
  BOOST_TEST(seqs == (std::vector<uint64_t>{1, 2, 3, 4, 5}), boost::test_tools::per_element());
  BOOST_TEST(replays.load() >= 2);
}

BOOST_AUTO_TEST_CASE(topic_prefix_and_merged_endpoints) {
  auto a = open_pub();
  auto b = open_pub();
  Child sub({"--endpoint", a->endpoint(), "--endpoint", b->endpoint(), "--topic", "portfolio.",
             "--count", "2", "--timeout-ms", "5000"});
  await_subscribed(*a);
  await_subscribed(*b);
  BOOST_REQUIRE(a->publish("signal.buy", event(1, "a")).ok());  // filtered out
  BOOST_REQUIRE(a->publish(tn::topic::portfolio_status, event(2, "a")).ok());
  BOOST_REQUIRE(b->publish(tn::topic::portfolio_status, event(7, "b")).ok());
  auto f = sub.finish(10s);
  BOOST_TEST(f.exit_code == 0);
  auto lines = f.out_lines();
  BOOST_REQUIRE_EQUAL(lines.size(), 2u);
  std::set<std::string> nodes;
  for (const auto& l : lines) {
    auto j = nlohmann::json::parse(l);
    BOOST_TEST(j["type"] == "portfolio.status");
    nodes.insert(j["node"].get<std::string>());
  }
  BOOST_TEST((nodes == std::set<std::string>{"a", "b"}));
}

// --topic: events of other types are not gaps; an event lost is one.
BOOST_AUTO_TEST_CASE(topic_filter_reports_lost_events_not_filtered_ones) {
  auto pub = open_pub();
  Child sub({"--endpoint", pub->endpoint(), "--topic", "portfolio.", "--count", "3", "--timeout-ms", "5000"});
  await_subscribed(*pub);
  BOOST_REQUIRE(pub->publish(tn::topic::portfolio_status, event(1)).ok());
  BOOST_REQUIRE(pub->publish("signal.buy", event(2, "e2e", "signal.buy")).ok());
  BOOST_REQUIRE(pub->publish("trade.fill", event(3, "e2e", "trade.fill")).ok());
  BOOST_REQUIRE(pub->publish(tn::topic::portfolio_status, event(4)).ok());
  // 5 is lost on the way (here: never sent).
  BOOST_REQUIRE(pub->publish(tn::topic::portfolio_status, event(6)).ok());
  auto f = sub.finish(10s);
  BOOST_TEST(f.exit_code == 0, f.err);
  std::vector<uint64_t> seqs;
  for (const auto& line : f.out_lines()) seqs.push_back(nlohmann::json::parse(line)["seq"]);
  BOOST_TEST(seqs == (std::vector<uint64_t>{1, 4, 6}), boost::test_tools::per_element());
  std::vector<std::string> warnings;
  std::istringstream err(f.err);
  for (std::string l; std::getline(err, l);) warnings.push_back(l);
  BOOST_REQUIRE_EQUAL(warnings.size(), 1u);
  const auto w = nlohmann::json::parse(warnings[0]);
  BOOST_TEST(w["warning"] == "gap");
  BOOST_TEST(w["expected"] == 5);
  BOOST_TEST(w["got"] == 6);
}

BOOST_AUTO_TEST_CASE(idle_timeout_without_events_exits_3) {
  auto pub = open_pub();
  const auto t0 = clock_type::now();
  Child sub({"--endpoint", pub->endpoint(), "--timeout-ms", "300"});
  auto f = sub.finish(5s);
  BOOST_TEST(f.exit_code == 3);
  BOOST_TEST((clock_type::now() - t0 < 4s));
  BOOST_TEST(f.out == "");
}

BOOST_AUTO_TEST_CASE(sigterm_and_sigint_exit_cleanly) {
  for (int sig : {SIGTERM, SIGINT}) {
    auto pub = open_pub();
    Child sub({"--endpoint", pub->endpoint()});  // no count, no timeout
    await_subscribed(*pub);  // it is inside its poll loop now
    const auto t0 = clock_type::now();
    sub.signal(sig);
    auto f = sub.finish(3s);
    BOOST_TEST(f.exit_code == 0, "signal " << sig);
    BOOST_TEST((clock_type::now() - t0 < 2s));
  }
}

BOOST_AUTO_TEST_CASE(command_line_errors_and_help) {
  {
    Child sub({"--help"});
    auto f = sub.finish(5s);
    BOOST_TEST(f.exit_code == 0);
    BOOST_TEST(f.out.find("Exit codes") != std::string::npos);
  }
  {
    Child sub({"--no-such-option"});
    BOOST_TEST(sub.finish(5s).exit_code == 2);
  }
  {
    Child sub({"--count", "many"});
    BOOST_TEST(sub.finish(5s).exit_code == 2);
  }
  {
    Child sub({"--endpoint", "nonsense", "--timeout-ms", "1000"});
    auto f = sub.finish(5s);
    BOOST_TEST(f.exit_code == 1);
    BOOST_TEST(f.err.find("nonsense") != std::string::npos);
  }
}
