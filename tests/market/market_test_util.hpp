#pragma once
// A fake exchange loaded with the bundled data, and MarketData pointed at it
// with test-sized timeouts and backoffs (milliseconds, so faults are cheap).
#include <memory>
#include <string>

#include <boost/test/unit_test.hpp>

#include "market/bar_checks.hpp"
#include "market/market_data.hpp"
#include "tests/market/fake_exchange.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace tn::test {

inline int64_t utc(const char* date, int hour = 0) {
  int64_t t = 0;
  BOOST_REQUIRE(market::parse_iso_date(date, t));
  return t + hour * kHourMs;
}

inline void load_bundled(FakeExchange& ex) {
  const std::string d = data_dir();
  ex.add_series("BTCUSDT", kDayMs, read_csv_loosely(d + "/binance/BTCUSDT-1d.csv"));
  ex.add_series("BTCUSDT", kHourMs, read_csv_loosely(d + "/binance/BTCUSDT-1h.csv"));
  ex.add_series("BTCUSDT", 4 * kHourMs, read_csv_loosely(d + "/binance/BTCUSDT-4h.csv"));
  ex.add_series("ETHUSDT", kDayMs, read_csv_loosely(d + "/binance/ETHUSDT-1d.csv"));
  ex.add_series("SOLUSDT", kDayMs, read_csv_loosely(d + "/binance/SOLUSDT-1d.csv"));
  ex.add_series("AAPL", kDayMs, read_csv_loosely(d + "/equities/AAPL-1d.csv"));
  ex.add_series("MSFT", kDayMs, read_csv_loosely(d + "/equities/MSFT-1d.csv"));
  ex.add_series("SPY", kDayMs, read_csv_loosely(d + "/equities/SPY-1d.csv"));
}

// Settings for one source at the fake exchange: generous limits unless the
// test says otherwise, 300 ms timeouts, 3 attempts, 2-10 ms backoff.
inline market::SourceSettings test_settings(const FakeExchange& ex) {
  market::SourceSettings s;
  s.base_url = ex.base_url();
  s.api_key = "test-key";
  s.limit = market::RateLimit{100000, 60'000, 50000};
  s.retry = market::RetryPolicy{3, 2, 10, 2'000};
  s.max_in_flight = 8;
  s.timeout_ms = 300;
  s.page_limit = 1000;
  s.compress = false;
  return s;
}

// The error's text, or "ok": safe inside a Boost.Test message (which is
// evaluated even when the check passes).
template <class R>
std::string why(const R& r) {
  return r.error ? r.error->to_string() : std::string("ok");
}

struct MarketRig {
  explicit MarketRig(FakeExchangeOptions fo = {}, bool with_cache = true)
      : ex([&] {
          fo.data_dir = data_dir();
          return fo;
        }()) {
    load_bundled(ex);
    for (const char* n : {"binance", "polygon", "alphavantage"}) opts.sources[n] = test_settings(ex);
    if (with_cache) opts.cache_path = dir.file("cache");
    opts.bar_ttl_ms = 3'600'000;
    opts.price_ttl_ms = 10'000;
    opts.clock = [this] { return now; };
  }
  market::MarketData& md() {
    if (!data) {
      auto r = market::MarketData::open(opts);
      BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().to_string()));
      data = std::move(*r);
    }
    return *data;
  }
  market::BarsResult one(const market::BarsRequest& r) { return md().fetch_bars({r}).at(0); }

  TempDir dir;
  FakeExchange ex;
  market::MarketDataOptions opts;
  int64_t now = utc("2022-10-10", 12);  // the bundled Binance data ends with 2022-10-10's day
  std::unique_ptr<market::MarketData> data;
};

}  // namespace tn::test
