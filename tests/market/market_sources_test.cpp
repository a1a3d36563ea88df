// The three providers against the loopback fake exchange: data equal to the
// bundled CSVs, pagination, and each provider's answers to bad requests.
#define BOOST_TEST_MODULE market_sources
#include <boost/test/unit_test.hpp>

#include <stdlib.h>

#include "config/sources_config.hpp"
#include "tests/market/market_test_util.hpp"

using namespace tn::market;
using tn::kDayMs;
using tn::kHourMs;
using tn::test::utc;
using tn::SourcesConfig;

namespace {
void same_as_csv(const BarsResult& r, const std::string& csv) {
  const tn::BarSeries all = tn::test::read_csv_loosely(tn::test::data_dir() + csv);
  size_t k = 0;
  while (k < all.size() && all.open_time_ms[k] < r.request.from_ms) ++k;
  for (size_t i = 0; i < r.bars.size(); ++i, ++k) {
    BOOST_REQUIRE(k < all.size());
    BOOST_TEST_REQUIRE(r.bars.open_time_ms[i] == all.open_time_ms[k]);
    BOOST_TEST(r.bars.open[i] == all.open[k], boost::test_tools::tolerance(1e-6));
    BOOST_TEST(r.bars.high[i] == all.high[k], boost::test_tools::tolerance(1e-6));
    BOOST_TEST(r.bars.low[i] == all.low[k], boost::test_tools::tolerance(1e-6));
    BOOST_TEST(r.bars.close[i] == all.close[k], boost::test_tools::tolerance(1e-6));
  }
}
}  // namespace

BOOST_AUTO_TEST_CASE(binance_pages_through_a_long_range_and_counts_gaps) {
  tn::test::MarketRig rig;
  const BarsRequest req{"binance", "BTC", kHourMs, utc("2021-01-01"), utc("2021-03-01")};  // 1416 hours
  auto r = rig.one(req);
  BOOST_TEST_REQUIRE(r.ok(), tn::test::why(r));
  BOOST_TEST(r.provider_symbol == "BTCUSDT");
  BOOST_TEST(r.bars.size() == 1415u);  // 2021-02-11 04:00 is one of Binance's real outages
  BOOST_TEST(r.gaps == 1u);
  BOOST_TEST(r.http_requests == 2u);  // 1000 + 415
  same_as_csv(r, "/binance/BTCUSDT-1h.csv");
  const auto paths = rig.ex.paths("binance");
  BOOST_TEST_REQUIRE(paths.size() == 2u);
  // The second page starts one hour after the first page's last bar.
  BOOST_TEST(paths[1].find("startTime=" + std::to_string(r.bars.open_time_ms[999] + kHourMs)) !=
             std::string::npos);
  BOOST_TEST(paths[0].find("limit=1000") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(polygon_follows_next_url_with_the_key_and_normalises_times) {
  tn::test::FakeExchangeOptions fo;
  fo.polygon_page_size = 50;
  tn::test::MarketRig rig(fo);
  auto r = rig.one({"polygon", "aapl", kDayMs, utc("2017-01-01"), utc("2018-01-01")});
  BOOST_TEST_REQUIRE(r.ok(), tn::test::why(r));
  BOOST_TEST(r.bars.size() == 251u);  // 2017's sessions
  BOOST_TEST(r.http_requests == 6u);
  same_as_csv(r, "/equities/AAPL-1d.csv");
  for (const auto& p : rig.ex.paths("polygon")) BOOST_TEST(p.find("apiKey=test-key") != std::string::npos, p);
  BOOST_TEST(rig.ex.paths("polygon")[1].find("cursor=") != std::string::npos);
  BOOST_TEST(r.gaps > 50u);  // weekends and holidays are gaps, not errors
}

BOOST_AUTO_TEST_CASE(alphavantage_picks_compact_or_full_and_trims_to_the_range) {
  tn::test::MarketRig rig;
  rig.now = utc("2018-01-20");
  auto recent = rig.one({"alphavantage", "AAPL", kDayMs, utc("2017-12-01"), utc("2018-01-20")});
  BOOST_TEST_REQUIRE(recent.ok(), tn::test::why(recent));
  same_as_csv(recent, "/equities/AAPL-1d.csv");
  BOOST_TEST(recent.bars.size() == 33u);
  auto old = rig.one({"alphavantage", "MSFT", kDayMs, utc("2013-01-01"), utc("2013-02-01")});
  BOOST_TEST_REQUIRE(old.ok(), tn::test::why(old));
  BOOST_TEST(old.bars.size() == 21u);
  const auto paths = rig.ex.paths("alphavantage");
  BOOST_TEST(paths[0].find("outputsize=compact") != std::string::npos);
  BOOST_TEST(paths[1].find("outputsize=full") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_source_data_fails_only_its_own_stream) {
  // SPY's bundled Yahoo data has a real defect on 2015-03-05 (open below low).
  tn::test::MarketRig rig;
  auto rs = rig.md().fetch_bars({{"polygon", "SPY", kDayMs, utc("2015-03-01"), utc("2015-03-10")},
                                 {"polygon", "SPY", kDayMs, utc("2015-04-01"), utc("2015-04-10")},
                                 {"binance", "ETH", kDayMs, utc("2022-01-01"), utc("2022-02-01")}});
  BOOST_TEST_REQUIRE(!rs[0].ok());
  BOOST_TEST((rs[0].error->kind == MarketErrc::validation));
  BOOST_TEST(rs[0].error->message.find("open outside") != std::string::npos, rs[0].error->message);
  BOOST_TEST(rs[0].bars.size() == 0u);  // nothing of a bad answer is handed out...
  auto again = rig.one({"polygon", "SPY", kDayMs, utc("2015-03-01"), utc("2015-03-10")});
  BOOST_TEST(!again.ok());  // ...or cached
  BOOST_TEST(rs[1].ok());
  BOOST_TEST(rs[2].ok());
  BOOST_TEST(rs[2].bars.size() == 31u);
}

BOOST_AUTO_TEST_CASE(requests_that_cannot_be_made_say_why_without_a_request) {
  tn::test::MarketRig rig;
  rig.opts.sources["polygon"].api_key = "";
  auto rs = rig.md().fetch_bars({{"kraken", "BTC", kDayMs, 0, kDayMs},
                                 {"binance", "BTC/USDT", kDayMs, 0, kDayMs},
                                 {"polygon", "AAPL", kHourMs, 0, kDayMs},
                                 {"polygon", "AAPL", kDayMs, utc("2017-01-01"), utc("2017-02-01")},
                                 {"binance", "BTC", 7 * kHourMs, 0, kDayMs},
                                 {"binance", "BTC", kDayMs, kDayMs, kDayMs}});
  BOOST_TEST((rs[0].error->kind == MarketErrc::unsupported));
  BOOST_TEST((rs[1].error->kind == MarketErrc::validation));
  BOOST_TEST((rs[2].error->kind == MarketErrc::unsupported));
  BOOST_TEST(rs[3].error->message.find("POLYGON_API_KEY") != std::string::npos);
  BOOST_TEST((rs[4].error->kind == MarketErrc::validation));
  BOOST_TEST((rs[5].error->kind == MarketErrc::validation));
  BOOST_TEST(rig.ex.counts("binance").requests + rig.ex.counts("polygon").requests == 0u);
}

BOOST_AUTO_TEST_CASE(latest_prices_from_each_provider_are_cached_for_the_ttl) {
  tn::test::MarketRig rig;
  auto ps = rig.md().fetch_prices({{"binance", "BTC"}, {"polygon", "AAPL"}, {"alphavantage", "MSFT"}, {"binance", "NOPE"}});
  BOOST_TEST_REQUIRE(ps[0].ok(), tn::test::why(ps[0]));
  BOOST_TEST(ps[0].price == 19131.87, boost::test_tools::tolerance(1e-9));  // BTCUSDT 2022-10-10 close
  BOOST_TEST_REQUIRE(ps[1].ok(), tn::test::why(ps[1]));
  BOOST_TEST(ps[1].price == 178.46, boost::test_tools::tolerance(1e-6));  // AAPL 2018-01-19 close
  BOOST_TEST_REQUIRE(ps[2].ok(), tn::test::why(ps[2]));
  BOOST_TEST(ps[2].price == 46.45, boost::test_tools::tolerance(1e-6));   // MSFT 2014-12-31 close
  BOOST_TEST(ps[2].time_ms == utc("2014-12-31"));
  BOOST_TEST((ps[3].error->kind == MarketErrc::not_found));
  const uint64_t sent = rig.ex.counts("binance").requests;
  rig.now += 9'999;
  auto again = rig.md().fetch_prices({{"binance", "BTCUSDT"}});
  BOOST_TEST(again[0].cache_hit);
  BOOST_TEST(rig.ex.counts("binance").requests == sent);
  rig.now += 1;
  again = rig.md().fetch_prices({{"binance", "BTCUSDT"}});
  BOOST_TEST(!again[0].cache_hit);
  BOOST_TEST(rig.ex.counts("binance").requests == sent + 1);
}

// Polygon.io is Massive since October 2025: either variable gives the key,
// POLYGON_API_KEY first; an empty one counts as unset.
BOOST_AUTO_TEST_CASE(the_polygon_key_comes_from_polygon_or_massive_api_key) {
  unsetenv("POLYGON_API_KEY");
  setenv("MASSIVE_API_KEY", "massive-key", 1);
  BOOST_TEST(options_from_config(SourcesConfig{}).sources.at("polygon").api_key == "massive-key");
  setenv("POLYGON_API_KEY", "", 1);
  BOOST_TEST(options_from_config(SourcesConfig{}).sources.at("polygon").api_key == "massive-key");
  setenv("POLYGON_API_KEY", "polygon-key", 1);
  BOOST_TEST(options_from_config(SourcesConfig{}).sources.at("polygon").api_key == "polygon-key");
  unsetenv("POLYGON_API_KEY");
  unsetenv("MASSIVE_API_KEY");
  BOOST_TEST(options_from_config(SourcesConfig{}).sources.at("polygon").api_key.empty());
}
