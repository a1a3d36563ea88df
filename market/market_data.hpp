#pragma once
// The market layer's front door: the configured sources, their limits, the
// HTTP engine and the cache, behind two batch calls. Each call fetches all
// its requests concurrently (within every provider's limits), cache first,
// and returns one result per request, in order: a failure is that
// request's typed error, never an exception, and never stops the others.
//
// Blocking by design: call it from a worker thread (a CAF actor wraps it
// with a blocking/detached actor or a thread and sends the results on).
// Calls are serialised internally; the object may be shared across threads.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "market/bar_cache.hpp"
#include "market/fetch_engine.hpp"
#include "market/market_types.hpp"
#include "market/source.hpp"

namespace tn {
struct SourcesConfig;
}

namespace tn::market {

struct MarketDataOptions {
  std::map<std::string, SourceSettings> sources;  // "binance", "polygon", "alphavantage"
  std::string cache_path;                         // empty: no cache
  uint64_t cache_map_size_bytes = 256ull << 20;
  int64_t bar_ttl_ms = 86'400'000;  // the still-open bar (and "no bar yet")
  int64_t price_ttl_ms = 10'000;    // latest prices
  EngineOptions engine;
  std::function<int64_t()> clock;   // UTC epoch ms; default the system clock (tests inject)
};

// Built from the [sources] config, API keys read from the environment
// (POLYGON_API_KEY or MASSIVE_API_KEY, ALPHA_VANTAGE_API_KEY).
MarketDataOptions options_from_config(const SourcesConfig& cfg);

struct RunStats {
  uint64_t requests = 0;      // bar/price requests answered
  uint64_t cache_hits = 0;    // answered from the cache alone
  uint64_t api_fetches = 0;   // answered with a trip to a provider
  uint64_t http_requests = 0; // HTTP requests sent (pages and retries included)
  uint64_t errors = 0;
  RunStats& operator+=(const RunStats& o);
};

class MarketData {
 public:
  // Errors: the cache cannot be opened (io, schema_version).
  static Result<std::unique_ptr<MarketData>> open(MarketDataOptions options);
  ~MarketData();

  std::vector<BarsResult> fetch_bars(const std::vector<BarsRequest>& requests,
                                     const FetchEngine::Progress& progress = {});
  std::vector<PriceResult> fetch_prices(const std::vector<PriceRequest>& requests);

  RunStats last_run() const;  // of the last fetch_* call
  RunStats totals() const;    // since open
  BarCache* cache() { return cache_.get(); }  // null without cache_path
  const FetchEngine& engine() const { return *engine_; }

 private:
  explicit MarketData(MarketDataOptions o);
  const MarketSource* source(const std::string& name) const;
  int64_t now() const { return options_.clock(); }

  // Constant after open.
  MarketDataOptions options_;
  std::map<std::string, std::unique_ptr<MarketSource>> sources_;
  std::map<std::string, size_t> source_index_;  // into the engine's list
  std::unique_ptr<BarCache> cache_;
  // Guarded by mu_.
  mutable std::mutex mu_;
  std::unique_ptr<FetchEngine> engine_;
  RunStats last_, totals_;
};

}  // namespace tn::market
