// tradersub: print a node's event stream as JSON lines.
// The logic lives in control/subscriber.*; this is the socket
// loop and the command line.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "control/client.hpp"
#include "control/subscriber.hpp"
#include "messages/codec.hpp"
#include "messages/envelope.hpp"
#include "messages/events.hpp"
#include "tools/cli.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitNoEvents = 3;

constexpr const char* kDefaultEndpoint = "tcp://127.0.0.1:5555";
constexpr int kSubscriberLingerMs = 0;  // nothing to flush on exit
// Frames kept per message: enough to tell [topic, envelope] from anything
// else; the rest of a hostile many-part message is read and counted only.
constexpr size_t kMaxKeptFrames = 3;

// Self-pipe: the signal handler writes one byte, the poll loop wakes at once.
int g_signal_pipe[2] = {-1, -1};
volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_signal(int) {
  g_stop = 1;
  const int saved = errno;
  const char b = 1;
  [[maybe_unused]] auto n = ::write(g_signal_pipe[1], &b, 1);
  errno = saved;
}

bool install_signal_handlers() {
  if (::pipe2(g_signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return false;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: let zmq_poll return EINTR
  if (sigaction(SIGINT, &sa, nullptr) != 0 || sigaction(SIGTERM, &sa, nullptr) != 0) return false;
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout is seen as a write error
  return true;
}

void print_error(const std::string& message) {
  nlohmann::json j;
  j["error"] = message;
  std::fprintf(stderr, "%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  std::fflush(stderr);
}

// False when stdout is gone (e.g. the reader of a pipe exited).
bool print_line(std::FILE* f, const std::string& line) {
  if (std::fwrite(line.data(), 1, line.size(), f) != line.size()) return false;
  if (std::fputc('\n', f) == EOF) return false;
  return std::fflush(f) == 0;
}

struct Options {
  std::vector<std::string> endpoints;
  std::vector<std::string> topics;
  uint64_t count = 0;       // 0: no limit
  std::string until;        // non-empty: exit after the first event whose type starts with it
  int64_t timeout_ms = 0;   // 0: wait for ever
  bool raw = false;
  uint64_t from = 0;        // > 0: start at this seq, from the node's event log
  std::string control = "tcp://127.0.0.1:5556";
};

constexpr uint64_t kReplayPage = 1000;
constexpr auto kReplayTimeout = std::chrono::seconds(10);
// --from: after this much silence the log is asked once for what follows the
// last seq printed. ZeroMQ may have dropped the stream's tail for a slow
// reader, and no later event would show that gap.
constexpr auto kTailCheck = std::chrono::milliseconds(1000);

// With --from: every event is printed once, in seq order. Live events
// already printed from the log are skipped; a jump in seq (ZeroMQ dropped
// events for a slow reader) is filled from the log before going on.
struct Catchup {
  const Options& opt;
  tn::SubscriberCore& core;
  uint64_t next = 0;  // the next seq to print; 0: not in --from mode
  bool done = false;  // --count reached while printing from the log
  bool unreachable = false;  // the last fill failed for want of an answer (printed)
  bool at_stop = false;      // the newest event seen is node.stop: nothing follows it

  bool ends_here(std::string_view type) const {
    return !opt.until.empty() && type.substr(0, opt.until.size()) == opt.until;
  }

  // Prints the log from `next` up to (not including) `until`
  // (UINT64_MAX: to its current end). False on a control error (printed).
  bool fill(uint64_t until) {
    unreachable = false;
    while (next < until) {
      tn::ControlRequest req;
      req.id = tn::new_request_id();
      req.command = tn::control_cmd::replay;
      req.args[tn::control_arg::from_seq] = std::to_string(next);
      req.args[tn::control_arg::max] = std::to_string(std::min<uint64_t>(kReplayPage, until - next));
      auto reply = tn::call(opt.control, req, kReplayTimeout);
      if (!reply || !reply->ok) {
        print_error("replay from " + std::to_string(next) + " via " + opt.control + ": " +
                    (!reply ? reply.error().message : reply->error));
        unreachable = !reply;
        return false;
      }
      auto envs = tn::decode_replay_body(reply->body);
      if (!envs) {
        print_error("replay body: " + envs.error().message);
        return false;
      }
      for (const std::string& e : *envs) {
        auto h = tn::decode_envelope(e);
        if (!h) continue;  // the core would report it; the log is ours, so it does not happen
        if (h->header.seq < next) continue;
        next = h->header.seq + 1;
        at_stop = h->header.type == tn::topic::node_stop;  // a node's last event
        // Every event goes through the core, shown or not: it follows seq.
        const auto o = core.handle({h->header.type, e});
        for (const auto& line : o.err) print_line(stderr, line);
        if (!o.out.empty() && !print_line(stdout, o.out)) return false;
        if ((opt.count > 0 && core.events() >= opt.count) || (!o.out.empty() && ends_here(h->header.type))) {
          done = true;
          return true;
        }
      }
      if (envs->size() < kReplayPage && until == UINT64_MAX) return true;  // caught up
      if (envs->empty()) return true;  // nothing more stored
    }
    return true;
  }

  // A live message: true to print it; fills a gap before it first.
  bool admit(const std::vector<std::string_view>& frames, bool& ok) {
    ok = true;
    if (next == 0 || frames.size() != 2) return true;
    auto h = tn::decode_envelope(frames[1]);
    if (!h) return true;  // the core reports it
    const uint64_t seq = h->header.seq;
    if (seq < next) return false;  // already printed from the log
    if (seq > next) ok = fill(seq);
    next = seq + 1;
    at_stop = h->header.type == tn::topic::node_stop;  // a node's last event
    return ok;
  }
};

int run(const Options& opt) {
  zmq::context_t ctx;
  zmq::socket_t sub;
  try {
    sub = zmq::socket_t(ctx, zmq::socket_type::sub);
    sub.set(zmq::sockopt::linger, kSubscriberLingerMs);
    // One frame above the envelope limit can never decode: refuse it early.
    sub.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(tn::kMaxMessageBytes));
    // Decoded events: every topic is received and the core filters, so it
    // sees every seq and a gap is events lost, not events filtered out
    // (control/subscriber.hpp). Raw mode tracks no seq: ZeroMQ filters.
    if (opt.raw)
      for (const auto& t : opt.topics) sub.set(zmq::sockopt::subscribe, t);
    if (!opt.raw || opt.topics.empty()) sub.set(zmq::sockopt::subscribe, "");
    for (const auto& e : opt.endpoints) {
      try {
        sub.connect(e);
      } catch (const zmq::error_t& err) {
        print_error("cannot connect to " + e + ": " + err.what());
        return kExitError;
      }
    }
  } catch (const zmq::error_t& err) {
    print_error(std::string("cannot create SUB socket: ") + err.what());
    return kExitError;
  }

  tn::SubscriberCore core(opt.raw, opt.topics);
  Catchup catchup{opt, core};
  if (opt.from > 0) {
    // Subscribed first, then the log: nothing published meanwhile is lost
    // (what arrives twice is skipped by seq).
    catchup.next = opt.from;
    if (!catchup.fill(UINT64_MAX)) return kExitError;
    if (catchup.done) return kExitOk;
  }
  using clock = std::chrono::steady_clock;
  auto last_event = clock::now();  // the last event printed (--timeout-ms)
  auto last_message = last_event;   // ... or message received (the tail check)
  zmq::message_t part;
  std::vector<zmq::message_t> kept;
  std::vector<std::string_view> views;

  // A signal (EINTR) mid-message retries the same part, never splits it.
  auto recv_part = [&](zmq::recv_flags flags) -> zmq::recv_result_t {
    for (;;) {
      try {
        return sub.recv(part, flags);
      } catch (const zmq::error_t& err) {
        if (err.num() != EINTR) throw;
      }
    }
  };

  bool tail_checked = false;  // since the last message: the log was asked (--from)
  while (!g_stop) {
    zmq::pollitem_t items[2] = {{sub.handle(), 0, ZMQ_POLLIN, 0},
                                {nullptr, g_signal_pipe[0], ZMQ_POLLIN, 0}};
    const auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - last_event);
    const auto silent = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - last_message);
    const bool check_tail = catchup.next > 0 && !tail_checked && !catchup.at_stop;
    if (check_tail && (silent >= kTailCheck || (opt.timeout_ms > 0 && idle.count() >= opt.timeout_ms))) {
      // Not fatal when the node does not answer: it may be restarting.
      tail_checked = true;
      const uint64_t before = core.events();
      if (!catchup.fill(UINT64_MAX) && !catchup.unreachable) return kExitError;
      if (catchup.done) return kExitOk;
      if (core.events() != before) last_event = last_message = clock::now(), tail_checked = false;
      continue;
    }
    std::chrono::milliseconds wait{-1};
    if (opt.timeout_ms > 0) {
      wait = std::chrono::milliseconds(opt.timeout_ms) - idle;
      if (wait.count() <= 0) return core.events() > 0 ? kExitOk : kExitNoEvents;
    }
    if (check_tail) wait = wait.count() < 0 ? kTailCheck - silent : std::min(wait, kTailCheck - silent);
    try {
      zmq::poll(items, 2, wait);
    } catch (const zmq::error_t& err) {
      if (err.num() == EINTR) continue;
      print_error(std::string("poll: ") + err.what());
      return kExitError;
    }
    if (items[1].revents & ZMQ_POLLIN) break;
    if (!(items[0].revents & ZMQ_POLLIN)) continue;

    // Read every message that is ready, one multipart message at a time.
    while (!g_stop) {
      kept.clear();
      size_t total = 0;
      try {
        if (!recv_part(zmq::recv_flags::dontwait)) break;
        for (;;) {
          ++total;
          const bool more = part.more();
          if (kept.size() < kMaxKeptFrames) kept.push_back(std::move(part));
          if (!more) break;
          (void)recv_part(zmq::recv_flags::none);  // the rest is already here
        }
      } catch (const zmq::error_t& err) {
        print_error(std::string("recv: ") + err.what());
        return kExitError;
      }
      views.clear();
      for (const auto& m : kept) views.emplace_back(m.data<char>(), m.size());
      tail_checked = false;
      last_message = clock::now();
      bool fill_ok = true;
      const bool print = catchup.admit(views, fill_ok);
      if (!fill_ok) return kExitError;
      if (catchup.done) return kExitOk;
      if (!print) continue;
      const tn::SubscriberOutput o = core.handle(views, total);
      for (const auto& line : o.err) print_line(stderr, line);
      if (o.out.empty()) continue;
      if (!print_line(stdout, o.out)) return kExitError;  // stdout closed
      last_event = clock::now();
      if (opt.count > 0 && core.events() >= opt.count) return kExitOk;
      if (!views.empty() && catchup.ends_here(views[0])) return kExitOk;  // the topic is the type
    }
  }
  return kExitOk;  // SIGINT / SIGTERM
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tradersub: subscribe to tradernode event streams and print one JSON object\n"
               "per event per line on stdout. Errors and seq gaps go to stderr as JSON lines.\n\n"
               "Exit codes:\n"
               "  0  --count events printed; the --until event printed; --timeout-ms passed\n"
               "     after at least one event;\n"
               "     or stopped by SIGINT/SIGTERM\n"
               "  1  socket error (e.g. a malformed endpoint) or stdout closed\n"
               "  2  bad command line\n"
               "  3  --timeout-ms passed and no event was received at all"};
  tn::cli::setup(app, "tradersub");
  Options opt;
  app.add_option("--endpoint", opt.endpoints,
                 "ZeroMQ endpoint to connect to; repeat for one merged stream "
                 "(default tcp://127.0.0.1:5555)");
  app.add_option("--topic", opt.topics,
                 "print only events whose type starts with this prefix, e.g. trade. or "
                 "signal.buy; repeatable (default: every topic). Every event is received so "
                 "that a seq gap means events lost, never events filtered out");
  app.add_option("--count", opt.count, "exit after N events (0: no limit)");
  app.add_option("--until", opt.until,
                 "exit after printing the first event whose type starts with TYPE, e.g. "
                 "replay.summary (a replay's end) or node.stop");
  app.add_option("--timeout-ms", opt.timeout_ms,
                 "exit when no event arrived for T ms (0: wait for ever); see exit codes")
      ->check(CLI::Range(int64_t{0}, std::numeric_limits<int64_t>::max()));
  app.add_option("--from", opt.from,
                 "start at event SEQ (1: the beginning) read from the node's log over its "
                 "control endpoint, then go on live with no hole and no duplicate (gaps "
                 "are filled from the log too)")
      ->check(CLI::Range(uint64_t{1}, std::numeric_limits<uint64_t>::max()));
  app.add_option("--control", opt.control,
                 "the node's control endpoint, for --from (default tcp://127.0.0.1:5556)");
  app.add_flag("--raw", opt.raw,
               "print {\"topic\",\"bytes\",\"hex\"} per message without decoding the "
               "envelope (no seq checks)");
  if (auto rc = tn::cli::parse(app, argc, argv)) return *rc;
  if (opt.endpoints.empty()) opt.endpoints.push_back(kDefaultEndpoint);
  if (opt.from > 0 && (opt.raw || opt.endpoints.size() != 1)) {
    print_error("--from reads one node's log: give one --endpoint and no --raw");
    return kExitUsage;
  }
  if (!install_signal_handlers()) {
    print_error("cannot install signal handlers");
    return kExitError;
  }
  return run(opt);
}
