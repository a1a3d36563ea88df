// bench/latency: in replay mode at full speed, the time from a bar's arrival
// at the fetcher (the moment the fetcher reads it from its source) to the
// trade.fill event of the order it caused arriving at an external ZeroMQ
// subscriber (a SUB socket on tcp loopback, in a thread of this process so
// both ends read one clock). Twice: ledger commits durable (fsync) and not
// (MDB_NOSYNC). Beside the limits measured in the same run: a bare ZeroMQ
// round trip (REQ/REP over tcp loopback), a bare PUB -> SUB hop paced like
// the paced pipeline, and a bare LMDB durable commit. Each run is also split
// at the signal event (bar -> signal, signal -> fill) to show where the
// time goes.
//   build/bench/latency [--quick]
//   TN_BENCH_THREADS=N  CAF scheduler workers (default 1, as the node; the
//                       runs with one worker per core are printed too)
//   TN_BENCH_POLICY=stealing  CAF's other scheduler
//   TN_BENCH_SHARDS=N   indicator/signal shards (default 2, as the node)
// The credit-1 runs also print where the time goes, stage by stage
// (common/stage_probe.hpp), and the run ends with the share of CPU time
// the hypervisor stole meanwhile: on a shared VM the tails are mostly that.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>
#include <tuple>
#include <unordered_map>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "actors/pipeline.hpp"
#include "actors/publisher/zmq_publisher.hpp"
#include "bench/latency_limits.hpp"
#include "common/stage_probe.hpp"
#include "messages/envelope.hpp"
#include "storage/store.hpp"
#include "tools/node_setup.hpp"
#include "tools/worker_threads.hpp"

using namespace tn;
using namespace tn::bench;

namespace {

// When each bar was handed to the fetcher: (stream, open time) -> ns.
struct Arrivals {
  std::mutex m;
  std::unordered_map<uint64_t, int64_t> at;
  static uint64_t key(uint32_t stream, int64_t open_ms) {
    return (static_cast<uint64_t>(stream) << 48) ^ static_cast<uint64_t>(open_ms);
  }
};

// A recorded-bars source that notes the wall time each bar is read.
class TimedSource final : public BarSource {
 public:
  TimedSource(std::unique_ptr<BarSource> in, uint32_t stream, std::shared_ptr<Arrivals> a)
      : in_(std::move(in)), stream_(stream), a_(std::move(a)) {}
  size_t read_until(int64_t end, std::vector<int64_t>& t, std::vector<double>* o, std::vector<double>* h,
                    std::vector<double>* l, std::vector<double>& c, std::vector<double>* v) override {
    const size_t before = t.size();
    const size_t n = in_->read_until(end, t, o, h, l, c, v);
    const int64_t ns = now_ns();
    std::lock_guard<std::mutex> g(a_->m);
    for (size_t i = before; i < t.size(); ++i) a_->at[Arrivals::key(stream_, t[i])] = ns;
    return n;
  }
  int64_t next_close_ms() const override { return in_->next_close_ms(); }
  int64_t timeframe_ms() const override { return in_->timeframe_ms(); }

 private:
  std::unique_ptr<BarSource> in_;
  uint32_t stream_;
  std::shared_ptr<Arrivals> a_;
};


const char* kConfig = R"(
[node]
mode = "replay"
[account]
id = "bench"
[sizing]
allocation = { "4h" = 0.20, "1d" = 0.30 }
fee_rate = 0.001
[watchlist.BTCUSDT.4h]
data = "binance/BTCUSDT-4h.csv"
[watchlist.ETHUSDT.4h]
data = "binance/ETHUSDT-4h.csv"
[watchlist.BTCUSDT.1d]
data = "binance/BTCUSDT-1d.csv"
[watchlist.ETHUSDT.1d]
data = "binance/ETHUSDT-1d.csv"
[watchlist.BNBUSDT.1d]
data = "binance/BNBUSDT-1d.csv"
[watchlist.XRPUSDT.1d]
data = "binance/XRPUSDT-1d.csv"
)";

// One run's figures: the whole path, and split where the signal event
// (logged by the arbiter before it places the order) reaches the subscriber.
struct Run {
  Pcts total, to_signal, signal_to_fill;
  double checks_per_s = 0;
  // From the fetcher taking the check to each later stage, for the windows
  // whose order reached the publisher (common/stage_probe.hpp).
  std::vector<std::pair<const char*, Pcts>> stages;
};

std::vector<std::pair<const char*, Pcts>> stage_breakdown(const probe::Table& t) {
  static const char* const names[probe::kStages] = {
      "fetcher took the check", "indicator", "signal", "arbiter (first shard's part)", "order placed",
      "executor", "ledger committed", "trade event handed to ZeroMQ"};
  std::vector<std::pair<const char*, Pcts>> out;
  for (int st = probe::indicator; st < probe::kStages; ++st) {
    std::vector<double> us;
    for (size_t w = 0; w < probe::kWindows; ++w) {
      const int64_t from = t[probe::check_at_fetcher][w], at = t[st][w], done = t[probe::published][w];
      if (from && at && done) us.push_back((at - from) / 1000.0);
    }
    out.emplace_back(names[st], pcts(us));
  }
  return out;
}

Run pipeline_latency(bool durable, uint32_t credit, int64_t interval_ms, const std::string& dir,
                     caf::actor_system& sys) {
  auto cfg = parse_config(kConfig, "bench").value();
  for (auto& s : cfg.watchlist) s.data = std::string(TN_SOURCE_DIR) + "/data/" + s.data;
  std::filesystem::remove_all(dir);
  storage::OpenOptions so;
  so.path = dir;
  so.durable = durable;
  auto store = std::shared_ptr<storage::Store>(storage::Store::open(so).value().release());
  (void)store->ledger().init_account("bench", "USDT", to_amount(10000));
  auto pub = std::shared_ptr<ZmqPublisher>(ZmqPublisher::open("tcp://127.0.0.1:*", 0).value().release());

  auto arrivals = std::make_shared<Arrivals>();
  const char* shards_env = std::getenv("TN_BENCH_SHARDS");
  const uint32_t shards = shards_env ? std::max(1, std::atoi(shards_env)) : 2;
  std::vector<std::vector<std::pair<uint32_t, std::unique_ptr<BarSource>>>> parts(shards);
  std::vector<CheckStream> streams;
  CheckSchedulerOptions o;
  o.shards = shards;
  o.credit = credit;
  o.start_ms = INT64_MAX;
  o.end_ms = INT64_MIN;
  for (uint32_t i = 0; i < cfg.watchlist.size(); ++i) {
    const auto& s = cfg.watchlist[i];
    auto series = load_csv_bars(s.data, s.tf_ms).value();
    const DataSpan span = data_span({series}, {s.tf_ms});
    o.start_ms = std::min(o.start_ms, span.first_close_ms);
    o.end_ms = std::max(o.end_ms, span.last_close_ms);
    streams.push_back({i, s.tf_ms, -1, i % shards, span.first_close_ms});
    parts[i % shards].emplace_back(
        i, std::make_unique<TimedSource>(make_series_source(std::move(series), s.tf_ms), i, arrivals));
  }
  PipelineSpec spec;
  spec.streams = stream_table(cfg);
  spec.store = store;
  spec.publisher = pub;
  spec.account = "bench";
  spec.quote = "USDT";
  spec.min_trade_value = to_amount(10);
  spec.fee_rate = cfg.fee_rate;
  spec.scheduler = std::make_shared<CheckScheduler>(CheckScheduler::make(streams, o).value());
  for (auto& p : parts) spec.readers.push_back(std::make_shared<CheckReader>(std::move(p), false));
  spec.starting_capital = to_amount(10000);
  spec.replay_interval_ms = interval_ms;

  // The external subscriber: signals and fills, each matched to its bar.
  std::vector<double> lat_us, to_signal_us, signal_to_fill_us;
  std::unordered_map<uint64_t, int64_t> signal_at;
  std::atomic<bool> done{false};
  zmq::context_t ctx;
  zmq::socket_t sub(ctx, zmq::socket_type::sub);
  sub.set(zmq::sockopt::subscribe, "trade.fill");
  sub.set(zmq::sockopt::subscribe, "signal.buy");
  sub.set(zmq::sockopt::subscribe, "signal.sell");
  sub.set(zmq::sockopt::rcvtimeo, 200);
  sub.connect(pub->endpoint());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the subscription reaches the PUB
  std::thread reader([&] {
    std::vector<std::string> idx;
    for (const auto& s : spec.streams) idx.push_back(s.symbol + ":" + s.timeframe);
    while (!done) {
      zmq::message_t topic, env;
      if (!sub.recv(topic)) continue;
      if (!sub.recv(env)) continue;
      const int64_t t = now_ns();
      auto d = decode_envelope({env.data<char>(), env.size()});
      if (!d) continue;
      const bool is_signal = d->header.type.rfind("signal.", 0) == 0;
      std::string name;
      int64_t open_ms = 0;
      try {
        if (is_signal) {
          auto e = d->body.get().as<SignalEvent>();
          name = e.symbol + ":" + e.timeframe, open_ms = e.bar_open_time_ms;
        } else {
          auto e = d->body.get().as<TradeEvent>();
          name = e.symbol + ":" + e.timeframe, open_ms = e.bar_open_time_ms;
        }
      } catch (const std::exception&) {
        continue;
      }
      const uint64_t k =
          Arrivals::key(static_cast<uint32_t>(std::find(idx.begin(), idx.end(), name) - idx.begin()), open_ms);
      std::lock_guard<std::mutex> g(arrivals->m);
      auto a = arrivals->at.find(k);
      if (a == arrivals->at.end()) continue;
      if (is_signal) {
        signal_at[k] = t;
        to_signal_us.push_back((t - a->second) / 1000.0);
        continue;
      }
      lat_us.push_back((t - a->second) / 1000.0);
      if (auto sg = signal_at.find(k); sg != signal_at.end()) signal_to_fill_us.push_back((t - sg->second) / 1000.0);
    }
  });
  auto probe_table = probe::start();
  Pipeline p = spawn_pipeline(sys, spec);
  const int64_t t0 = now_ns();
  auto res = run_to_end(sys, p);
  const double secs = (now_ns() - t0) / 1e9;
  flush_events(sys, p);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the last fills in flight
  done = true;
  reader.join();
  stop_pipeline(p);
  probe::stop();
  if (!res) std::printf("  run failed: %s\n", res.error().message.c_str());
  Run out{pcts(lat_us), pcts(to_signal_us), pcts(signal_to_fill_us), 0, stage_breakdown(*probe_table)};
  if (res) out.checks_per_s = res->windows / secs;
  return out;
}

// As `tradernode run` (tools/node_run.cpp): the sharing scheduler and
// `threads` workers ([node] threads; 0: one per core).
void configure(caf::actor_system_config& c, uint32_t threads) {
  add_tn_types(c);
  c.set("scheduler.policy", caf::atom("sharing"));
  if (const char* p = std::getenv("TN_BENCH_POLICY"))  // TN_BENCH_POLICY=stealing to compare
    c.set("scheduler.policy", caf::atom_from_string(caf::string_view{p, std::strlen(p)}));
  set_worker_threads(c, threads);
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  spdlog::set_level(spdlog::level::warn);
  const std::string base = std::filesystem::temp_directory_path() / ("tn-bench-latency-" + std::to_string(::getpid()));
  caf::actor_system_config caf_cfg;
  const char* t = std::getenv("TN_BENCH_THREADS");  // scheduler workers, to compare
  configure(caf_cfg, t ? static_cast<uint32_t>(std::atoi(t)) : 1);  // the node's default
  caf::actor_system sys{caf_cfg};
  caf::actor_system_config per_core_cfg;  // [node] threads = 0
  configure(per_core_cfg, 0);
  caf::actor_system per_core{per_core_cfg};
  const CpuTicks ticks0 = cpu_ticks();
  std::printf("bench/latency: bar arrival at the fetcher -> trade.fill at an external ZeroMQ subscriber\n");
  std::printf("replay at full speed, 6 real Binance streams (2x 4h, 4x 1d), 2 shards, %zu CAF worker(s)\n",
              sys.scheduler().num_workers());
  // Credit 1: one check in flight, as a live node sees it (bar closes are
  // minutes apart), so a bar's time is the path alone. Credit 2 (the
  // node's default) overlaps checks: a bar read early waits behind the
  // check before it, so its figure includes that queueing. Flat out, the
  // next check starts while the last one's events are still being
  // published, so both cores are busy all the time; paced (one check every
  // 2 ms) shows the path on a node that is not saturated.
  auto show = [](const char* what, const Run& r, bool stages = false) {
    std::printf("  %s  (%.0f checks/s)\n", what, r.checks_per_s);
    print("  bar -> fill at the subscriber", r.total);
    print("  bar -> signal at the subscriber", r.to_signal);
    print("  signal -> fill (order, ledger commit, publish)", r.signal_to_fill);
    if (!stages) return;
    // Credit 1 only: one window in flight, so the probe's marks are exact.
    std::printf("    where the time goes: from the fetcher taking the check to\n");
    for (const auto& [name, p] : r.stages) print((std::string("    ") + name).c_str(), p);
  };
  const Run nosync = pipeline_latency(false, 1, 0, base + "/nosync", sys);
  show("flat out, ledger MDB_NOSYNC, credit 1", nosync, true);
  const Run durable = pipeline_latency(true, 1, 0, base + "/durable", sys);
  show("flat out, ledger durable (fsync), credit 1", durable, true);
  // One worker per core, to compare: the path handed between threads, and
  // ZeroMQ and the subscriber competing with busy workers for the cores.
  const Run nosync_pc = pipeline_latency(false, 1, 0, base + "/nosync-pc", per_core);
  show("flat out, ledger MDB_NOSYNC, credit 1, a CAF worker per core ([node] threads = 0)", nosync_pc, true);
  const Run durable_pc = pipeline_latency(true, 1, 0, base + "/durable-pc", per_core);
  show("flat out, ledger durable (fsync), credit 1, a CAF worker per core", durable_pc, true);
  show("flat out, ledger MDB_NOSYNC, credit 2", pipeline_latency(false, 2, 0, base + "/nosync2", sys));
  show("flat out, ledger durable (fsync), credit 2", pipeline_latency(true, 2, 0, base + "/durable2", sys));
  Run paced;
  if (!quick) {
    paced = pipeline_latency(false, 1, 2, base + "/paced", sys);
    show("paced 2 ms, ledger MDB_NOSYNC, credit 1", paced, true);
    show("paced 2 ms, ledger durable (fsync), credit 1", pipeline_latency(true, 1, 2, base + "/paced2", sys));
  }
  std::printf("limits, same run:\n");
  const Pcts zrt = zmq_round_trip(quick ? 2000 : 20000);
  print("bare ZeroMQ round trip (REQ/REP, tcp loopback)", zrt);
  const Pcts hop = zmq_paced_one_way(quick ? 500 : 5000, 2);
  print("bare ZeroMQ PUB -> SUB one way, one message every 2 ms", hop);
  const Pcts commit = lmdb_commit(base + "/commit", quick ? 200 : 2000, true);
  print("bare LMDB durable commit (one small put)", commit);
  print("bare LMDB commit, MDB_NOSYNC (one small put)", lmdb_commit(base + "/commit2", quick ? 200 : 2000, false));
  print("bare ledger apply (the executor's commit), NOSYNC", ledger_apply(base + "/apply", quick ? 200 : 2000, false));
  print("bare ledger apply (the executor's commit), durable", ledger_apply(base + "/apply2", quick ? 200 : 2000, true));
  // The machine's own floor, measured alone: a clock-reading thread's
  // gaps, and how late a thread wakes from a 500 us sleep.
  const Gaps gaps = clock_gaps(quick ? 2.0 : 5.0, 500);
  std::printf("  clock gaps over 0.5 ms seen by a spinning thread: %.1f per second, longest %.0f us, %.2f%% of the time\n",
              gaps.per_s, gaps.longest_us, gaps.lost_pct);
  print("wake-up lateness after a 500 us sleep", wake_up_lateness(quick ? 1000 : 5000, 500));
  const CpuTicks ticks1 = cpu_ticks();
  if (ticks1.total > ticks0.total)
    std::printf("CPU time stolen by the hypervisor during this bench: %.1f%%\n",
                100.0 * static_cast<double>(ticks1.steal - ticks0.steal) / static_cast<double>(ticks1.total - ticks0.total));
  for (const auto& [what, n, d] : {std::tuple{"the node's default, one CAF worker", &nosync, &durable},
                                   std::tuple{"a CAF worker per core", &nosync_pc, &durable_pc}}) {
    std::printf("targets (%s): p99 without durable sync < 1000 us: %s (%.1f us)\n", what,
                n->total.p99 < 1000 ? "met" : "NOT met", n->total.p99);
    std::printf("         p99 durable within 2x of a bare durable commit's p99: %s (%.2fx)\n",
                d->total.p99 <= 2 * commit.p99 ? "met" : "NOT met", commit.p99 > 0 ? d->total.p99 / commit.p99 : 0.0);
  }
  // What the machine allows: the paced path ends in the very hop measured
  // bare above, so its p99 cannot be below that hop's.
  if (!quick && hop.p99 > 0)
    std::printf("         paced pipeline p99 / bare paced PUB->SUB hop p99: %.2fx (%.1f us vs %.1f us)\n",
                paced.total.p99 / hop.p99, paced.total.p99, hop.p99);
  std::filesystem::remove_all(base);
  return 0;
}
