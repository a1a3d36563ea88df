// bench/latency's limits (see latency_limits.hpp).
#include "bench/latency_limits.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>

#include <zmq.hpp>

#include "messages/codec.hpp"
#include "messages/events.hpp"
#include "messages/orders.hpp"
#include "storage/store.hpp"

namespace tn::bench {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

Pcts pcts(std::vector<double> us) {
  Pcts p;
  p.n = us.size();
  if (us.empty()) return p;
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us[std::min(us.size() - 1, static_cast<size_t>(q * us.size()))]; };
  p.p50 = at(0.50), p.p99 = at(0.99), p.p999 = at(0.999);
  return p;
}
void print(const char* what, const Pcts& p) {
  std::printf("  %-44s n=%6zu  p50 %9.1f us  p99 %9.1f us  p99.9 %9.1f us\n", what, p.n, p.p50, p.p99, p.p999);
}

Pcts zmq_round_trip(int n) {
  zmq::context_t ctx;
  zmq::socket_t rep(ctx, zmq::socket_type::rep), req(ctx, zmq::socket_type::req);
  rep.bind("tcp://127.0.0.1:*");
  req.connect(rep.get(zmq::sockopt::last_endpoint));
  std::thread echo([&] {
    for (int i = 0; i < n; ++i) {
      zmq::message_t m;
      (void)rep.recv(m);
      rep.send(m, zmq::send_flags::none);
    }
  });
  std::vector<double> us;
  const std::string payload(300, 'x');  // about a fill event's size
  for (int i = 0; i < n; ++i) {
    const int64_t t = now_ns();
    req.send(zmq::buffer(payload), zmq::send_flags::none);
    zmq::message_t m;
    (void)req.recv(m);
    us.push_back((now_ns() - t) / 1000.0);
  }
  echo.join();
  return pcts(us);
}

// The same hop the fill takes last (PUB -> SUB over tcp loopback, two
// ZeroMQ I/O threads and the reader's wake-up), one message every gap_ms so
// every thread on the way has gone idle in between, as on a paced node.
Pcts zmq_paced_one_way(int n, int gap_ms) {
  zmq::context_t ctx;
  zmq::socket_t pub(ctx, zmq::socket_type::pub), sub(ctx, zmq::socket_type::sub);
  pub.bind("tcp://127.0.0.1:*");
  sub.set(zmq::sockopt::subscribe, "");
  sub.connect(pub.get(zmq::sockopt::last_endpoint));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the subscription reaches the PUB
  std::vector<double> us;
  std::thread reader([&] {
    for (int i = 0; i < n; ++i) {
      zmq::message_t m;
      if (!sub.recv(m)) break;
      int64_t sent = 0;
      std::memcpy(&sent, m.data(), sizeof sent);
      us.push_back((now_ns() - sent) / 1000.0);
    }
  });
  std::string payload(300, 'x');
  for (int i = 0; i < n; ++i) {
    const int64_t t = now_ns();
    std::memcpy(payload.data(), &t, sizeof t);
    pub.send(zmq::buffer(payload), zmq::send_flags::none);
    std::this_thread::sleep_for(std::chrono::milliseconds(gap_ms));
  }
  reader.join();
  return pcts(us);
}

namespace {
// A fresh store in dir (whatever was there is removed first).
std::unique_ptr<storage::Store> fresh_store(const std::string& dir, bool durable) {
  std::filesystem::remove_all(dir);
  storage::OpenOptions so;
  so.path = dir;
  so.durable = durable;
  return storage::Store::open(so).value();
}
}  // namespace

Pcts lmdb_commit(const std::string& dir, int n, bool durable) {
  auto store = fresh_store(dir, durable);
  std::vector<double> us;
  const std::string value(300, 'x');
  for (int i = 0; i < n; ++i) {
    const int64_t t = now_ns();
    (void)store->state().put("k" + std::to_string(i % 64), value);
    us.push_back((now_ns() - t) / 1000.0);
  }
  return pcts(us);
}

// What the executor's commit does (balances, order, transaction, the signal
// and trade events, chained), alone on one thread, caches warm.
Pcts ledger_apply(const std::string& dir, int n, bool durable) {
  auto store = fresh_store(dir, durable);
  (void)store->ledger().init_account("bench", "USDT", to_amount(1000000));
  std::vector<double> us;
  const storage::LedgerRules rules;
  for (int i = 0; i < n; ++i) {
    OrderRequest r;
    r.order_id = "o" + std::to_string(i);
    r.account = "bench", r.symbol = "BTCUSDT", r.base = "BTC", r.quote = "USDT", r.timeframe = "1d";
    r.side = i % 2 ? "SELL" : "BUY";
    r.bar_open_time_ms = r.decided_at_ms = i;
    r.price = 100;
    r.quote_amount = to_amount(100);
    SignalEvent e;
    e.symbol = r.symbol, e.timeframe = r.timeframe, e.side = r.side, e.bar_open_time_ms = i;
    const std::vector<storage::EventLog::Draft> before{{topic::signal_buy, encode(e), i}};
    const int64_t t = now_ns();
    auto res = store->ledger().apply(r, rules, i, before);
    us.push_back((now_ns() - t) / 1000.0);
    if (!res) {
      std::printf("  ledger apply failed: %s\n", res.error().message.c_str());
      break;
    }
  }
  return pcts(us);
}

// A spinning thread's clock gaps over over_us: the CPU taken from it.
Gaps clock_gaps(double seconds, double over_us) {
  Gaps g;
  const int64_t start = now_ns(), end = start + static_cast<int64_t>(seconds * 1e9);
  const auto over = static_cast<int64_t>(over_us * 1000);
  int64_t prev = start, lost = 0, n = 0, longest = 0;
  while (prev < end) {
    const int64_t t = now_ns();
    if (t - prev > over) ++n, lost += t - prev, longest = std::max(longest, t - prev);
    prev = t;
  }
  const double wall = static_cast<double>(prev - start);
  g.per_s = n / (wall / 1e9);
  g.longest_us = longest / 1000.0;
  g.lost_pct = 100.0 * static_cast<double>(lost) / wall;
  return g;
}

Pcts wake_up_lateness(int n, int sleep_us) {
  std::vector<double> us;
  us.reserve(n);
  for (int i = 0; i < n; ++i) {
    const int64_t t0 = now_ns();
    std::this_thread::sleep_for(std::chrono::microseconds(sleep_us));
    us.push_back(std::max<int64_t>(0, now_ns() - t0 - sleep_us * 1000) / 1000.0);
  }
  return pcts(std::move(us));
}

// CPU time the hypervisor gave to others (steal), all CPUs, since boot: on
// a shared virtual machine it shows in every tail figure.
CpuTicks cpu_ticks() {
  CpuTicks c;
  std::FILE* f = std::fopen("/proc/stat", "r");
  if (!f) return c;
  unsigned long long v[8] = {};
  if (std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                  &v[6], &v[7]) == 8) {
    c.steal = v[7];
    for (auto x : v) c.total += x;
  }
  std::fclose(f);
  return c;
}

}  // namespace tn::bench
