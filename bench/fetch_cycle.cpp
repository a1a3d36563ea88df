// One check cycle of the live node's fetcher: 200 symbols x 3 timeframes
// (1h, 4h, 1d), the last 100 bars each, from the loopback fake exchange with
// 20 ms added latency per request and Binance's weight limit (6000 per
// minute, enforced and counted by the server).
//   concurrent   MarketData::fetch_bars over all 600 requests (cache cold)
//   sequential   the same requests one at a time, no cache (the old daemon)
//   cached       the same cycle again, all from the LMDB cache
// Targets: concurrent >= 20x faster than sequential, 0 limit violations,
// a cached cycle under 5 ms.
//   build-data/bench/fetch_cycle [--quick]   (--quick: 50 symbols)
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "market/bar_checks.hpp"
#include "market/market_data.hpp"
#include "tests/market/fake_exchange.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tn::market;
using tn::kDayMs;
using tn::kHourMs;
using Clock = std::chrono::steady_clock;

namespace {

// CPU time of the whole process (client + fake server), ms.
double cpu_ms() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

SourceSettings binance_at(const std::string& url, int in_flight) {
  SourceSettings s;
  s.base_url = url;
  s.limit = RateLimit{6000, 60'000, 3000};  // the config defaults
  s.retry = RetryPolicy{4, 50, 1000, 120'000};
  s.max_in_flight = in_flight;
  s.timeout_ms = 10'000;
  s.page_limit = 1000;
  s.compress = false;  // loopback: gzip would only burn the CPU the server shares with us
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int symbols = quick ? 50 : 200;
  tn::test::FakeExchangeOptions fo;
  fo.data_dir = TN_SOURCE_DIR "/data";
  fo.threads = 96;  // > the client's 64 connections: each holds a server thread
  fo.latency_ms = 20;
  fo.binance_weight_limit = 6000;
  fo.binance_window_ms = 60'000;
  fo.any_binance_symbol = true;
  tn::test::FakeExchange ex(fo);
  const std::string d = fo.data_dir + "/binance/";
  ex.add_series("BTCUSDT", kHourMs, tn::test::read_csv_loosely(d + "BTCUSDT-1h.csv"));
  ex.add_series("BTCUSDT", 4 * kHourMs, tn::test::read_csv_loosely(d + "BTCUSDT-4h.csv"));
  ex.add_series("BTCUSDT", kDayMs, tn::test::read_csv_loosely(d + "BTCUSDT-1d.csv"));

  int64_t now = 0;
  parse_iso_date("2022-10-10", now);
  now += 12 * kHourMs;
  std::vector<BarsRequest> cycle;
  for (int i = 0; i < symbols; ++i)
    for (int64_t iv : {kHourMs, 4 * kHourMs, kDayMs}) {
      const int64_t to = bar_floor(now, iv) + iv;
      cycle.push_back({"binance", "S" + std::to_string(1000 + i), iv, to - 100 * iv, to});
    }

  tn::test::TempDir dir;
  MarketDataOptions o;
  o.sources["binance"] = binance_at(ex.base_url(), 64);
  o.cache_path = dir.file("cache");
  o.clock = [&] { return now; };
  auto md = MarketData::open(o);
  if (!md) return std::fprintf(stderr, "%s\n", md.error().to_string().c_str()), 1;

  const double cpu0 = cpu_ms();
  auto t0 = Clock::now();
  auto rs = (*md)->fetch_bars(cycle);
  const double concurrent_ms = ms_since(t0);
  const double concurrent_cpu = cpu_ms() - cpu0;
  size_t failed = 0, bars = 0;
  for (const auto& r : rs) failed += !r.ok(), bars += r.bars.size();

  // Fully cached: median of 21 cycles.
  std::vector<double> cached;
  for (int i = 0; i < 21; ++i) {
    t0 = Clock::now();
    auto again = (*md)->fetch_bars(cycle);
    cached.push_back(ms_since(t0));
    for (const auto& r : again) failed += !r.ok() || !r.cache_hit;
  }
  std::sort(cached.begin(), cached.end());

  MarketDataOptions seq_o;
  seq_o.sources["binance"] = binance_at(ex.base_url(), 1);
  seq_o.clock = o.clock;
  auto seq = MarketData::open(seq_o);
  t0 = Clock::now();
  for (const auto& req : cycle) failed += !(*seq)->fetch_bars({req})[0].ok();
  const double sequential_ms = ms_since(t0);

  const auto c = ex.counts("binance");
  const double speedup = sequential_ms / concurrent_ms;
  std::printf("fetch_cycle: %d symbols x 3 timeframes = %zu requests, %zu bars, 20 ms latency, weight limit 6000/min\n",
              symbols, cycle.size(), bars);
  double load[1] = {0};
  getloadavg(load, 1);
  std::printf("  concurrent cycle   %9.1f ms  (CPU %.0f ms, client + server; load average %.1f on %ld cores)\n",
              concurrent_ms, concurrent_cpu, load[0], sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("  one at a time      %9.1f ms\n", sequential_ms);
  std::printf("  speed-up           %9.1fx   (target >= 20x)  %s\n", speedup, speedup >= 20 ? "OK" : "MISSED");
  std::printf("  cached cycle       %9.3f ms median, %.3f ms max of 21  (target < 5 ms)  %s\n", cached[10],
              cached.back(), cached[10] < 5 ? "OK" : "MISSED");
  std::printf("  server: %llu requests, %llu limit violations (must be 0)  %s; %zu failed results\n",
              static_cast<unsigned long long>(c.requests), static_cast<unsigned long long>(c.violations),
              c.violations == 0 ? "OK" : "MISSED", failed);
  std::printf("  most requests in flight at the server: %d\n", ex.max_concurrent());
  return c.violations == 0 && failed == 0 ? 0 : 1;
}
