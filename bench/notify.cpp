// Notifications per second through the durable outbox, beside the limit:
// bare LMDB durable commits per second, measured in the same run on the same
// disk. Each notification is an event committed with its outbox row (one
// durable commit, as a fill is), then delivered to a local sink and removed
// (a second commit, or one per ack batch).
//   build/bench/notify [N] [DIR]     N notifications (default 2000), DIR on the disk to test
#include <lmdb.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "notify/delivery.hpp"
#include "messages/codec.hpp"
#include "messages/events.hpp"
#include "storage/store.hpp"

using namespace tn;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The limit: N one-put transactions with fsync (no MDB_NOSYNC).
double bare_commits_per_sec(const std::string& dir, int n) {
  std::filesystem::create_directories(dir);
  MDB_env* env = nullptr;
  mdb_env_create(&env);
  mdb_env_set_mapsize(env, 256u << 20);
  if (mdb_env_open(env, dir.c_str(), 0, 0600) != 0) return 0;
  MDB_dbi dbi;
  MDB_txn* txn;
  mdb_txn_begin(env, nullptr, 0, &txn);
  mdb_dbi_open(txn, nullptr, 0, &dbi);
  mdb_txn_commit(txn);
  const std::string value(200, 'v');  // about an outbox row plus an event
  const auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    mdb_txn_begin(env, nullptr, 0, &txn);
    const std::string key = std::to_string(1'000'000 + i);
    MDB_val k{key.size(), const_cast<char*>(key.data())}, v{value.size(), const_cast<char*>(value.data())};
    mdb_put(txn, dbi, &k, &v, 0);
    mdb_txn_commit(txn);
  }
  const double s = seconds_since(t0);
  mdb_env_close(env);
  return n / s;
}

struct Sink : notify::Channel {
  uint64_t got = 0;
  std::string name() const override { return "sink"; }
  notify::SendResult send(const notify::Message&) override { return ++got, notify::SendResult::ok(); }
};

// N events routed to the sink, delivered as they come (a drain every `every`
// events): notifications per second end to end.
double outbox_per_sec(const std::string& dir, int n, size_t ack_batch, int every) {
  storage::OpenOptions o;
  o.path = dir;
  o.durable = true;
  o.map_size_bytes = 256u << 20;
  o.route_events = [](std::string_view) { return std::vector<std::string>{"sink"}; };
  auto store = storage::Store::open(o);
  if (!store) return std::fprintf(stderr, "%s\n", store.error().to_string().c_str()), 0;
  notify::DeliveryOptions d;
  d.ack_batch = ack_batch;
  d.max_sends_per_drain = 1u << 20;
  auto sink = std::make_unique<Sink>();
  Sink* s = sink.get();
  notify::Deliverer dl((*store)->outbox(), [](const storage::OutboxEntry& e) {
    notify::Message m;
    m.id = e.id;
    return Result<std::optional<notify::Message>>(std::optional<notify::Message>(m));
  }, d);
  dl.add_channel(std::move(sink));
  const std::string body = encode(NodeStopEvent{"bench"});
  const auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    if (!(*store)->events().append({topic::node_stop, body, i})) return 0;
    if ((i + 1) % every == 0) dl.drain(0);
  }
  dl.drain(0);
  const double sec = seconds_since(t0);
  if (s->got != static_cast<uint64_t>(n)) std::fprintf(stderr, "delivered %llu of %d\n", (unsigned long long)s->got, n);
  return n / sec;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 2000;
  const std::string base = (argc > 2 ? std::string(argv[2]) : std::filesystem::current_path().string()) + "/bench-notify-tmp";
  std::filesystem::remove_all(base);
  const double limit = bare_commits_per_sec(base + "/bare", n);
  std::printf("disk: %s, %d notifications\n", base.c_str(), n);
  std::printf("limit: bare LMDB durable commits          %9.0f /s\n", limit);
  struct Case { const char* what; size_t ack; int every; };
  for (const Case& c : {Case{"ack each (at most 1 resent after crash)", 1, 1},
                        Case{"ack batch 64, drain every 64 events", 64, 64}}) {
    const double r = outbox_per_sec(base + "/outbox-" + std::to_string(c.ack), n, c.ack, c.every);
    std::printf("outbox: %-41s %9.0f /s  = %.2f x limit (target >= 0.50)\n", c.what, r, r / limit);
  }
  std::filesystem::remove_all(base);
  return 0;
}
