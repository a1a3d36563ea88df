#include "market/market_data.hpp"

#include <cmath>
#include <cstdlib>
#include <initializer_list>

#include "common/clock.hpp"
#include "config/sources_config.hpp"
#include "market/bar_checks.hpp"

namespace tn::market {
namespace {

// The first of the key's environment variables that is set and not empty.
SourceSettings settings_of(const SourceConfig& c, std::initializer_list<const char*> key_envs) {
  SourceSettings s;
  s.base_url = c.base_url;
  for (const char* name : key_envs)
    if (const char* k = std::getenv(name); k && *k && s.api_key.empty()) s.api_key = k;
  s.limit = RateLimit{c.rate_limit, c.rate_window_ms, c.burst};
  s.retry = RetryPolicy{static_cast<int>(c.max_attempts), c.backoff_initial_ms, c.backoff_max_ms,
                        c.max_retry_after_ms};
  s.max_in_flight = static_cast<int>(c.max_in_flight);
  s.timeout_ms = c.timeout_ms;
  s.page_limit = static_cast<int>(c.page_limit);
  return s;
}

MarketError request_error(MarketErrc k, std::string m) { return MarketError{k, std::move(m), 0}; }

// A request's provider symbol (r.provider_symbol), or the error that stops
// it (r.error): an unknown source or a symbol the provider cannot name.
template <class R>
bool resolve_symbol(const MarketSource* src, R& r) {
  if (!src) {
    r.error = request_error(MarketErrc::unsupported, "unknown source \"" + r.request.source + "\"");
    return false;
  }
  auto sym = src->provider_symbol(r.request.symbol);
  if (auto* e = error_of(sym)) {
    r.error = *e;
    return false;
  }
  r.provider_symbol = std::get<std::string>(sym);
  return true;
}

}  // namespace

RunStats& RunStats::operator+=(const RunStats& o) {
  requests += o.requests;
  cache_hits += o.cache_hits;
  api_fetches += o.api_fetches;
  http_requests += o.http_requests;
  errors += o.errors;
  return *this;
}

MarketDataOptions options_from_config(const SourcesConfig& c) {
  MarketDataOptions o;
  o.sources["binance"] = settings_of(c.binance, {});
  // Polygon.io is Massive since October 2025: same API, same keys.
  o.sources["polygon"] = settings_of(c.polygon, {"POLYGON_API_KEY", "MASSIVE_API_KEY"});
  o.sources["alphavantage"] = settings_of(c.alphavantage, {"ALPHA_VANTAGE_API_KEY"});
  o.cache_path = c.cache_path;
  o.cache_map_size_bytes = c.cache_map_size_mb << 20;
  o.bar_ttl_ms = c.bar_ttl_s * 1000;
  o.price_ttl_ms = c.price_ttl_s * 1000;
  o.engine.max_connections = static_cast<int>(c.max_connections);
  return o;
}

MarketData::MarketData(MarketDataOptions o) : options_(std::move(o)) {
  if (!options_.clock) options_.clock = wall_clock_ms;
  std::vector<const MarketSource*> list;
  for (const auto& [name, s] : options_.sources) {
    std::unique_ptr<MarketSource> src;
    if (name == "binance") src = make_binance_source(s);
    else if (name == "polygon") src = make_polygon_source(s);
    else if (name == "alphavantage") src = make_alphavantage_source(s);
    if (!src) continue;
    source_index_[name] = list.size();
    list.push_back(src.get());
    sources_[name] = std::move(src);
  }
  engine_ = std::make_unique<FetchEngine>(list, options_.engine);
}

MarketData::~MarketData() = default;

Result<std::unique_ptr<MarketData>> MarketData::open(MarketDataOptions o) {
  for (const auto& [name, s] : o.sources)
    if (name != "binance" && name != "polygon" && name != "alphavantage")
      return make_error(Errc::invalid_input, "market data: unknown source \"" + name + "\"");
  std::unique_ptr<BarCache> cache;
  if (!o.cache_path.empty()) {
    auto c = BarCache::open({o.cache_path, o.cache_map_size_bytes});
    if (!c) return c.error();
    cache = std::move(*c);
  }
  std::unique_ptr<MarketData> md(new MarketData(std::move(o)));
  md->cache_ = std::move(cache);
  return md;
}

const MarketSource* MarketData::source(const std::string& name) const {
  auto it = sources_.find(name);
  return it == sources_.end() ? nullptr : it->second.get();
}

RunStats MarketData::last_run() const {
  std::lock_guard lock(mu_);
  return last_;
}
RunStats MarketData::totals() const {
  std::lock_guard lock(mu_);
  return totals_;
}

std::vector<BarsResult> MarketData::fetch_bars(const std::vector<BarsRequest>& reqs,
                                               const FetchEngine::Progress& progress) {
  std::lock_guard lock(mu_);
  const int64_t t_now = now();
  RunStats st;
  st.requests = reqs.size();
  std::vector<BarsResult> out(reqs.size());
  std::vector<CacheQuery> queries;
  std::vector<size_t> queried;  // out index of each query
  for (size_t i = 0; i < reqs.size(); ++i) {
    BarsResult& r = out[i];
    r.request = reqs[i];
    const MarketSource* src = source(reqs[i].source);
    if (!resolve_symbol(src, r)) continue;
    if (!interval_supported(reqs[i].interval_ms) || reqs[i].from_ms >= reqs[i].to_ms) {
      r.error = request_error(MarketErrc::validation, std::string(src->name()) + ": bad request: interval " +
                                                          std::to_string(reqs[i].interval_ms) + " ms, range [" +
                                                          std::to_string(reqs[i].from_ms) + ", " +
                                                          std::to_string(reqs[i].to_ms) + ")");
      continue;
    }
    queries.push_back({{reqs[i].source, r.provider_symbol, reqs[i].interval_ms}, reqs[i].from_ms, reqs[i].to_ms});
    queried.push_back(i);
  }

  // 1. The cache: full hits are done; the rest fetch from the first missing bar to the last.
  std::vector<TimeRange> span(reqs.size(), {0, 0});
  if (cache_) {
    auto looked = cache_->lookup(queries, t_now, options_.bar_ttl_ms);
    if (!looked) {
      for (size_t q : queried) out[q].error = request_error(MarketErrc::fetch, looked.error().to_string());
      queried.clear();
    } else {
      for (size_t k = 0; k < queried.size(); ++k) {
        CacheLookup& l = (*looked)[k];
        BarsResult& r = out[queried[k]];
        if (l.missing.empty()) {
          r.bars = std::move(l.bars);
          r.last_bar_open = l.last_bar_open;
          r.cache_hit = true;
        } else {
          span[queried[k]] = {l.missing.front().first, l.missing.back().second};
        }
      }
    }
  } else {
    for (size_t q : queried) {
      const BarsRequest& b = reqs[q];
      span[q] = {b.from_ms, std::min(b.to_ms, bar_floor(t_now, b.interval_ms) + b.interval_ms)};
      if (span[q].first >= span[q].second) out[q].cache_hit = true;  // only future bars: nothing to fetch
    }
  }

  // 2. The providers, all at once.
  std::vector<std::unique_ptr<FetchJob>> jobs(reqs.size());
  std::vector<JobRun> runs;
  std::vector<size_t> run_of;
  for (size_t q : queried) {
    BarsResult& r = out[q];
    if (r.cache_hit || r.error) continue;
    const MarketSource* src = source(reqs[q].source);
    auto job = src->bars_job(r.provider_symbol, reqs[q].interval_ms, span[q].first, span[q].second, t_now);
    if (auto* e = error_of(job)) {
      r.error = *e;
      continue;
    }
    jobs[q] = std::move(std::get<std::unique_ptr<FetchJob>>(job));
    JobRun run;
    run.job = jobs[q].get();
    run.source = source_index_.at(reqs[q].source);
    runs.push_back(run);
    run_of.push_back(q);
  }
  engine_->run(runs, progress);

  // 3. Check every fetched bar, keep the good ones, answer from the cache.
  std::vector<CacheWrite> writes;
  std::vector<CacheQuery> requery;
  std::vector<size_t> requeried;
  for (size_t k = 0; k < runs.size(); ++k) {
    const size_t q = run_of[k];
    BarsResult& r = out[q];
    r.http_requests = runs[k].requests;
    st.http_requests += runs[k].requests;
    ++st.api_fetches;
    if (runs[k].error) {
      r.error = runs[k].error;
      continue;
    }
    FetchJob& job = *jobs[q];
    if (auto checked = check_bars(job.bars, reqs[q].interval_ms); !checked) {
      r.error = request_error(MarketErrc::validation,
                              std::string(source(reqs[q].source)->name()) + " " + r.provider_symbol + ": " +
                                  checked.error().message);
      continue;
    }
    if (cache_) {
      writes.push_back({{reqs[q].source, r.provider_symbol, reqs[q].interval_ms}, span[q], &job.bars});
      requery.push_back({{reqs[q].source, r.provider_symbol, reqs[q].interval_ms}, reqs[q].from_ms, reqs[q].to_ms});
      requeried.push_back(q);
    } else {
      r.bars = std::move(job.bars);
      r.last_bar_open = job.last_bar_open;
    }
  }
  if (cache_ && !writes.empty()) {
    Status s = cache_->store(writes, t_now);
    auto looked = s ? cache_->lookup(requery, t_now, options_.bar_ttl_ms)
                    : Result<std::vector<CacheLookup>>(s.error());
    for (size_t k = 0; k < requeried.size(); ++k) {
      BarsResult& r = out[requeried[k]];
      if (!looked) {
        r.error = request_error(MarketErrc::fetch, looked.error().to_string());
        continue;
      }
      r.bars = std::move((*looked)[k].bars);
      r.last_bar_open = (*looked)[k].last_bar_open;
    }
  }
  for (BarsResult& r : out) {
    if (!r.error && cache_) {
      r.gaps = count_gaps(r.bars, r.request.interval_ms);  // every cached bar passed check_bars
    } else if (!r.error) {
      if (auto g = check_bars(r.bars, r.request.interval_ms)) r.gaps = *g;
      else r.error = request_error(MarketErrc::validation, r.provider_symbol + ": " + g.error().message);
    }
    if (r.error) {
      r.bars = BarSeries{};
      ++st.errors;
    } else if (r.cache_hit) {
      ++st.cache_hits;
    }
  }
  last_ = st;
  totals_ += st;
  return out;
}

std::vector<PriceResult> MarketData::fetch_prices(const std::vector<PriceRequest>& reqs) {
  std::lock_guard lock(mu_);
  const int64_t t_now = now();
  RunStats st;
  st.requests = reqs.size();
  std::vector<PriceResult> out(reqs.size());
  std::vector<std::unique_ptr<FetchJob>> jobs(reqs.size());
  std::vector<JobRun> runs;
  std::vector<size_t> run_of;
  for (size_t i = 0; i < reqs.size(); ++i) {
    PriceResult& r = out[i];
    r.request = reqs[i];
    const MarketSource* src = source(reqs[i].source);
    if (!resolve_symbol(src, r)) continue;
    if (cache_) {
      auto hit = cache_->price(reqs[i].source, r.provider_symbol, t_now, options_.price_ttl_ms);
      if (hit && *hit) {
        r.price = (*hit)->price;
        r.time_ms = (*hit)->time_ms;
        r.cache_hit = true;
        continue;
      }
    }
    auto job = src->price_job(r.provider_symbol);
    if (auto* e = error_of(job)) {
      r.error = *e;
      continue;
    }
    jobs[i] = std::move(std::get<std::unique_ptr<FetchJob>>(job));
    JobRun run;
    run.job = jobs[i].get();
    run.source = source_index_.at(reqs[i].source);
    runs.push_back(run);
    run_of.push_back(i);
  }
  engine_->run(runs);
  for (size_t k = 0; k < runs.size(); ++k) {
    PriceResult& r = out[run_of[k]];
    r.http_requests = runs[k].requests;
    st.http_requests += runs[k].requests;
    ++st.api_fetches;
    if (runs[k].error) {
      r.error = runs[k].error;
      continue;
    }
    const FetchJob& job = *jobs[run_of[k]];
    if (!std::isfinite(job.price) || job.price <= 0) {
      r.error = request_error(MarketErrc::validation, r.request.source + " " + r.provider_symbol + ": no valid price");
      continue;
    }
    r.price = job.price;
    r.time_ms = job.price_time_ms;
    if (cache_) cache_->store_price(r.request.source, r.provider_symbol, {r.price, r.time_ms, t_now});
  }
  for (const PriceResult& r : out) {
    if (r.error) ++st.errors;
    else if (r.cache_hit) ++st.cache_hits;
  }
  last_ = st;
  totals_ += st;
  return out;
}

}  // namespace tn::market
