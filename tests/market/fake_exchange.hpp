#pragma once
// A loopback HTTP server (cpp-httplib) that speaks the three providers'
// protocols well enough for the market layer's tests and benchmark:
//   Binance  GET /api/v3/klines, /api/v3/ticker/24hr (weight 2 each, fixed windows,
//            X-MBX-USED-WEIGHT-1M header, 429 + the real -1003 body when over)
//   Polygon  GET /v2/aggs/ticker/T/range/1/day/FROM/TO (pages + next_url), /prev
//   Alpha V. GET /query?function=TIME_SERIES_DAILY (throttle "Note" body when over)
// It serves bars loaded from the bundled CSVs, counts every request, enforces
// each provider's limit (a request over the limit is counted as a violation
// and refused the way the provider refuses it), and injects faults on demand.
// Started on 127.0.0.1 with an OS-chosen port; stopped by the destructor.
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "market/bar_source.hpp"

namespace httplib {
class Server;
}

namespace tn::test {

enum class Fault {
  http429,         // 429 + Retry-After
  http418,         // 418 (Binance IP ban) + Retry-After
  http500,
  timeout,         // answers after stall_ms (longer than the client's timeout)
  truncated,       // closes the connection half way through the body
  invalid_json,
  missing_field,   // a required field left out
  wrong_type,      // a field of the wrong JSON type
  empty,           // a valid answer with no bars
  unknown_symbol,  // what the provider says for a symbol it does not know
  throttle_note,   // Alpha Vantage: {"Note": ...} with HTTP 200
  throttle_info,   // Alpha Vantage: {"Information": ...} with HTTP 200
};

struct FakeExchangeOptions {
  int threads = 16;
  int64_t latency_ms = 0;  // added to every answer
  int64_t stall_ms = 700;  // Fault::timeout
  double binance_weight_limit = 6000;
  int64_t binance_window_ms = 60'000;  // fixed, epoch-aligned
  int polygon_limit = 1000;            // requests per sliding window
  int64_t polygon_window_ms = 60'000;
  int alphavantage_limit = 1000;
  int64_t alphavantage_window_ms = 60'000;
  int polygon_page_size = 5000;
  std::string api_key = "test-key";
  std::string data_dir;                // the repo's data/ (TN_DATA_DIR)
  bool any_binance_symbol = false;     // unknown pairs get BTCUSDT's bars (benchmark)
};

struct ProviderCounts {
  uint64_t requests = 0;
  uint64_t violations = 0;  // requests that arrived over the limit
  uint64_t faults = 0;      // injected faults served
};

class FakeExchange {
 public:
  explicit FakeExchange(FakeExchangeOptions o);
  ~FakeExchange();

  std::string base_url() const;  // http://127.0.0.1:PORT
  // Bars served for a symbol ("BTCUSDT", "AAPL") and interval.
  void add_series(const std::string& symbol, int64_t interval_ms, BarSeries bars);
  // Binance klines of `symbol` opening at or after from_open_ms are not
  // served (an exchange that has not published them yet) until
  // withhold(symbol, INT64_MAX).
  void withhold(const std::string& symbol, int64_t from_open_ms);
  // The next `times` requests for `symbol` ("*" = any) at this provider get `fault`.
  void inject(const std::string& provider, const std::string& symbol, Fault fault, int times = 1,
              int retry_after_s = 0);
  ProviderCounts counts(const std::string& provider) const;
  uint64_t requests_for(const std::string& symbol) const;
  int max_concurrent() const { return max_concurrent_.load(); }
  std::vector<std::string> paths(const std::string& provider) const;  // every path+query, in order

  struct Injected {
    Fault fault;
    int retry_after_s;
  };
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::atomic<int> max_concurrent_{0};
};

// Reads an OHLCV CSV without judging it (the SPY file's real defects must
// reach the client, which has to reject them).
BarSeries read_csv_loosely(const std::string& path);

}  // namespace tn::test
