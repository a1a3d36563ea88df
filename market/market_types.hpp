#pragma once
// What the market layer is asked for and what it answers, shared by the
// sources, the cache and the facade (market_data.hpp). Plain structs, no
// CAF: the fetcher actor copies them into its own messages.
#include <cstdint>
#include <optional>
#include <string>

#include "market/bar_source.hpp"  // tn::BarSeries
#include "common/error.hpp"

namespace tn::market {

// The kinds of failure a caller must tell apart.
enum class MarketErrc : uint8_t {
  fetch,        // transport failure, timeout, 5xx, unexpected status (after the retries)
  rate_limit,   // 429/418 or a provider's throttle body, still limited after the retries
  validation,   // the provider answered, but the body or a bar is wrong
  not_found,    // the provider does not know the symbol
  unsupported,  // the request cannot be made: interval not offered, API key not set
};

const char* market_errc_name(MarketErrc c);

struct MarketError {
  MarketErrc kind = MarketErrc::fetch;
  std::string message;  // never contains an API key
  int http_status = 0;  // last HTTP status seen, 0 if none
  std::string to_string() const { return std::string(market_errc_name(kind)) + ": " + message; }
  // The project-wide error (io, busy, invalid_input, not_found).
  Error to_error() const;
};

// Bars whose open time is in [from_ms, to_ms), UTC epoch ms.
struct BarsRequest {
  std::string source;  // "binance", "polygon", "alphavantage"
  std::string symbol;  // as the user writes it: "BTC", "BTCUSDT", "AAPL"
  int64_t interval_ms = 86'400'000;
  int64_t from_ms = 0;
  int64_t to_ms = 0;
};

struct BarsResult {
  BarsRequest request;
  std::string provider_symbol;  // what was asked of the provider ("BTCUSDT")
  BarSeries bars;               // validated, oldest first; empty on error
  std::optional<MarketError> error;
  size_t gaps = 0;              // places where a bar is missing (outages, weekends)
  bool last_bar_open = false;   // the newest bar had not closed when it was fetched
  uint32_t http_requests = 0;   // requests sent for this result (pages, retries)
  bool cache_hit = false;       // served entirely from the cache
  bool ok() const { return !error.has_value(); }
};

struct PriceRequest {
  std::string source;
  std::string symbol;
};

struct PriceResult {
  PriceRequest request;
  std::string provider_symbol;
  double price = 0;
  int64_t time_ms = 0;  // when the price was true (provider's time), UTC ms
  std::optional<MarketError> error;
  uint32_t http_requests = 0;
  bool cache_hit = false;
  bool ok() const { return !error.has_value(); }
};

}  // namespace tn::market
