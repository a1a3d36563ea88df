#include "tools/fetch_data_command.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "common/clock.hpp"
#include "common/timeframe.hpp"
#include "config/sources_config.hpp"
#include "market/bar_checks.hpp"
#include "market/csv_bars.hpp"
#include "market/market_data.hpp"

namespace tn {
namespace {

constexpr int kOk = 0, kSomeFailed = 1, kBadInput = 2;

std::vector<std::string> split_symbols(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string one;
  while (std::getline(in, one, ','))
    if (!one.empty()) out.push_back(one);
  return out;
}

// Equities: Polygon when its key is set, else Alpha Vantage.
std::string default_source(const std::string& asset_class) {
  if (asset_class == "crypto") return "binance";
  for (const char* key : {"POLYGON_API_KEY", "MASSIVE_API_KEY"})
    if (const char* k = std::getenv(key); k && *k) return "polygon";
  return "alphavantage";
}

std::string when(int64_t t, int64_t iv) {
  std::string d = market::iso_date(t);
  if (iv >= kDayMs) return d;
  char hm[8];
  const int64_t in_day = t - market::bar_floor(t, kDayMs);
  std::snprintf(hm, sizeof hm, " %02d:%02d", static_cast<int>(in_day / kHourMs),
                static_cast<int>(in_day % kHourMs / kMinuteMs));
  return d + hm;
}

void progress_bar(size_t done, size_t total) {
  const int width = 30;
  const int filled = total ? static_cast<int>(width * done / total) : width;
  std::fprintf(stderr, "\r[%.*s%*s] %zu/%zu", filled, "##############################", width - filled, "",
               done, total);
  if (done == total) std::fprintf(stderr, "\r%*s\r", width + 24, "");
  std::fflush(stderr);
}

// The bars a backtest may use: a bar still open is not final yet.
BarSeries closed_bars(const BarSeries& bars, int64_t iv, int64_t now) {
  BarSeries b = bars;
  while (b.size() > 0 && b.open_time_ms.back() + iv > now) {
    for (auto* col : {&b.open, &b.high, &b.low, &b.close, &b.volume}) col->pop_back();
    b.open_time_ms.pop_back();
  }
  return b;
}

// DIR/BTCUSDT-1d.csv, the name the bundled data/ files have.
bool write_csv_file(const std::string& dir, const market::BarsResult& r, const BarSeries& b,
                    const std::string& interval) {
  const std::string path = (std::filesystem::path(dir) / (r.provider_symbol + "-" + interval + ".csv")).string();
  if (Status s = write_file_atomically(path, format_csv_bars(b)); !s) {
    std::fprintf(stderr, "traderctl: %s\n", s.error().message.c_str());
    return false;
  }
  std::printf("%s: %zu bars, %zu gaps%s%s\n", path.c_str(), b.size(), r.gaps, r.cache_hit ? ", from cache" : "",
              b.size() < r.bars.size() ? " (the bar still open left out)" : "");
  return true;
}

}  // namespace

std::unique_ptr<FetchDataCommand> add_fetch_data_command(CLI::App& app) {
  auto c = std::make_unique<FetchDataCommand>();
  CLI::App* sub = app.add_subcommand(
      "fetch-data",
      "fetch bars from Binance / Polygon / Alpha Vantage through the cache and print them "
      "(no node needed; keys from POLYGON_API_KEY or MASSIVE_API_KEY, ALPHA_VANTAGE_API_KEY)");
  sub->add_option("--config", c->config, "TOML file whose [sources] table configures the providers");
  sub->add_option("--symbols", c->symbols, "comma-separated: AAPL,MSFT or BTC,ETH")->required();
  sub->add_option("--asset-class", c->asset_class, "equity or crypto")
      ->required()
      ->check(CLI::IsMember({"equity", "crypto"}));
  sub->add_option("--source", c->source, "binance, polygon or alphavantage (default: by asset class)")
      ->check(CLI::IsMember({"binance", "polygon", "alphavantage"}));
  sub->add_option("--days", c->days, "days back from now (default 30)")->check(CLI::Range(1u, 36600u));
  sub->add_option("--interval", c->interval, "bar interval: 1h, 4h, 1d, ... (default 1d)");
  sub->add_flag("--csv", c->csv,
                "the backtest's CSV (open_time_ms,open,high,low,close,volume, exact numbers, closed bars "
                "only) on stdout instead of a table; one symbol");
  sub->add_option("--out", c->out_dir,
                  "write the backtest's CSV to DIR/SYMBOL-INTERVAL.csv per symbol (e.g. BTCUSDT-1d.csv; "
                  "closed bars only, each file replaced whole)");
  sub->add_flag("--no-cache", c->no_cache, "neither read nor write the cache");
  c->sub = sub;
  return c;
}

bool fetch_data_chosen(const FetchDataCommand& c) { return c.sub && c.sub->parsed(); }

int run_fetch_data(const FetchDataCommand& c) {
  auto cfg = c.config.empty() ? Result<SourcesConfig>(SourcesConfig{}) : load_sources_config(c.config);
  if (!cfg) {
    std::fprintf(stderr, "traderctl: %s\n", cfg.error().message.c_str());
    return kBadInput;
  }
  const auto iv = parse_timeframe_ms(c.interval);
  if (!iv || !market::interval_supported(*iv)) {
    std::fprintf(stderr, "traderctl: --interval %s: not a supported interval (1m..12h, 1d, 1w)\n", c.interval.c_str());
    return kBadInput;
  }
  const auto symbols = split_symbols(c.symbols);
  if (symbols.empty()) {
    std::fprintf(stderr, "traderctl: --symbols: give at least one symbol\n");
    return kBadInput;
  }
  if (c.csv && !c.out_dir.empty()) {
    std::fprintf(stderr, "traderctl: --csv prints to stdout and --out writes files: give one of them\n");
    return kBadInput;
  }
  if (c.csv && symbols.size() > 1) {
    std::fprintf(stderr, "traderctl: --csv prints one symbol (a backtest CSV holds one stream): give one "
                         "symbol, or --out DIR for a file per symbol\n");
    return kBadInput;
  }
  if (!c.out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(c.out_dir, ec);
    if (ec) {
      std::fprintf(stderr, "traderctl: --out %s: %s\n", c.out_dir.c_str(), ec.message().c_str());
      return kSomeFailed;
    }
  }
  market::MarketDataOptions opts = market::options_from_config(*cfg);
  if (c.no_cache) opts.cache_path.clear();
  auto md = market::MarketData::open(opts);
  if (!md) {
    std::fprintf(stderr, "traderctl: %s\n", md.error().to_string().c_str());
    return kSomeFailed;
  }
  const std::string source = c.source.empty() ? default_source(c.asset_class) : c.source;
  const int64_t now = wall_clock_ms();
  const int64_t to = market::bar_floor(now, *iv) + *iv;
  const int64_t from = market::bar_floor(to - static_cast<int64_t>(c.days) * kDayMs, *iv);
  std::vector<market::BarsRequest> reqs;
  for (const auto& s : symbols) reqs.push_back({source, s, *iv, from, to});
  const bool tty = isatty(STDERR_FILENO) == 1;
  auto results = (*md)->fetch_bars(reqs, tty ? market::FetchEngine::Progress(progress_bar)
                                             : market::FetchEngine::Progress());
  int rc = kOk;
  for (const auto& r : results) {
    if (!r.ok()) {
      std::fprintf(stderr, "traderctl: %s %s: %s\n", source.c_str(), r.request.symbol.c_str(),
                   r.error->to_string().c_str());
      rc = kSomeFailed;
      continue;
    }
    if (!c.out_dir.empty()) {
      if (!write_csv_file(c.out_dir, r, closed_bars(r.bars, *iv, now), market::interval_name(*iv))) rc = kSomeFailed;
      continue;
    }
    if (c.csv) {
      const std::string text = format_csv_bars(closed_bars(r.bars, *iv, now));
      std::fwrite(text.data(), 1, text.size(), stdout);
      continue;
    }
    const auto& b = r.bars;
    std::printf("%s (%s, %s): %zu bars, %zu gaps%s%s\n%-16s %14s %14s %14s %14s %18s\n", r.provider_symbol.c_str(),
                source.c_str(), c.interval.c_str(), b.size(), r.gaps, r.cache_hit ? ", from cache" : "",
                r.last_bar_open ? ", last bar still open" : "", "open (UTC)", "open", "high", "low", "close",
                "volume");
    for (size_t i = 0; i < b.size(); ++i)
      std::printf("%-16s %14.8g %14.8g %14.8g %14.8g %18.10g\n", when(b.open_time_ms[i], *iv).c_str(), b.open[i],
                  b.high[i], b.low[i], b.close[i], b.volume[i]);
    std::printf("\n");
  }
  const auto st = (*md)->last_run();
  std::fprintf(stderr, "fetch-data: %llu symbols, %llu from cache, %llu API fetches (%llu HTTP requests), %llu errors\n",
               static_cast<unsigned long long>(st.requests), static_cast<unsigned long long>(st.cache_hits),
               static_cast<unsigned long long>(st.api_fetches), static_cast<unsigned long long>(st.http_requests),
               static_cast<unsigned long long>(st.errors));
  if (std::fflush(stdout) != 0) return kSomeFailed;
  return rc;
}

}  // namespace tn
