// bench/daily_job: the breakout daily job over 5000 symbols x 252 daily
// bars, wall time and peak memory, beside a limit measured in the same run:
// a tight loop over the same bars computing only the closes' SMA(50).
// Targets: under 1 s and under 200 MB.
//
// Data: the bundled real daily series (data/binance/*-1d.csv), each symbol
// a deterministic scaled copy of a 252-bar slice of one of them (symbol i:
// series i % 5, slice starting at (i * 37) % (len - 252), prices x (0.5 +
// (i % 101) / 50)), restamped onto the same 252 days so all end together.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "common/rolling_mean.hpp"
#include "common/time.hpp"
#include "breakout/daily_job.hpp"

using namespace tn;

namespace {

constexpr size_t kSymbols = 5000;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;  // KB on Linux
}

}  // namespace

int main() {
  const char* names[] = {"BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT"};
  std::vector<BarSeries> real;
  for (const char* n : names) {
    auto r = load_csv_bars(std::string(TN_SOURCE_DIR) + "/data/binance/" + n + "-1d.csv", kDayMs);
    if (!r) {
      std::fprintf(stderr, "%s\n", r.error().to_string().c_str());
      return 2;
    }
    real.push_back(std::move(r.value()));
  }
  const long rss_before = peak_rss_kb();
  std::vector<BarSeries> bars(kSymbols);
  std::vector<UniverseSeries> universe;
  universe.reserve(kSymbols);
  const int64_t first_day = 19000;
  for (size_t i = 0; i < kSymbols; ++i) {
    const BarSeries& src = real[i % 5];
    const size_t start = (i * 37) % (src.size() - kDailyHistoryBars);
    const double scale = 0.5 + static_cast<double>(i % 101) / 50.0;
    BarSeries& b = bars[i];
    b.reserve(kDailyHistoryBars);
    for (size_t j = 0; j < kDailyHistoryBars; ++j) {
      b.open_time_ms.push_back((first_day + static_cast<int64_t>(j)) * kDayMs);
      b.open.push_back(src.open[start + j] * scale);
      b.high.push_back(src.high[start + j] * scale);
      b.low.push_back(src.low[start + j] * scale);
      b.close.push_back(src.close[start + j] * scale);
      b.volume.push_back(src.volume[start + j]);
    }
    std::string name(1, 'S');  // appended: g++ 12 warns falsely on "S" + string
    name += std::to_string(i);
    universe.push_back({name, &b});
  }
  BreakoutParams p = BreakoutParams::crypto_defaults();
  p.benchmark = "S0";

  // The limit: SMA(50) of the same closes, nothing else.
  auto t0 = std::chrono::steady_clock::now();
  double checksum = 0;
  for (const UniverseSeries& u : universe) {
    RollingMean m(50);
    double last = 0;
    for (double c : u.bars->close) last = m.push(c);
    checksum += last;
  }
  const double limit_s = seconds_since(t0);

  double best = 1e9;
  DailyJobResult r;
  for (int run = 0; run < 3; ++run) {
    t0 = std::chrono::steady_clock::now();
    r = run_daily_job(universe, p, std::nullopt, 0);
    best = std::min(best, seconds_since(t0));
  }
  const long rss = peak_rss_kb();
  const double bars_total = static_cast<double>(kSymbols * kDailyHistoryBars);
  std::printf("daily job, %zu symbols x %zu days (%.2f M bars)\n", kSymbols, kDailyHistoryBars,
              bars_total / 1e6);
  std::printf("  job:   %.3f s (best of 3; target < 1 s)  %.1f M bars/s\n", best,
              bars_total / best / 1e6);
  std::printf("  limit: %.3f s  (SMA50 of the closes only)  ratio job/limit %.1f\n", limit_s,
              best / limit_s);
  std::printf("  peak RSS: %.1f MB (target < 200 MB); %.1f MB before generating the universe\n",
              static_cast<double>(rss) / 1024.0, static_cast<double>(rss_before) / 1024.0);
  std::printf("  signals %u, recommendations %u, rose %u, fell %u, notes %zu (checksum %.3f)\n",
              r.summary.signals, r.summary.recommendations, r.summary.rose, r.summary.fell,
              r.summary.notes.size(), checksum);
  return 0;
}
