#pragma once
// The disposable cache of provider data, in its own LMDB environment (not
// the ledger's: it may be deleted at any time). Layout: market/CACHE.md.
//
// Bars are keyed by (source, symbol, interval, open time) with the time
// they were fetched. Per stream the cache also remembers which ranges of
// open times it holds completely ("coverage": a missing bar inside is an
// exchange gap, not a hole in the cache), so a request fetches only what is
// missing. Closed bars never expire; the still-open bar (and "there is no
// bar yet") and the latest price expire after a TTL. Closed bars missing at
// the end of an answer that closed within their late window are not
// covered (the provider may publish them late): they are asked again.
//
// Threads: every call is one LMDB transaction; the env is opened MDB_NOTLS,
// so any thread may call. Open a path once per process.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "market/bar_source.hpp"
#include "common/error.hpp"

namespace tn::market {

struct StreamKey {
  std::string source;  // "binance"
  std::string symbol;  // the provider's spelling: "BTCUSDT"
  int64_t interval_ms = 0;
};

using TimeRange = std::pair<int64_t, int64_t>;  // [first, second) of open times

struct CacheQuery {
  StreamKey key;
  int64_t from_ms = 0, to_ms = 0;  // open times in [from, to)
};

struct CacheLookup {
  std::vector<TimeRange> missing;  // to fetch, oldest first; empty: a full hit
  BarSeries bars;                  // what the cache has in [from, to)
  bool last_bar_open = false;      // the newest bar was fetched before it closed
};

struct CacheWrite {
  StreamKey key;
  TimeRange fetched;  // the range that was asked of the provider
  const BarSeries* bars = nullptr;  // everything it returned in that range
};

struct CachedPrice {
  double price = 0;
  int64_t time_ms = 0;
  int64_t fetched_at_ms = 0;
};

class BarCache {
 public:
  struct Options {
    std::string path;                      // a directory, created if missing
    uint64_t map_size_bytes = 256ull << 20;
  };
  static Result<std::unique_ptr<BarCache>> open(const Options& o);
  ~BarCache();
  BarCache(const BarCache&) = delete;
  BarCache& operator=(const BarCache&) = delete;

  // One read transaction for all queries. A bar opening at or after
  // bar_floor(now) is the open one: fresh for open_bar_ttl_ms after it was
  // fetched. Bars after the open one do not exist yet and are never missing.
  Result<std::vector<CacheLookup>> lookup(const std::vector<CacheQuery>& queries, int64_t now_ms,
                                          int64_t open_bar_ttl_ms) const;
  // One write transaction: replaces each fetched range's bars with the ones
  // given and marks its closed part covered (the open part: checked at now),
  // all but the trailing closed bars not served yet that are still in their
  // late window (common/timeframe.hpp).
  Status store(const std::vector<CacheWrite>& writes, int64_t now_ms);

  Result<std::optional<CachedPrice>> price(const std::string& source, const std::string& symbol,
                                           int64_t now_ms, int64_t ttl_ms) const;
  Status store_price(const std::string& source, const std::string& symbol, const CachedPrice& p);

  // Forgets one stream (its bars and coverage), or everything.
  Status clear(const StreamKey& key);
  Status clear_all();

  const std::string& path() const;

 private:
  struct Impl;
  explicit BarCache(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Ranges of [from, to) not in `covered` (sorted, disjoint).
std::vector<TimeRange> subtract_ranges(TimeRange want, const std::vector<TimeRange>& covered);
// `covered` with r added, merged (touching ranges join).
std::vector<TimeRange> add_range(std::vector<TimeRange> covered, TimeRange r);

}  // namespace tn::market
