// Pure parts of the market layer: rate limiting (clock injected), backoff,
// Retry-After, symbol mapping, bar checks, range arithmetic, and the
// providers' parsers fed the recorded real API bodies (no server).
#define BOOST_TEST_MODULE market_units
#include <boost/test/unit_test.hpp>

#include <deque>
#include <fstream>
#include <random>
#include <sstream>

#include "market/bar_cache.hpp"
#include "market/bar_checks.hpp"
#include "market/rate_limit.hpp"
#include "market/source.hpp"
#include "tests/support/process.hpp"

using namespace tn::market;
using tn::kDayMs;
using tn::kHourMs;
using tn::kMinuteMs;
using tn::kWeekMs;

namespace {
std::string sample(const std::string& rel) {
  std::ifstream f(tn::test::data_dir() + "/api-samples/" + rel, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  BOOST_REQUIRE_MESSAGE(!s.str().empty(), "sample " + rel);
  return s.str();
}
SourceSettings settings(std::string key = "k") {
  SourceSettings s;
  s.base_url = "http://127.0.0.1:1";
  s.api_key = std::move(key);
  return s;
}
HttpResponse ok(std::string body) { return HttpResponse{200, {}, std::move(body)}; }
std::unique_ptr<FetchJob> job_of(MarketResult<std::unique_ptr<FetchJob>> r) {
  BOOST_REQUIRE(!error_of(r));
  return std::move(std::get<std::unique_ptr<FetchJob>>(r));
}
}  // namespace

BOOST_AUTO_TEST_CASE(token_bucket_never_exceeds_the_limit_in_any_window) {
  // Greedy client hammering for 10 windows: count starts in every sliding window.
  const RateLimit lim{100, 1'000, 40};
  TokenBucket b(lim, 0);
  std::deque<int64_t> starts;
  size_t worst = 0, taken = 0;
  for (int64_t t = 0; t < 10'000'000; t += 997) {  // microseconds
    while (b.try_take(1, t)) {
      starts.push_back(t);
      ++taken;
    }
    while (!starts.empty() && starts.front() <= t - 1'000'000) starts.pop_front();
    worst = std::max(worst, starts.size());
  }
  BOOST_TEST(worst <= 100u);
  BOOST_TEST(taken > 400u);  // and it does let traffic through (~ (100-40)/1.1 per window + burst)
  TokenBucket empty(lim, 0);
  for (int i = 0; i < 40; ++i) BOOST_TEST(empty.try_take(1, 0));
  BOOST_TEST(!empty.try_take(1, 0));
  const int64_t w = empty.wait_us(1, 0);
  BOOST_TEST(w > 0);
  BOOST_TEST(!empty.try_take(1, w - 50));
  BOOST_TEST(empty.try_take(1, w));
}

BOOST_AUTO_TEST_CASE(window_counter_follows_the_servers_figure) {
  WindowCounter c(RateLimit{10, 1000, 2});
  BOOST_TEST(c.wait_ms(4, 5'000) == 0);
  c.add(4, 5'000);
  c.observe_used(9, 5'100);  // someone else on our IP used weight too
  BOOST_TEST(c.wait_ms(2, 5'200) == 801);  // until the next window at 6000
  BOOST_TEST(c.wait_ms(2, 6'000) == 0);  // new window
  c.observe_used(1, 6'000);
  BOOST_TEST(c.used(6'000) == 1);
}

BOOST_AUTO_TEST_CASE(backoff_doubles_with_jitter_and_is_capped) {
  RetryPolicy p{5, 100, 1'000, 60'000};
  std::mt19937_64 rng(1);
  for (int i = 0; i < 200; ++i) {
    const int64_t d1 = backoff_ms(p, 1, rng), d3 = backoff_ms(p, 3, rng), d9 = backoff_ms(p, 9, rng);
    BOOST_TEST((d1 >= 50 && d1 <= 100));
    BOOST_TEST((d3 >= 200 && d3 <= 400));
    BOOST_TEST((d9 >= 500 && d9 <= 1000));
  }
}

BOOST_AUTO_TEST_CASE(retry_after_seconds_and_http_dates) {
  BOOST_TEST(*parse_retry_after_ms("120", 0) == 120'000);
  BOOST_TEST(*parse_retry_after_ms(" 0 ", 0) == 0);
  BOOST_TEST(!parse_retry_after_ms("", 0));
  BOOST_TEST(!parse_retry_after_ms("-5", 0));
  BOOST_TEST(!parse_retry_after_ms("soon", 0));
  // Wed, 21 Oct 2015 07:28:00 GMT = 1445412480 s
  BOOST_TEST(*parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470'000) == 10'000);
  BOOST_TEST(*parse_retry_after_ms("99999999999999999999", 0) >= *parse_retry_after_ms("86400", 0));  // huge: clamped, not overflowed
  BOOST_TEST(!parse_retry_after_ms("-99999999999999999999", 0));
}

BOOST_AUTO_TEST_CASE(binance_short_names_map_to_usdt_pairs) {
  for (const char* s : {"BTC", "ETH", "BNB", "XRP", "ADA", "SOL", "DOT", "MATIC", "LTC", "LINK"})
    BOOST_TEST(*binance_pair(s) == std::string(s) + "USDT");
  BOOST_TEST(*binance_pair("btc") == "BTCUSDT");
  BOOST_TEST(*binance_pair("BTCUSDT") == "BTCUSDT");
  BOOST_TEST(*binance_pair("ETHBTC") == "ETHBTC");
  BOOST_TEST(*binance_pair("AVAX") == "AVAXUSDT");
  BOOST_TEST(!binance_pair("BTC/USDT"));
  BOOST_TEST(!binance_pair("B"));
  BOOST_TEST(!binance_pair(std::string(21, 'A')));
  BOOST_TEST(!binance_pair("BTC\nUSDT"));
}

BOOST_AUTO_TEST_CASE(bar_checks_catch_every_kind_of_bad_bar_and_count_gaps) {
  const int64_t h = kHourMs;
  auto make = [&] {
    tn::BarSeries s;
    for (int64_t t : {0 * h, 1 * h, 2 * h, 5 * h}) {
      s.open_time_ms.push_back(t);
      s.open.push_back(10);
      s.high.push_back(12);
      s.low.push_back(9);
      s.close.push_back(11);
      s.volume.push_back(0);
    }
    return s;
  };
  BOOST_TEST(*check_bars(make(), h) == 1u);  // 2h -> 5h: one gap
  auto bad = [&](auto mutate, const std::string& expect) {
    auto s = make();
    mutate(s);
    auto r = check_bars(s, h);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().message.find(expect) != std::string::npos, r.error().message);
  };
  bad([](auto& s) { s.close[1] = std::nan(""); }, "finite");
  bad([](auto& s) { s.low[1] = -1; }, "<= 0");
  bad([](auto& s) { s.high[1] = 8; }, "low above high");
  bad([](auto& s) { s.open[2] = 13; }, "open outside");
  bad([](auto& s) { s.close[2] = 8.5; }, "close outside");
  bad([](auto& s) { s.volume[0] = -1; }, "volume");
  bad([=](auto& s) { s.open_time_ms[3] = 2 * h; }, "not after");
  bad([=](auto& s) { s.open_time_ms[3] = 5 * h + 1; }, "aligned");
  bad([](auto& s) { s.volume.pop_back(); }, "lengths");
  BOOST_TEST(bar_aligned(4 * kDayMs, kWeekMs));  // 1970-01-05, a Monday
  BOOST_TEST(!bar_aligned(0, kWeekMs));
  BOOST_TEST(interval_supported(4 * h));
  BOOST_TEST(!interval_supported(7 * h));
  BOOST_TEST(!interval_supported(2 * kDayMs));
}

BOOST_AUTO_TEST_CASE(iso_dates_round_trip_and_reject_nonsense) {
  int64_t t = 0;
  BOOST_TEST(parse_iso_date("2017-11-16", t));
  BOOST_TEST(t == 1510790400000);
  BOOST_TEST(iso_date(t + 5 * kHourMs) == "2017-11-16");
  BOOST_TEST(parse_iso_date("2020-02-29", t));
  for (const char* s : {"2019-02-29", "2017-13-01", "2017-1-16", "2017-11-16T", "abcd-ef-gh", ""})
    BOOST_TEST(!parse_iso_date(s, t), s);
}

BOOST_AUTO_TEST_CASE(range_arithmetic_for_the_cache) {
  const std::vector<TimeRange> cov = {{10, 20}, {30, 40}};
  BOOST_TEST((subtract_ranges({0, 50}, cov) == std::vector<TimeRange>{{0, 10}, {20, 30}, {40, 50}}));
  BOOST_TEST(subtract_ranges({12, 18}, cov).empty());
  BOOST_TEST((subtract_ranges({15, 35}, cov) == std::vector<TimeRange>{{20, 30}}));
  BOOST_TEST((add_range(cov, {20, 30}) == std::vector<TimeRange>{{10, 40}}));
  BOOST_TEST((add_range(cov, {5, 12}) == std::vector<TimeRange>{{5, 20}, {30, 40}}));
  BOOST_TEST((add_range(cov, {7, 7}) == cov));
}

BOOST_AUTO_TEST_CASE(binance_parses_the_recorded_klines_and_ticker) {
  auto src = make_binance_source(settings());
  // Recorded 2021-10-22 23:03..23:12 UTC 1m klines; the last was still open.
  const int64_t from = 1634943780000, to = from + 10 * kMinuteMs, now = from + 9 * kMinuteMs + 30'000;
  auto job = job_of(src->bars_job("BTCUSDT", kMinuteMs, from, to, now));
  BOOST_TEST(job->request().url.find("/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=1634943780000") !=
             std::string::npos);
  auto step = job->on_response(ok(sample("binance/klines-BTCUSDT-1m-recorded.json")));
  BOOST_TEST_REQUIRE(!step.error.has_value(), (step.error ? step.error->message : std::string()));
  BOOST_TEST(!step.more);
  BOOST_TEST(job->bars.size() == 10u);
  BOOST_TEST(job->bars.open[0] == 60685.22);
  BOOST_TEST(job->bars.volume[0] == 21.63272);
  BOOST_TEST(job->last_bar_open);
  BOOST_TEST(*check_bars(job->bars, kMinuteMs) == 0u);

  auto tick = job_of(src->price_job("BNBBTC"));
  auto ts = tick->on_response(ok(sample("binance/ticker-24hr-documented.json")));
  BOOST_TEST_REQUIRE(!ts.error.has_value());
  BOOST_TEST(tick->price == 4.000002);
  BOOST_TEST(tick->price_time_ms == 1499869899040);

  auto bad = job_of(src->bars_job("BTCUSDTX", kMinuteMs, from, to, now));
  auto e = bad->on_response(HttpResponse{400, {}, sample("binance/error-1121-invalid-symbol.json")});
  BOOST_TEST_REQUIRE(e.error.has_value());
  BOOST_TEST((e.error->kind == MarketErrc::not_found));
  HttpResponse weight{200, {{"x-mbx-used-weight-1m", "1234"}}, ""};
  BOOST_TEST(*src->reported_usage(weight) == 1234);
  BOOST_TEST(!src->reported_usage(HttpResponse{200, {{"x-mbx-used-weight-1m", "12a"}}, ""}));
}

BOOST_AUTO_TEST_CASE(polygon_parses_the_recorded_aggregates_and_prev) {
  auto src = make_polygon_source(settings("secret"));
  int64_t from = 0, to = 0;
  parse_iso_date("2005-04-01", from);
  parse_iso_date("2005-04-05", to);
  auto job = job_of(src->bars_job("AAPL", kDayMs, from, to, to + 100 * kDayMs));
  const HttpRequest req = job->request();
  BOOST_TEST(req.url.find("/v2/aggs/ticker/AAPL/range/1/day/2005-04-01/2005-04-04") != std::string::npos);
  BOOST_TEST(req.url.find("apiKey=secret") != std::string::npos);
  BOOST_TEST(req.label.find("secret") == std::string::npos);  // the key never reaches messages
  auto step = job->on_response(ok(sample("polygon/aggs-AAPL-range-1-day-2005-04-01-2005-04-04.json")));
  BOOST_TEST_REQUIRE(!step.error.has_value(), (step.error ? step.error->message : std::string()));
  BOOST_TEST(job->bars.size() == 2u);
  BOOST_TEST(job->bars.open_time_ms[0] == from);  // 00:00 New York -> 00:00 UTC of that date
  BOOST_TEST(job->bars.close[1] == 1.4675);
  BOOST_TEST(*check_bars(job->bars, kDayMs) == 1u);  // the weekend

  auto prev = job_of(src->price_job("AAPL"));
  BOOST_TEST(!prev->on_response(ok(sample("polygon/aggs-AAPL-prev.json"))).error.has_value());
  BOOST_TEST(prev->price == 156.8);

  auto nokey = make_polygon_source(settings(""));
  auto r = nokey->bars_job("AAPL", kDayMs, from, to, to);
  BOOST_TEST_REQUIRE(error_of(r) != nullptr);
  BOOST_TEST((error_of(r)->kind == MarketErrc::unsupported));
  BOOST_TEST((error_of(src->bars_job("AAPL", kHourMs, from, to, to))->kind == MarketErrc::unsupported));

  // next_url pointing at another host is refused (it would carry our key there).
  auto j2 = job_of(src->bars_job("AAPL", kDayMs, from, to, to));
  auto hop = j2->on_response(ok(R"({"ticker":"AAPL","status":"OK","resultsCount":0,"next_url":"https://evil.example/x"})"));
  BOOST_TEST_REQUIRE(hop.error.has_value());
  BOOST_TEST((hop.error->kind == MarketErrc::validation));
}

BOOST_AUTO_TEST_CASE(alphavantage_parses_the_recorded_series_and_its_200_errors) {
  auto src = make_alphavantage_source(settings());
  int64_t from = 0, to = 0;
  parse_iso_date("2017-11-01", from);
  parse_iso_date("2017-11-17", to);
  auto job = job_of(src->bars_job("AAPL", kDayMs, from, to, to + kDayMs));
  BOOST_TEST(job->request().url.find("outputsize=compact") != std::string::npos);
  auto step = job->on_response(ok(sample("alphavantage/time-series-daily-AAPL-2017-11-16.json")));
  BOOST_TEST_REQUIRE(!step.error.has_value(), (step.error ? step.error->message : std::string()));
  BOOST_TEST(job->bars.size() == 5u);
  BOOST_TEST(job->bars.close.back() == 171.10);
  BOOST_TEST(iso_date(job->bars.open_time_ms.front()) == "2017-11-10");
  auto old = job_of(src->bars_job("AAPL", kDayMs, from, to, to + 400 * kDayMs));
  BOOST_TEST(old->request().url.find("outputsize=full") != std::string::npos);

  for (const char* f : {"alphavantage/rate-limit-note-2018.json", "alphavantage/rate-limit-information-2024.json"}) {
    auto j = job_of(src->bars_job("AAPL", kDayMs, from, to, to));
    auto s = j->on_response(ok(sample(f)));
    BOOST_TEST_REQUIRE(s.error.has_value());
    BOOST_TEST((s.error->kind == MarketErrc::rate_limit), f);
  }
  auto j = job_of(src->bars_job("NOPE", kDayMs, from, to, to));
  auto s = j->on_response(ok(sample("alphavantage/error-invalid-api-call-time-series-daily.json")));
  BOOST_TEST_REQUIRE(s.error.has_value());
  BOOST_TEST((s.error->kind == MarketErrc::not_found));
}

BOOST_AUTO_TEST_CASE(hostile_bodies_are_validation_errors_never_crashes) {
  auto bn = make_binance_source(settings());
  auto pg = make_polygon_source(settings());
  auto av = make_alphavantage_source(settings());
  const std::string deep(100000, '[');
  const std::vector<std::string> bodies = {
      "", "null", "[", deep, "{}", "[[]]", "[[1,\"1\",\"1\",\"1\",\"1\"]]", "[[\"x\",\"1\",\"1\",\"1\",\"1\",\"1\"]]",
      "[[1,\"1e999\",\"1\",\"1\",\"1\",\"1\"]]", "[[1,\"0x10\",\"1\",\"1\",\"1\",\"1\"]]", "[[1,null,\"1\",\"1\",\"1\",\"1\"]]",
      R"({"ticker":"AAPL","status":"OK","resultsCount":1})", R"({"ticker":"AAPL","status":"OK","resultsCount":1,"results":{}})",
      R"({"ticker":"AAPL","status":"OK","resultsCount":1,"results":[{"t":"1","o":1,"h":1,"l":1,"c":1,"v":1}]})",
      R"({"ticker":"AAPL","status":"ERROR","resultsCount":0})", R"X({"Meta Data":{"2. Symbol":"AAPL"},"Time Series (Daily)":{"2017-02-30":{}}})X",
      R"X({"Meta Data":{"2. Symbol":"MSFT"},"Time Series (Daily)":{}})X", std::string("\xff\xfe\x00", 3)};
  for (const auto& b : bodies) {
    for (auto* src : {bn.get(), pg.get(), av.get()}) {
      auto j = job_of(src->bars_job(src == bn.get() ? "BTCUSDT" : "AAPL", kDayMs, 0, 10 * kDayMs, 20 * kDayMs));
      auto s = j->on_response(ok(b));
      if (s.error) {
        BOOST_TEST((s.error->kind == MarketErrc::validation || s.error->kind == MarketErrc::not_found ||
                    s.error->kind == MarketErrc::rate_limit));
      } else {
        BOOST_TEST(j->bars.size() == 0u, src->name() << " accepted bars from: " << b.substr(0, 80));
      }
    }
  }
}

#include "config/config.hpp"
#include "config/sources_config.hpp"

BOOST_AUTO_TEST_CASE(sources_config_defaults_overrides_and_errors) {
  auto d = tn::parse_sources_config("", "x.toml");
  BOOST_TEST_REQUIRE(d.ok());
  BOOST_TEST(d->binance.base_url == "https://api.binance.com");
  BOOST_TEST(d->polygon.rate_limit == 5);
  BOOST_TEST(d->alphavantage.base_url == "https://www.alphavantage.co");
  BOOST_TEST(d->bar_ttl_s == 86400);
  auto o = tn::parse_sources_config(
      "[sources]\nprice_ttl_s = 3\n[sources.polygon]\nbase_url = \"http://127.0.0.1:9/\"\nrate_limit = 100\nburst = 10\n",
      "x.toml");
  BOOST_TEST_REQUIRE(o.ok(), (o.ok() ? "" : o.error().message));
  BOOST_TEST(o->polygon.base_url == "http://127.0.0.1:9");
  BOOST_TEST(o->polygon.burst == 10);
  BOOST_TEST(o->price_ttl_s == 3);
  auto no_cache = tn::parse_sources_config("[sources]\ncache_path = \"\"\n", "x.toml");  // "" = no cache
  BOOST_TEST_REQUIRE(no_cache.ok(), (no_cache.ok() ? "" : no_cache.error().message));
  BOOST_TEST(no_cache->cache_path.empty());
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"[sources]\ncache_pth = \"x\"\n", "unknown key 'sources.cache_pth'"},
      {"[sources.kraken]\n", "unknown table 'sources.kraken'"},
      {"[sources.binance]\nrate_limit = \"many\"\n", "'sources.binance.rate_limit' must be a number"},
      {"[sources.polygon]\nburst = 5\n", "burst must be below rate_limit"},
      {"[sources.polygon]\nbase_url = \"ftp://x\"\n", "must start with https://"},
      {"[sources.binance]\nburst = 1\nrate_limit = 10\n", "burst must be >= 2"},
      {"[sources.binance]\ntimeout_ms = 0\n", "'sources.binance.timeout_ms' must be in [1, 600000]"},
      {"[sources.polygon]\nrate_limit = 1.5\n", "'sources.polygon.rate_limit' must be a finite number in [2, "},
      {"[sources]\ncache_path = 3\n", "'sources.cache_path' must be a string"},
      {"sources = 3\n", "must be a table"},
  };
  for (const auto& [text, expect] : bad) {
    auto r = tn::parse_sources_config(text, "x.toml");
    BOOST_TEST_REQUIRE(!r.ok(), text);
    BOOST_TEST(r.error().message.find(expect) != std::string::npos, r.error().message);
    BOOST_TEST(r.error().message.find("x.toml") == 0u);
  }
  // The node's loader reads the same table into Config::sources, strictly.
  const std::string node = "[watchlist.BTCUSDT.1d]\n[sources]\nprice_ttl_s = 7\n";
  auto c = tn::parse_config(node, "n.toml");
  BOOST_TEST_REQUIRE(c.ok(), (c.ok() ? "" : c.error().message));
  BOOST_TEST(c->sources.price_ttl_s == 7);
  auto bad_node = tn::parse_config(node + "[sources.binance]\nburts = 3\n", "n.toml");
  BOOST_TEST_REQUIRE(!bad_node.ok());
  BOOST_TEST(bad_node.error().message.find("sources.binance.burts") != std::string::npos);
}
