#pragma once
// The [sources] section: market data providers, their limits, and the
// market data cache (see config/sources.example.toml for every key).
// API keys are NOT here: they come from POLYGON_API_KEY (or MASSIVE_API_KEY:
// Polygon.io is Massive since October 2025) and ALPHA_VANTAGE_API_KEY in
// the environment.
#include <cstdint>
#include <string>

#include "common/error.hpp"

namespace tn {

// [sources.NAME]
struct SourceConfig {
  std::string base_url;         // the provider's real HTTPS address by default
  double rate_limit = 5;        // units (requests; Binance: request weight) per window
  int64_t rate_window_ms = 60'000;
  double burst = 1;             // units that may go at once (1 <= burst < rate_limit)
  uint32_t max_in_flight = 2;   // concurrent requests
  int64_t timeout_ms = 10'000;  // per HTTP request
  uint32_t max_attempts = 4;    // per request, the first included
  int64_t backoff_initial_ms = 500;
  int64_t backoff_max_ms = 30'000;
  int64_t max_retry_after_ms = 120'000;  // a longer Retry-After or ban fails at once
  uint32_t page_limit = 1000;   // bars per page asked for
};

struct SourcesConfig {
  std::string cache_path = "market-cache";  // LMDB folder, relative to the config file; "" = no cache
  uint64_t cache_map_size_mb = 256;
  int64_t bar_ttl_s = 86'400;  // the still-open bar (24 h, as the replaced system's daily cache)
  int64_t price_ttl_s = 10;    // latest prices
  uint32_t max_connections = 64;
  SourceConfig binance = binance_defaults();
  SourceConfig polygon = polygon_defaults();
  SourceConfig alphavantage = alphavantage_defaults();

  static SourceConfig binance_defaults();
  static SourceConfig polygon_defaults();
  static SourceConfig alphavantage_defaults();
};

// Only the [sources] table of a TOML file (other tables are the node
// loader's business and are not checked here); a missing table gives the
// defaults. Relative cache_path is resolved against the file's folder.
// Errors name the file, the key and what was expected.
Result<SourcesConfig> load_sources_config(const std::string& path);
Result<SourcesConfig> parse_sources_config(const std::string& toml_text, const std::string& name);

}  // namespace tn
