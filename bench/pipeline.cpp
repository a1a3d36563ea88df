// bench/pipeline: bars per second of the full actor pipeline in backtest
// mode against a tight single-threaded loop doing the same indicator and
// strategy math over the same arrays (the limit), measured in the same run.
// Data: a seeded random walk of 1m bars (sd 0.2% per bar), MA20, thresholds
// -2% / +2%: a few candidates per ten thousand bars, as real minute data
// gives at such thresholds. Only the run is timed; making the data, CSV
// parsing and output writing are reported on their own lines.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "actors/indicator/indicator_core.hpp"
#include "common/rolling_mean.hpp"
#include "actors/pipeline.hpp"
#include "actors/publisher/zmq_publisher.hpp"
#include "actors/signal/ma_distance.hpp"
#include "bench/synthetic_source.hpp"
#include "storage/store.hpp"
#include "tools/backtest_output.hpp"
#include "tools/node_setup.hpp"
#include "tools/process_setup.hpp"
#include "tools/worker_threads.hpp"

#include <spdlog/spdlog.h>

using namespace tn;
using BenchClock = std::chrono::steady_clock;

namespace {

constexpr double kSigma = 0.002, kBuyPct = -2.0, kSellPct = 2.0, kAlloc = 0.10;
constexpr int32_t kMa = 20;
constexpr int64_t kTf = 60'000, kFirstOpen = 1577836800000;  // 2020-01-01
const Amount kStart = 10000 * kAmountScale, kMin = 10 * kAmountScale;

// Bars per window ([backtest] batch_bars); TN_BENCH_BATCH overrides, to explore.
size_t batch_bars() {
  const char* e = std::getenv("TN_BENCH_BATCH");
  return e ? std::strtoul(e, nullptr, 10) : 65536;
}

double secs(BenchClock::time_point a) { return std::chrono::duration<double>(BenchClock::now() - a).count(); }

long vm_hwm_kb() {
  std::ifstream f("/proc/self/status");
  std::string k;
  long v = 0;
  while (f >> k) {
    if (k == "VmHWM:") { f >> v; return v; }
    f.ignore(1 << 10, '\n');
  }
  return v;
}

struct LoopResult { double seconds = 0; uint64_t candidates = 0, trades = 0; };

// The limit: one pass per stream, the same rules and fixed-point sizing.
LoopResult tight_loop(const std::vector<std::vector<double>>& closes) {
  LoopResult r;
  const auto t0 = BenchClock::now();
  Amount usdt = kStart;
  for (const auto& c : closes) {
    RollingMean rm(kMa);
    Amount held = 0;
    for (double price : c) {
      const double d = ma_distance_pct(price, rm.push(price));
      const int rule = ma_distance_rule(d, kBuyPct, kSellPct);
      if (rule == 0) continue;
      ++r.candidates;
      if (rule == 1) {
        Amount size = static_cast<Amount>(static_cast<__int128>(usdt) * 100000000 / 1000000000);
        if (held > 0) size /= 2;
        if (size < kMin) continue;
        usdt -= size;
        held += quantity_for(size, price);
        ++r.trades;
      } else if (held > 0) {
        usdt += value_at(held, price);
        held = 0;
        ++r.trades;
      }
    }
  }
  r.seconds = secs(t0);
  return r;
}

struct PipeResult { double seconds = 0, cpu_user = 0, cpu_sys = 0; RunResult run; };

// CPU seconds this process has used so far (every thread), user and system.
std::pair<double, double> cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return {s(u.ru_utime), s(u.ru_stime)};
}

PipeResult run_pipeline(caf::actor_system& sys, std::vector<std::unique_ptr<BarSource>> sources,
                        const std::string& dir) {
  const size_t n = sources.size();
  storage::OpenOptions so;
  so.path = dir + "/ledger";
  so.map_size_bytes = 4ull << 30;
  so.durable = false;
  auto store = std::shared_ptr<storage::Store>(storage::Store::open(so).value().release());
  (void)store->ledger().init_account("bench", "USDT", kStart);
  PipelineSpec spec;
  for (size_t i = 0; i < n; ++i) {
    char sym[32];
    std::snprintf(sym, sizeof sym, "S%04zu", i);
    spec.streams.push_back({std::string(sym) + "USDT", sym, "USDT", "1m", kTf, kMa, kBuyPct, kSellPct, kAlloc});
  }
  spec.planners = shard_planners(std::move(sources), 2, batch_bars(), false);
  spec.store = store;
  spec.publisher = std::shared_ptr<ZmqPublisher>(ZmqPublisher::open("tcp://127.0.0.1:0", 100000).value().release());
  spec.account = "bench";
  spec.quote = "USDT";
  spec.min_trade_value = kMin;
  spec.status_interval_ms = 7 * 86400000LL;
  if (const char* c = std::getenv("TN_BENCH_CREDIT")) spec.credit = static_cast<uint32_t>(std::atoi(c));
  Pipeline p = spawn_pipeline(sys, spec);
  PipeResult r;
  const auto c0 = cpu_seconds();
  const auto t0 = BenchClock::now();
  if (auto rr = run_to_end(sys, p))
    r.run = std::move(rr.value());
  else
    std::fprintf(stderr, "pipeline failed: %s\n", rr.error().to_string().c_str());
  r.seconds = secs(t0);
  const auto c1 = cpu_seconds();
  r.cpu_user = c1.first - c0.first, r.cpu_sys = c1.second - c0.second;
  flush_events(sys, p);
  stop_pipeline(p);
  return r;
}

std::vector<std::unique_ptr<BarSource>> series_sources(const std::vector<std::vector<double>>& closes);

// The pipeline's per-bar stages run back to back on one thread, no actors:
// where the time goes, for whoever tunes this.
void stages_alone(const std::vector<std::vector<double>>& closes) {
  auto planners = shard_planners(series_sources(closes), 1, batch_bars(), false);
  std::vector<int32_t> periods(closes.size(), kMa);
  std::vector<MaDistanceParams> params(closes.size(), MaDistanceParams{kTf, kBuyPct, kSellPct});
  IndicatorCore ind(periods);
  SignalCore sig(params, 86400000, 0);
  double t_plan = 0, t_ind = 0, t_sig = 0;
  uint64_t bars = 0;
  while (true) {
    auto t0 = BenchClock::now();
    auto w = planners[0]->next();
    t_plan += secs(t0);
    if (!w) break;
    bars += w->bars();
    t0 = BenchClock::now();
    auto snap = ind.compute(std::move(*w));
    t_ind += secs(t0);
    t0 = BenchClock::now();
    auto out = sig.evaluate(snap);
    t_sig += secs(t0);
  }
  const double b = static_cast<double>(bars);
  std::printf("  stages alone, one thread, ns/bar: planner (copy into windows) %.2f, indicator %.2f, "
              "signal %.2f; together %.1f M bars/s\n",
              t_plan / b * 1e9, t_ind / b * 1e9, t_sig / b * 1e9, b / (t_plan + t_ind + t_sig) / 1e6);
}

std::vector<std::vector<double>> make_closes(size_t streams, size_t bars) {
  std::vector<std::vector<double>> c(streams);
  for (size_t s = 0; s < streams; ++s) {
    bench::RandomWalk w(s + 1, kSigma);
    c[s].resize(bars);
    for (auto& x : c[s]) x = w.step();
  }
  return c;
}

// The same bars as make_closes, as in-memory sources ("the same arrays").
std::vector<std::unique_ptr<BarSource>> series_sources(const std::vector<std::vector<double>>& closes) {
  std::vector<std::unique_ptr<BarSource>> out;
  for (const auto& c : closes) {
    BarSeries s;
    s.reserve(c.size());
    double prev = 20000.0;
    for (size_t i = 0; i < c.size(); ++i) {
      s.open_time_ms.push_back(kFirstOpen + static_cast<int64_t>(i) * kTf);
      s.open.push_back(prev);
      s.high.push_back(std::max(prev, c[i]) * 1.0005);
      s.low.push_back(std::min(prev, c[i]) * 0.9995);
      s.close.push_back(c[i]);
      s.volume.push_back(1.0);
      prev = c[i];
    }
    out.push_back(make_series_source(std::move(s), kTf));
  }
  return out;
}

caf::actor_system_config& caf_config() {
  static caf::actor_system_config cfg;
  add_tn_types(cfg);
  if (const char* p = std::getenv("TN_BENCH_POLICY"))
    cfg.set("scheduler.policy", caf::atom_from_string(caf::string_view{p, std::strlen(p)}));
  // As `tradernode backtest`: one scheduler thread per core; TN_BENCH_THREADS=N to compare.
  const char* t = std::getenv("TN_BENCH_THREADS");
  set_worker_threads(cfg, t ? static_cast<uint32_t>(std::atoi(t)) : 0);
  if (const char* p = std::getenv("TN_BENCH_RELAXED_US"))
    cfg.set("work-stealing.relaxed-sleep-duration", caf::timespan{std::chrono::microseconds(std::atoi(p))});
  if (const char* p = std::getenv("TN_BENCH_MODERATE_US"))
    cfg.set("work-stealing.moderate-sleep-duration", caf::timespan{std::chrono::microseconds(std::atoi(p))});
  return cfg;
}

// In a child process, so the figure is the pipeline's own: the 1000-stream
// run with bars generated as read, peak RSS before and after.
void rss_case(size_t streams, size_t bars, const std::string& dir) {
  int fd[2];
  if (pipe(fd) != 0) return;
  pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    caf::actor_system sys{caf_config()};
    std::vector<std::unique_ptr<BarSource>> src;
    for (size_t s = 0; s < streams; ++s)
      src.push_back(std::make_unique<bench::SyntheticSource>(s + 1, kSigma, bars, kTf, kFirstOpen));
    const long before = vm_hwm_kb();
    auto r = run_pipeline(sys, std::move(src), dir);
    const long after = vm_hwm_kb();
    long out[3] = {before, after, static_cast<long>(r.run.bars)};
    (void)!write(fd[1], out, sizeof out);
    _exit(0);
  }
  close(fd[1]);
  long in[3] = {0, 0, 0};
  (void)!read(fd[0], in, sizeof in);
  close(fd[0]);
  waitpid(pid, nullptr, 0);
  std::printf("peak RSS per stream (%zu x %zu, bars made as read, %ld bars): %.1f KB (target < 16 KB); "
              "process peak %.1f MB, of which %.1f MB before the streams\n",
              streams, bars, in[2], static_cast<double>(in[1] - in[0]) / streams, in[1] / 1024.0,
              in[0] / 1024.0);
}

void compare(caf::actor_system& sys, size_t streams, size_t bars, double target, const std::string& dir) {
  const auto t0 = BenchClock::now();
  auto closes = make_closes(streams, bars);
  auto sources = series_sources(closes);
  const double make_s = secs(t0);
  auto loop = tight_loop(closes);
  auto pipe = run_pipeline(sys, std::move(sources), dir + "/p" + std::to_string(streams));
  const double total = static_cast<double>(streams * bars);
  const double a = total / loop.seconds, b = static_cast<double>(pipe.run.bars) / pipe.seconds;
  std::printf("%zu x %zu bars: tight loop %.1f M bars/s (the limit) | pipeline %.1f M bars/s | "
              "ratio b/a %.2f (target >= %.2f) | candidates %llu, trades loop %llu / pipeline %llu, "
              "signals %llu | data made in %.2f s (not timed)\n",
              streams, bars, a / 1e6, b / 1e6, b / a, target,
              static_cast<unsigned long long>(loop.candidates),
              static_cast<unsigned long long>(loop.trades),
              static_cast<unsigned long long>(pipe.run.trades),
              static_cast<unsigned long long>(pipe.run.signals), make_s);
  std::printf("  pipeline CPU: %.3f s user + %.3f s system over %.3f s wall (%.2f cores busy)\n",
              pipe.cpu_user, pipe.cpu_sys, pipe.seconds, (pipe.cpu_user + pipe.cpu_sys) / pipe.seconds);
  stages_alone(closes);
  if (streams > 1) {
    const auto w0 = BenchClock::now();
    (void)write_backtest_files(dir, "bench", pipe.run, summarize(pipe.run, pipe.seconds),
                               measure_run(pipe.run, {}, to_double(kStart), 0));
    std::printf("output writing (%zu equity rows, %zu orders): %.3f s (not timed above)\n",
                pipe.run.equity.size(), pipe.run.order_log.size(), secs(w0));
  }
}

}  // namespace

int main(int argc, char** argv) {
  tune_allocator();
  spdlog::set_level(spdlog::level::warn);  // the notifier's log channel would swamp the figures
  const bool quick = argc > 1 && std::string(argv[1]) == "--quick";  // for a smoke run
  const size_t big = quick ? 1'000'000 : 10'000'000, many = quick ? 100 : 1000, per = 10'000;
  std::string dir = (std::filesystem::temp_directory_path() / "tn-bench-XXXXXX").string();
  if (!mkdtemp(dir.data())) return 1;
  std::printf("bench/pipeline: synthetic 1m random walk (sd %.1f%%/bar), MA%d, thresholds %.0f%% / +%.0f%%, "
              "2 indicator/signal shards, LMDB without fsync, ZeroMQ XPUB on loopback\n",
              kSigma * 100, kMa, kBuyPct, kSellPct);
  // TN_BENCH_CASE=one|many|rss runs just that part (for profiling).
  const char* only = std::getenv("TN_BENCH_CASE");
  auto want = [&](const char* c) { return !only || std::string(only) == c; };
  if (want("rss")) rss_case(many, per, dir + "/rss");  // first, before this process grows
  {
    caf::actor_system sys{caf_config()};
    if (want("one")) compare(sys, 1, big, 0.25, dir);
    if (want("many")) compare(sys, many, per, 0.50, dir);
  }
  const std::string csv = std::string(TN_SOURCE_DIR) + "/data/binance/BTCUSDT-1h.csv";
  const auto c0 = BenchClock::now();
  size_t rows = 0;
  for (int i = 0; i < 5; ++i) rows += load_csv_bars(csv, 3600000).value().size();
  std::printf("CSV parsing (BTCUSDT-1h.csv x5): %.2f M rows/s (not timed above)\n", rows / secs(c0) / 1e6);
  std::filesystem::remove_all(dir);
  return 0;
}
