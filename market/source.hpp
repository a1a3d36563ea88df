#pragma once
// One interface for every data provider. A source does not do I/O itself:
// it turns "bars for (symbol, interval, range)" or "latest price" into a
// FetchJob, a small state machine that names the next HTTP request (pages
// follow one another) and parses each answer strictly. fetch_engine runs
// many jobs at once under the source's limits; a new provider is one more
// MarketSource (see docs/architecture.md).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "market/http_client.hpp"
#include "market/market_types.hpp"
#include "market/rate_limit.hpp"

namespace tn::market {

template <class T>
using MarketResult = std::variant<T, MarketError>;

template <class T>
const MarketError* error_of(const MarketResult<T>& r) {
  return std::get_if<MarketError>(&r);
}

// How to reach one provider and how hard to push it (config [sources.NAME]).
struct SourceSettings {
  std::string base_url;  // "https://api.binance.com", or a loopback test server
  std::string api_key;   // from the environment; never logged
  RateLimit limit;
  RetryPolicy retry;
  int max_in_flight = 4;       // concurrent requests to this provider
  int64_t timeout_ms = 10'000;  // per HTTP request
  int page_limit = 1000;        // bars per page asked for (Binance <= 1000, Polygon <= 50000)
  bool compress = true;         // gzip bodies (a loopback test server has no use for it)
};

// What a job says after an answer.
struct JobStep {
  bool more = false;  // another page: send request() again
  std::optional<MarketError> error;
};

class FetchJob {
 public:
  virtual ~FetchJob() = default;
  // The request to send now (the first, or the next page).
  virtual HttpRequest request() const = 0;
  // An answer that is not a transient failure (the engine retries 429, 418,
  // 5xx and transport errors itself). A rate_limit error here (a throttle
  // body sent with 200) is retried by the engine like a 429.
  virtual JobStep on_response(const HttpResponse& r) = 0;

  // The output, filled as pages arrive.
  BarSeries bars;
  bool last_bar_open = false;
  double price = 0;
  int64_t price_time_ms = 0;
};

class MarketSource {
 public:
  explicit MarketSource(SourceSettings s) : settings_(std::move(s)) {}
  virtual ~MarketSource() = default;
  virtual const char* name() const = 0;
  const SourceSettings& settings() const { return settings_; }

  // The symbol as this provider spells it ("BTC" -> "BTCUSDT").
  virtual MarketResult<std::string> provider_symbol(const std::string& symbol) const = 0;
  // Bars with open time in [from_ms, to_ms); now_ms decides which bar is still open.
  virtual MarketResult<std::unique_ptr<FetchJob>> bars_job(const std::string& provider_symbol,
                                                           int64_t interval_ms, int64_t from_ms,
                                                           int64_t to_ms, int64_t now_ms) const = 0;
  virtual MarketResult<std::unique_ptr<FetchJob>> price_job(const std::string& provider_symbol) const = 0;
  // The provider's own count of what this client used in its current window, if it sends one.
  virtual std::optional<double> reported_usage(const HttpResponse&) const { return std::nullopt; }

 protected:
  SourceSettings settings_;
};

std::unique_ptr<MarketSource> make_binance_source(SourceSettings s);
std::unique_ptr<MarketSource> make_polygon_source(SourceSettings s);
std::unique_ptr<MarketSource> make_alphavantage_source(SourceSettings s);

// Binance pair for a user's symbol: the short names (BTC ETH BNB XRP ADA SOL
// DOT MATIC LTC LINK, and any other bare base asset) get USDT; a full pair
// (ending in a known quote, e.g. ETHBTC) is kept; lower case is raised.
// nullopt for anything that is not 2-20 letters and digits.
std::optional<std::string> binance_pair(const std::string& symbol);

// An equity ticker, upper-cased: 1-12 letters, digits, '.' or '-' (BRK.B).
MarketResult<std::string> equity_ticker(const char* provider, const std::string& symbol);

// Shared by the sources: the URL's query-string escaping, and whether a URL
// the provider handed us (Polygon's next_url) points at the configured host.
std::string url_escape(const std::string& s);
bool same_origin(const std::string& url, const std::string& base_url);
// The status-line part of an error: "HTTP 503 from <label>: <first 200 bytes of body>".
std::string describe_status(const HttpRequest& req, const HttpResponse& r);

}  // namespace tn::market
