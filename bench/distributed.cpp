// bench/distributed: what splitting the pipeline over nodes costs.
//  1. Throughput: 2 data sides (feeder -> the real indicator actor) into 1
//     trading side (a sink that counts bars and acks each window, as the
//     arbiter acks the scheduler), with `credit` windows in flight per data
//     side. Once in ONE process, once with the data sides in 2 child
//     processes connected over loopback through CAF's middleman (the
//     cluster's path). Big windows (a backtest-like batch) and small ones
//     (a live/replay check: a few bars per message).
//  2. Latency per hop: sequential request/response of a CheckRequest, in
//     process and across processes; (remote - local) / 2 is the extra per hop.
//   build/bench/distributed [--quick]
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <caf/io/all.hpp>

#include "actors/pipeline.hpp"

using namespace tn;

namespace {

using done_atom = caf::atom_constant<caf::atom("done")>;
constexpr uint32_t kStreams = 64;

double secs_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Windows of `bars` rows spread over kStreams streams, synthetic closes.
BarWindow make_window(uint32_t bars) {
  BarWindow w;
  const uint32_t per = std::max<uint32_t>(1, bars / kStreams);
  const uint32_t used = std::min<uint32_t>(kStreams, bars);
  for (uint32_t s = 0; s < used; ++s) {
    w.streams.push_back(s);
    w.offsets.push_back(static_cast<uint32_t>(w.close.size()));
    for (uint32_t i = 0; i < per; ++i) {
      w.open_time_ms.push_back(static_cast<int64_t>(i) * 60000);
      w.close.push_back(100.0 + (i % 17) * 0.5 + s);
    }
  }
  w.offsets.push_back(static_cast<uint32_t>(w.close.size()));
  return w;
}

// Trading side: counts bars; acks each window to its feeder (source id in
// the window id's top bits); answers (done) once `total` bars came in.
caf::behavior sink(caf::event_based_actor* self) {
  auto feeders = std::make_shared<std::vector<caf::actor>>();
  auto count = std::make_shared<uint64_t>(0);
  auto total = std::make_shared<uint64_t>(UINT64_MAX);
  auto first = std::make_shared<std::chrono::steady_clock::time_point>();
  auto waiter = std::make_shared<caf::actor>();
  return {
      [=](join_atom, uint32_t id, caf::actor feeder) {
        if (feeders->size() <= id) feeders->resize(id + 1);
        (*feeders)[id] = feeder;
        return true;
      },
      [=](const SnapshotWindow& w) {
        if (*count == 0) *first = std::chrono::steady_clock::now();  // the clock starts at the first bar
        *count += w.bars.bars();
              self->send((*feeders)[w.bars.window >> 40], ack_atom::value, w.bars.window);
        if (*count >= *total && *waiter) {
          self->send(*waiter, done_atom::value, secs_since(*first));
          *waiter = nullptr;
        }
      },
      [=](done_atom, uint64_t expect, caf::actor who) {  // tell who when `expect` bars came in
        *count = 0;
        *total = expect;
        *waiter = who;
      },
      [=](const CheckRequest& r) { return r; },  // the latency probe: echo
  };
}

// Data side: `windows` windows through the indicator, `credit` in flight.
caf::behavior feeder(caf::event_based_actor* self, uint32_t id, caf::actor indicator,
                     uint64_t windows, uint32_t bars, uint32_t credit) {
  auto tmpl = std::make_shared<BarWindow>(make_window(bars));
  auto sent = std::make_shared<uint64_t>(0);
  auto acked = std::make_shared<uint64_t>(0);
  auto send_one = [=] {
    BarWindow w = *tmpl;
    w.window = (static_cast<uint64_t>(id) << 40) | (*sent)++;
    self->send(indicator, std::move(w));
  };
  return {
      [=](start_atom) {
        for (uint32_t i = 0; i < credit && *sent < windows; ++i) send_one();
      },
      [=](ack_atom, uint64_t) {
        if (++*acked == windows) return self->quit();
        if (*sent < windows) send_one();
      },
  };
}

caf::actor_system_config& base_config(caf::actor_system_config& c) {
  add_tn_types(c);
  c.load<caf::io::middleman>();
  // As `tradernode run` (node_run.cpp): idle workers block and wake at once,
  // where work stealing's back-off sleeps add a latency floor.
  c.set("scheduler.policy", caf::atom("sharing"));
  return c;
}

// One data side: its feeder and indicator, feeding `to` (both: they must
// exit for the actor system to end).
std::pair<caf::actor, caf::actor> start_data_side(caf::actor_system& sys, caf::actor to, uint32_t id, uint64_t windows,
                           uint32_t bars, uint32_t credit) {
  // The sink (local or remote) is dynamically typed; it takes the snapshots.
  auto ind = caf::actor_cast<caf::actor>(
      sys.spawn(indicator_actor, std::vector<int32_t>(kStreams, 20), caf::actor_cast<SnapshotSink>(to)));
  auto f = sys.spawn(feeder, id, ind, windows, bars, credit);
  caf::scoped_actor self{sys};
  self->request(to, std::chrono::seconds(10), join_atom::value, id, f).receive([](bool) {}, [](caf::error&) {});
  return {f, ind};
}

// Child process: a data side connected to the parent's sink.
int child_source(uint16_t port, uint32_t id, uint64_t windows, uint32_t bars, uint32_t credit) {
  caf::actor_system_config cfg;
  caf::actor_system sys{base_config(cfg)};
  auto sink_h = caf::io::remote_actor(sys, "127.0.0.1", port);
  if (!sink_h) return std::fprintf(stderr, "connect: %s\n", sys.render(sink_h.error()).c_str()), 1;
  auto [f, ind] = start_data_side(sys, *sink_h, id, windows, bars, credit);
  caf::scoped_actor self{sys};
  self->monitor(f);
  caf::anon_send(f, start_atom::value);
  self->receive([](caf::down_msg&) {});
  caf::anon_send_exit(ind, caf::exit_reason::user_shutdown);
  return 0;
}

// Child process: sequential round trips to the parent's sink; prints the mean.
int child_ping(uint16_t port, int n) {
  caf::actor_system_config cfg;
  caf::actor_system sys{base_config(cfg)};
  auto sink_h = caf::io::remote_actor(sys, "127.0.0.1", port);
  if (!sink_h) return 1;
  caf::scoped_actor self{sys};
  CheckRequest r{1, 0, {1, 2, 3}, false};
  for (int i = 0; i < 100; ++i) self->request(*sink_h, std::chrono::seconds(5), r).receive([](CheckRequest&) {}, [](caf::error&) {});
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i)
    self->request(*sink_h, std::chrono::seconds(5), r).receive([](CheckRequest&) {}, [](caf::error&) {});
  std::printf("%.3f\n", secs_since(t0) * 1e6 / n);
  return 0;
}

pid_t spawn_self(const std::vector<std::string>& args, int* out_fd = nullptr) {
  int fds[2] = {-1, -1};
  if (out_fd && pipe(fds) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    if (out_fd) dup2(fds[1], 1), close(fds[0]), close(fds[1]);
    std::vector<char*> argv{const_cast<char*>("/proc/self/exe")};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  if (out_fd) close(fds[1]), *out_fd = fds[0];
  return pid;
}

struct Figure {
  double bars_per_sec, msgs_per_sec;
};

Figure run_case(caf::actor_system& sys, caf::actor sink_h, bool remote, uint16_t port, uint64_t windows,
                uint32_t bars, uint32_t credit) {
  const uint64_t per_window = make_window(bars).bars();
  const uint64_t total = 2 * windows * per_window;
  caf::scoped_actor self{sys};
  self->send(sink_h, done_atom::value, total, caf::actor_cast<caf::actor>(self));
  std::vector<pid_t> kids;
  std::vector<caf::actor> local;
  if (remote) {
    for (uint32_t id = 0; id < 2; ++id)
      kids.push_back(spawn_self({"--source", std::to_string(port), std::to_string(id), std::to_string(windows),
                                 std::to_string(bars), std::to_string(credit)}));
  } else {
    for (uint32_t id = 0; id < 2; ++id)
    {
      auto [f, ind] = start_data_side(sys, sink_h, id, windows, bars, credit);
      local.insert(local.end(), {f, ind});
      caf::anon_send(f, start_atom::value);
    }
  }
  double s = 0;  // first bar in -> last bar in, at the trading side
  self->receive([&](done_atom, double secs) { s = secs; });
  for (pid_t k : kids) waitpid(k, nullptr, 0);
  for (const auto& a : local) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  return {static_cast<double>(total) / s, 2.0 * static_cast<double>(windows) / s};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 7 && std::strcmp(argv[1], "--source") == 0)
    return child_source(static_cast<uint16_t>(std::stoi(argv[2])), std::stoul(argv[3]), std::stoull(argv[4]),
                        std::stoul(argv[5]), std::stoul(argv[6]));
  if (argc >= 4 && std::strcmp(argv[1], "--ping") == 0)
    return child_ping(static_cast<uint16_t>(std::stoi(argv[2])), std::stoi(argv[3]));
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;

  caf::actor_system_config cfg;
  caf::actor_system sys{base_config(cfg)};
  auto sink_h = sys.spawn(sink);
  auto port = caf::io::publish(sink_h, 0, "127.0.0.1");
  if (!port) return std::fprintf(stderr, "publish: %s\n", sys.render(port.error()).c_str()), 1;

  std::printf("bench/distributed: 2 data sides (feeder -> indicator) -> 1 trading side (sink), credit 4\n");
  std::printf("%-34s %16s %16s %14s\n", "case", "bars/s", "windows/s", "vs in-process");
  struct Case { const char* name; uint32_t bars; uint64_t windows; };
  const Case cases[] = {{"big windows (4096 bars)", 4096, quick ? 200u : 2000u},
                        {"small windows (5 bars, a check)", 5, quick ? 2000u : 20000u}};
  for (const auto& c : cases) {
    const Figure local = run_case(sys, sink_h, false, *port, c.windows, c.bars, 4);
    const Figure remote = run_case(sys, sink_h, true, *port, c.windows, c.bars, 4);
    std::printf("%-34s %16.0f %16.0f %14s\n", (std::string(c.name) + ", one process").c_str(),
                local.bars_per_sec, local.msgs_per_sec, "1.00");
    std::printf("%-34s %16.0f %16.0f %14.2f\n", (std::string(c.name) + ", 2+1 nodes").c_str(),
                remote.bars_per_sec, remote.msgs_per_sec, remote.bars_per_sec / local.bars_per_sec);
  }

  // Latency: sequential round trips of a CheckRequest.
  const int n = quick ? 500 : 5000;
  double local_us = 0;
  {
    caf::scoped_actor self{sys};
    CheckRequest r{1, 0, {1, 2, 3}, false};
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i)
      self->request(sink_h, std::chrono::seconds(5), r).receive([](CheckRequest&) {}, [](caf::error&) {});
    local_us = secs_since(t0) * 1e6 / n;
  }
  int fd = -1;
  pid_t kid = spawn_self({"--ping", std::to_string(*port), std::to_string(n)}, &fd);
  std::string out;
  char buf[256];
  ssize_t got;
  while ((got = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(got));
  close(fd);
  waitpid(kid, nullptr, 0);
  const double remote_us = out.empty() ? -1 : std::stod(out);
  std::printf("round trip (request -> response), in process:   %8.1f us\n", local_us);
  std::printf("round trip across processes (loopback, CAF io): %8.1f us\n", remote_us);
  std::printf("extra latency per hop:                          %8.1f us\n", (remote_us - local_us) / 2);
  caf::anon_send_exit(sink_h, caf::exit_reason::user_shutdown);
  return 0;
}
