// [sources] TOML -> SourcesConfig, through the one strict reader
// (toml_section.hpp): unknown keys and tables, wrong types and out-of-range
// values are errors naming the file, the full dotted key and the line.
#include "config/sources_config.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/section_readers.hpp"

namespace tn {

SourceConfig SourcesConfig::binance_defaults() {
  SourceConfig s;
  s.base_url = "https://api.binance.com";
  s.rate_limit = 6000;  // request weight per minute per IP (api/v3 REQUEST_WEIGHT)
  s.burst = 3000;       // half the minute at once: a 600-request cycle (1200 weight) goes in one go
  s.max_in_flight = 32;
  s.page_limit = 1000;
  return s;
}
SourceConfig SourcesConfig::polygon_defaults() {
  SourceConfig s;
  s.base_url = "https://api.polygon.io";
  s.rate_limit = 5;  // free tier: 5 calls per minute
  s.burst = 1;
  s.max_in_flight = 2;
  s.page_limit = 50000;
  return s;
}
SourceConfig SourcesConfig::alphavantage_defaults() {
  SourceConfig s;
  s.base_url = "https://www.alphavantage.co";
  s.rate_limit = 5;  // free tier: 5 calls per minute (and 25 per day)
  s.burst = 1;
  s.max_in_flight = 1;
  return s;
}

namespace config_detail {

namespace {

void read_source(const Section& parent, const char* name, SourceConfig& s) {
  if (!parent.node(name)) return;
  const Section r = parent.section(
      name, {"base_url", "rate_limit", "rate_window_ms", "burst", "max_in_flight", "timeout_ms",
             "max_attempts", "backoff_initial_ms", "backoff_max_ms", "max_retry_after_ms", "page_limit"});
  r.str("base_url", s.base_url);
  if (s.base_url.rfind("https://", 0) != 0 && s.base_url.rfind("http://", 0) != 0)
    r.bad("base_url", "must start with https:// (or http:// for a local test server)");
  while (s.base_url.size() > 8 && s.base_url.back() == '/') s.base_url.pop_back();
  r.number("rate_limit", s.rate_limit, 2, 1e9);
  r.integer("rate_window_ms", s.rate_window_ms, 1, 86'400'000);
  r.number("burst", s.burst, 1, 1e9);
  if (!(s.burst < s.rate_limit))  // the bucket refills rate_limit - burst per window
    r.bad(r.node("burst") ? "burst" : "rate_limit", "is invalid: burst must be below rate_limit");
  r.integer("max_in_flight", s.max_in_flight, 1, 1024);
  r.integer("timeout_ms", s.timeout_ms, 1, 600'000);
  r.integer("max_attempts", s.max_attempts, 1, 100);
  r.integer("backoff_initial_ms", s.backoff_initial_ms, 0, 3'600'000);
  r.integer("backoff_max_ms", s.backoff_max_ms, 0, 3'600'000);
  r.integer("max_retry_after_ms", s.max_retry_after_ms, 0, 86'400'000);
  r.integer("page_limit", s.page_limit, 1, 50'000);
}

}  // namespace

void read_sources(const Section& top, SourcesConfig& out) {
  if (!top.node("sources")) return;
  const Section r =
      top.section("sources", {"cache_path", "cache_map_size_mb", "bar_ttl_s", "price_ttl_s",
                              "max_connections", "binance", "polygon", "alphavantage"});
  r.str("cache_path", out.cache_path, Section::Empty::allowed);  // "" : no bar cache
  r.integer("cache_map_size_mb", out.cache_map_size_mb, 1, int64_t{1} << 24);
  r.integer("bar_ttl_s", out.bar_ttl_s, 0, 366 * 86'400LL);
  r.integer("price_ttl_s", out.price_ttl_s, 0, 86'400);
  r.integer("max_connections", out.max_connections, 1, 4096);
  read_source(r, "binance", out.binance);
  read_source(r, "polygon", out.polygon);
  read_source(r, "alphavantage", out.alphavantage);
  if (out.binance.burst < 2) r.bad("binance", "burst must be >= 2 (a klines request weighs 2)");
}

}  // namespace config_detail

Result<SourcesConfig> parse_sources_config(const std::string& text, const std::string& name) {
  toml::table root;
#if TOML_EXCEPTIONS
  try {
    root = toml::parse(text, std::string_view(name));
  } catch (const toml::parse_error& e) {
    return make_error(Errc::invalid_input, name + ":" + std::to_string(e.source().begin.line) + ": " +
                                               std::string(e.description()));
  }
#else
  toml::parse_result r = toml::parse(text, std::string_view(name));
  if (!r)
    return make_error(Errc::invalid_input, name + ":" + std::to_string(r.error().source().begin.line) + ": " +
                                               std::string(r.error().description()));
  root = std::move(r).table();
#endif
  SourcesConfig c;
  try {
    config_detail::read_sources(config_detail::Section(name, root, ""), c);
  } catch (const config_detail::Fail& f) {
    return make_error(Errc::invalid_input, f.message);
  }
  return c;
}

Result<SourcesConfig> load_sources_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::io, path + ": cannot open config file: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  auto c = parse_sources_config(text.str(), path);
  if (!c) return c;
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!c->cache_path.empty() && std::filesystem::path(c->cache_path).is_relative() && !dir.empty())
    c->cache_path = (dir / c->cache_path).lexically_normal().string();
  return c;
}

}  // namespace tn
