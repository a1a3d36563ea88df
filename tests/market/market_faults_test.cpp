// Every fault the fake exchange can inject gets its specified behaviour;
// rate limits are never exceeded (the server counts); the cache answers
// repeated and partial requests. Backoffs are milliseconds here.
#define BOOST_TEST_MODULE market_faults
#include <boost/test/unit_test.hpp>

#include <chrono>

#include "tests/market/market_test_util.hpp"

using namespace tn::market;
using tn::kDayMs;
using tn::test::Fault;
using tn::test::utc;

namespace {

struct Expect {
  Fault fault;
  int times;
  bool ok;              // the result in the end
  MarketErrc kind;      // when !ok
  uint32_t requests;    // HTTP requests the client sent
};

BarsRequest btc_days() { return {"binance", "BTC", kDayMs, utc("2022-09-01"), utc("2022-10-01")}; }

}  // namespace

BOOST_AUTO_TEST_CASE(each_binance_fault_gets_its_behaviour) {
  // Three attempts per request (test_settings). Transient faults are retried;
  // a body that is wrong is not (the same server would say the same again).
  const std::vector<Expect> cases = {
      {Fault::http429, 1, true, {}, 2},
      {Fault::http429, 5, false, MarketErrc::rate_limit, 3},
      {Fault::http418, 1, true, {}, 2},
      {Fault::http500, 2, true, {}, 3},
      {Fault::http500, 5, false, MarketErrc::fetch, 3},
      {Fault::timeout, 1, true, {}, 2},
      {Fault::truncated, 1, true, {}, 2},
      {Fault::truncated, 5, false, MarketErrc::fetch, 3},
      {Fault::invalid_json, 1, false, MarketErrc::validation, 1},
      {Fault::missing_field, 1, false, MarketErrc::validation, 1},
      {Fault::wrong_type, 1, false, MarketErrc::validation, 1},
      {Fault::unknown_symbol, 1, false, MarketErrc::not_found, 1},
  };
  for (const Expect& e : cases) {
    tn::test::MarketRig rig({}, /*with_cache=*/false);
    rig.ex.inject("binance", "BTCUSDT", e.fault, e.times);
    auto rs = rig.md().fetch_bars({btc_days(), {"binance", "ETH", kDayMs, utc("2022-09-01"), utc("2022-10-01")}});
    const std::string what = "fault " + std::to_string(static_cast<int>(e.fault)) + " x" + std::to_string(e.times);
    BOOST_TEST(rs[0].ok() == e.ok, what << ": " << tn::test::why(rs[0]));
    if (!e.ok && rs[0].error) BOOST_TEST((rs[0].error->kind == e.kind), what << ": " << tn::test::why(rs[0]));
    if (e.ok) BOOST_TEST(rs[0].bars.size() == 30u, what);
    BOOST_TEST(rs[0].http_requests == e.requests, what);
    BOOST_TEST(rig.ex.requests_for("BTCUSDT") == e.requests, what);
    BOOST_TEST(rs[1].ok(), what << ": the other stream goes on");
    BOOST_TEST(rs[1].bars.size() == 30u, what);
  }
}

BOOST_AUTO_TEST_CASE(an_empty_answer_is_no_bars_not_an_error) {
  tn::test::MarketRig rig({}, false);
  rig.ex.inject("binance", "*", Fault::empty);
  rig.ex.inject("polygon", "*", Fault::empty);
  rig.ex.inject("alphavantage", "*", Fault::empty);
  rig.now = utc("2018-01-01");
  auto rs = rig.md().fetch_bars({btc_days(), {"polygon", "AAPL", kDayMs, utc("2017-01-01"), utc("2017-02-01")},
                                 {"alphavantage", "AAPL", kDayMs, utc("2017-12-01"), utc("2017-12-20")}});
  for (const auto& r : rs) {
    BOOST_TEST(r.ok(), r.request.source);
    BOOST_TEST(r.bars.size() == 0u);
  }
}

BOOST_AUTO_TEST_CASE(polygon_and_alphavantage_faults) {
  struct Case {
    const char* provider;
    Fault fault;
    int times;
    bool ok;
    MarketErrc kind;
    uint32_t requests;
  };
  const std::vector<Case> cases = {
      {"polygon", Fault::http429, 1, true, {}, 2},
      {"polygon", Fault::http500, 5, false, MarketErrc::fetch, 3},
      {"polygon", Fault::timeout, 1, true, {}, 2},
      {"polygon", Fault::truncated, 1, true, {}, 2},
      {"polygon", Fault::invalid_json, 1, false, MarketErrc::validation, 1},
      {"polygon", Fault::missing_field, 1, false, MarketErrc::validation, 1},
      {"polygon", Fault::wrong_type, 1, false, MarketErrc::validation, 1},
      {"alphavantage", Fault::throttle_note, 1, true, {}, 2},
      {"alphavantage", Fault::throttle_info, 5, false, MarketErrc::rate_limit, 3},
      {"alphavantage", Fault::http500, 1, true, {}, 2},
      {"alphavantage", Fault::invalid_json, 1, false, MarketErrc::validation, 1},
      {"alphavantage", Fault::missing_field, 1, false, MarketErrc::validation, 1},
      {"alphavantage", Fault::wrong_type, 1, false, MarketErrc::validation, 1},
      {"alphavantage", Fault::unknown_symbol, 1, false, MarketErrc::not_found, 1},
  };
  for (const Case& c : cases) {
    tn::test::MarketRig rig({}, false);
    rig.now = utc("2018-01-01");
    rig.ex.inject(c.provider, "AAPL", c.fault, c.times);
    auto rs = rig.md().fetch_bars({{c.provider, "AAPL", kDayMs, utc("2017-11-01"), utc("2017-12-01")},
                                   {c.provider, "MSFT", kDayMs, utc("2017-11-01"), utc("2017-12-01")}});
    const std::string what = std::string(c.provider) + " fault " + std::to_string(static_cast<int>(c.fault));
    BOOST_TEST(rs[0].ok() == c.ok, what << ": " << tn::test::why(rs[0]));
    if (!c.ok && rs[0].error) BOOST_TEST((rs[0].error->kind == c.kind), what << ": " << tn::test::why(rs[0]));
    if (c.ok) BOOST_TEST(rs[0].bars.size() == 21u, what);
    BOOST_TEST(rs[0].http_requests == c.requests, what);
    BOOST_TEST(rs[1].ok(), what);  // MSFT's bundled data ends 2014: an empty answer, fine
    const bool key_hidden = !rs[0].error || rs[0].error->message.find("test-key") == std::string::npos;
    BOOST_TEST(key_hidden, what);
  }
}

BOOST_AUTO_TEST_CASE(retry_after_is_honoured_and_a_long_ban_fails_at_once) {
  {
    tn::test::MarketRig rig({}, false);
    rig.ex.inject("binance", "BTCUSDT", Fault::http418, 1, /*retry_after_s=*/1);
    const auto t0 = std::chrono::steady_clock::now();
    auto r = rig.one(btc_days());
    const auto waited = std::chrono::steady_clock::now() - t0;
    BOOST_TEST(r.ok());
    BOOST_TEST(r.http_requests == 2u);
    BOOST_TEST(waited >= std::chrono::milliseconds(1000));  // not before Retry-After
  }
  tn::test::MarketRig rig({}, false);
  rig.ex.inject("binance", "BTCUSDT", Fault::http418, 1, /*retry_after_s=*/3600);  // banned for an hour
  rig.opts.sources["binance"].max_in_flight = 1;  // so ETH is still queued when the ban arrives
  auto rs = rig.md().fetch_bars({btc_days(), {"binance", "ETH", kDayMs, utc("2022-09-01"), utc("2022-10-01")}});
  BOOST_TEST_REQUIRE(!rs[0].ok());
  BOOST_TEST((rs[0].error->kind == MarketErrc::rate_limit));
  BOOST_TEST(rs[0].http_requests == 1u);
  BOOST_TEST_REQUIRE(!rs[1].ok());  // the whole source is banned: not even sent
  BOOST_TEST((rs[1].error->kind == MarketErrc::rate_limit));
  BOOST_TEST(rig.ex.requests_for("ETHUSDT") == 0u);
}

BOOST_AUTO_TEST_CASE(limits_are_never_exceeded_and_requests_run_concurrently) {
  tn::test::FakeExchangeOptions fo;
  fo.binance_weight_limit = 40;  // weight per 300 ms (a klines request weighs 2)
  fo.binance_window_ms = 300;
  fo.polygon_limit = 3;          // requests per sliding 300 ms
  fo.polygon_window_ms = 300;
  fo.alphavantage_limit = 2;
  fo.alphavantage_window_ms = 300;
  fo.latency_ms = 20;
  tn::test::MarketRig rig(fo, false);
  rig.opts.sources["binance"].limit = RateLimit{40, 300, 20};
  rig.opts.sources["polygon"].limit = RateLimit{3, 300, 1};
  rig.opts.sources["alphavantage"].limit = RateLimit{2, 300, 1};
  for (auto& [n, s] : rig.opts.sources) s.timeout_ms = 2'000;
  std::vector<BarsRequest> reqs;
  for (int i = 0; i < 60; ++i) {  // 120 weight: three windows' worth
    const int64_t from = utc("2021-01-01") + i * 10 * kDayMs;
    reqs.push_back({"binance", i % 2 ? "BTC" : "ETH", kDayMs, from, from + 10 * kDayMs});
  }
  for (int i = 0; i < 8; ++i) {
    const int64_t from = utc("2016-01-01") + i * 30 * kDayMs;
    reqs.push_back({"polygon", "AAPL", kDayMs, from, from + 30 * kDayMs});
  }
  rig.now = utc("2022-10-10", 12);
  for (int i = 0; i < 4; ++i) reqs.push_back({"alphavantage", i % 2 ? "AAPL" : "MSFT", kDayMs, utc("2013-01-01"), utc("2013-02-01")});
  auto rs = rig.md().fetch_bars(reqs);
  for (const auto& r : rs) BOOST_TEST(r.ok(), r.request.source << " " << tn::test::why(r));
  BOOST_TEST(rig.ex.counts("binance").violations == 0u);
  BOOST_TEST(rig.ex.counts("polygon").violations == 0u);
  BOOST_TEST(rig.ex.counts("alphavantage").violations == 0u);
  BOOST_TEST(rig.ex.counts("binance").requests == 60u);  // no 429 retries were needed either
  BOOST_TEST(rig.ex.max_concurrent() > 1);
}

BOOST_AUTO_TEST_CASE(the_cache_fetches_only_what_is_missing_and_counts_hits) {
  tn::test::MarketRig rig;
  const BarsRequest sep{"binance", "BTC", kDayMs, utc("2022-09-01"), utc("2022-10-01")};
  auto r = rig.one(sep);
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(!r.cache_hit);
  BOOST_TEST(rig.md().last_run().api_fetches == 1u);
  r = rig.one(sep);
  BOOST_TEST(r.cache_hit);
  BOOST_TEST(r.bars.size() == 30u);
  BOOST_TEST(rig.md().last_run().cache_hits == 1u);
  BOOST_TEST(rig.ex.counts("binance").requests == 1u);

  // Through today: only October is asked for; today's bar is open.
  auto wide = rig.one({"binance", "BTC", kDayMs, utc("2022-09-01"), utc("2022-12-01")});
  BOOST_TEST_REQUIRE(wide.ok());
  BOOST_TEST(wide.bars.size() == 40u);
  BOOST_TEST(wide.last_bar_open);
  auto paths = rig.ex.paths("binance");
  BOOST_TEST_REQUIRE(paths.size() == 2u);
  BOOST_TEST(paths[1].find("startTime=" + std::to_string(utc("2022-10-01"))) != std::string::npos, paths[1]);
  // Within the TTL the open bar is served from the cache...
  rig.now += rig.opts.bar_ttl_ms - 1;
  BOOST_TEST(rig.one({"binance", "BTC", kDayMs, utc("2022-09-01"), utc("2022-12-01")}).cache_hit);
  // ...after it, only the open bar is fetched again.
  rig.now += 1;
  auto later = rig.one({"binance", "BTC", kDayMs, utc("2022-09-01"), utc("2022-12-01")});
  BOOST_TEST(!later.cache_hit);
  paths = rig.ex.paths("binance");
  BOOST_TEST_REQUIRE(paths.size() == 3u);
  BOOST_TEST(paths[2].find("startTime=" + std::to_string(utc("2022-10-10"))) != std::string::npos, paths[2]);
  BOOST_TEST(rig.md().totals().cache_hits == 2u);
  BOOST_TEST(rig.md().totals().api_fetches == 3u);
}
