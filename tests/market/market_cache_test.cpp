// The LMDB bar cache on its own: coverage, partial hits, the open bar's TTL
// (clock passed in), price TTL, clear, persistence and a foreign schema.
#define BOOST_TEST_MODULE market_cache
#include <boost/test/unit_test.hpp>

#include "market/bar_cache.hpp"
#include "market/bar_checks.hpp"
#include "storage/lmdb/lmdb.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tn::market;
using tn::kDayMs;
using tn::kHourMs;

namespace {
constexpr int64_t D = kDayMs;
tn::BarSeries days(int64_t first_day, int n) {
  tn::BarSeries s;
  for (int i = 0; i < n; ++i) {
    s.open_time_ms.push_back((first_day + i) * D);
    s.open.push_back(100 + i);
    s.high.push_back(110 + i);
    s.low.push_back(90 + i);
    s.close.push_back(105 + i);
    s.volume.push_back(1000 + i);
  }
  return s;
}
std::unique_ptr<BarCache> open_cache(const std::string& path) {
  auto c = BarCache::open({path, 16ull << 20});
  BOOST_REQUIRE_MESSAGE(c.ok(), (c.ok() ? std::string() : c.error().to_string()));
  return std::move(*c);
}
const StreamKey kBtc{"binance", "BTCUSDT", D};
}  // namespace

BOOST_AUTO_TEST_CASE(only_the_missing_part_is_asked_for) {
  tn::test::TempDir dir;
  auto cache = open_cache(dir.path());
  const int64_t now = 30 * D + 12 * kHourMs;  // day 30 is open
  auto l = cache->lookup({{kBtc, 10 * D, 20 * D}}, now, D);
  BOOST_TEST_REQUIRE(l.ok());
  BOOST_TEST(((*l)[0].missing == std::vector<TimeRange>{{10 * D, 20 * D}}));
  const auto bars = days(10, 10);
  BOOST_TEST(cache->store({{kBtc, {10 * D, 20 * D}, &bars}}, now).ok());

  l = cache->lookup({{kBtc, 10 * D, 20 * D}, {kBtc, 15 * D, 25 * D}, {kBtc, 5 * D, 12 * D}}, now, D);
  BOOST_TEST_REQUIRE(l.ok());
  BOOST_TEST((*l)[0].missing.empty());  // a full hit
  BOOST_TEST((*l)[0].bars.size() == 10u);
  BOOST_TEST((*l)[0].bars.close[3] == 108);
  BOOST_TEST(!(*l)[0].last_bar_open);
  BOOST_TEST(((*l)[1].missing == std::vector<TimeRange>{{20 * D, 25 * D}}));  // the tail only
  BOOST_TEST((*l)[1].bars.size() == 5u);
  BOOST_TEST(((*l)[2].missing == std::vector<TimeRange>{{5 * D, 10 * D}}));   // the head only

  // A gap inside a covered range is an exchange gap, not a hole to refetch.
  const StreamKey eth{"binance", "ETHUSDT", D};
  auto gappy = days(10, 10);
  for (auto* col : {&gappy.open, &gappy.high, &gappy.low, &gappy.close, &gappy.volume}) col->erase(col->begin() + 4);
  gappy.open_time_ms.erase(gappy.open_time_ms.begin() + 4);
  BOOST_TEST(cache->store({{eth, {10 * D, 20 * D}, &gappy}}, now).ok());
  l = cache->lookup({{eth, 10 * D, 20 * D}}, now, D);
  BOOST_TEST((*l)[0].missing.empty());
  BOOST_TEST((*l)[0].bars.size() == 9u);
}

BOOST_AUTO_TEST_CASE(the_open_bar_expires_after_the_ttl_closed_bars_never) {
  tn::test::TempDir dir;
  auto cache = open_cache(dir.path());
  const int64_t ttl = 3 * kHourMs;
  int64_t now = 30 * D + kHourMs;  // day 30 opened an hour ago
  const auto bars = days(20, 11);  // days 20..30, the last one open
  BOOST_TEST(cache->store({{kBtc, {20 * D, 40 * D}, &bars}}, now).ok());
  auto l = cache->lookup({{kBtc, 20 * D, 40 * D}}, now + ttl - 1, ttl);
  BOOST_TEST((*l)[0].missing.empty());  // fresh; and days after 30 do not exist yet
  BOOST_TEST((*l)[0].bars.size() == 11u);
  BOOST_TEST((*l)[0].last_bar_open);
  l = cache->lookup({{kBtc, 20 * D, 40 * D}}, now + ttl, ttl);
  BOOST_TEST(((*l)[0].missing == std::vector<TimeRange>{{30 * D, 31 * D}}));  // only the open bar
  // A year later: the open bar has closed and must be fetched again; the rest still holds.
  l = cache->lookup({{kBtc, 20 * D, 32 * D}}, 400 * D, ttl);
  BOOST_TEST(((*l)[0].missing == std::vector<TimeRange>{{30 * D, 32 * D}}));
  // Refetched after closing: replaced, and now closed for good.
  auto closed = days(30, 2);
  closed.close[0] = 777;
  BOOST_TEST(cache->store({{kBtc, {30 * D, 32 * D}, &closed}}, 400 * D).ok());
  l = cache->lookup({{kBtc, 20 * D, 32 * D}}, 900 * D, ttl);
  BOOST_TEST((*l)[0].missing.empty());
  BOOST_TEST((*l)[0].bars.close[10] == 777);
  BOOST_TEST(!(*l)[0].last_bar_open);
}

BOOST_AUTO_TEST_CASE(prices_expire_clear_forgets_and_data_survives_reopen) {
  tn::test::TempDir dir;
  {
    auto cache = open_cache(dir.path());
    BOOST_TEST(cache->store_price("binance", "BTCUSDT", {19000.5, 1000, 5000}).ok());
    BOOST_TEST((*cache->price("binance", "BTCUSDT", 5000 + 9'999, 10'000))->price == 19000.5);
    BOOST_TEST(!cache->price("binance", "BTCUSDT", 5000 + 10'000, 10'000)->has_value());
    BOOST_TEST(!cache->price("binance", "ETHUSDT", 5000, 10'000)->has_value());
    const auto bars = days(1, 5);
    const StreamKey other{"binance", "BTCUSDT", 4 * kHourMs};
    const auto b4 = days(1, 1);
    BOOST_TEST(cache->store({{kBtc, {1 * D, 6 * D}, &bars}, {other, {1 * D, 1 * D + 4 * kHourMs}, &b4}}, 10 * D).ok());
  }
  auto cache = open_cache(dir.path());  // reopened: still there
  auto l = cache->lookup({{kBtc, 1 * D, 6 * D}}, 10 * D, D);
  BOOST_TEST((*l)[0].missing.empty());
  BOOST_TEST((*l)[0].bars.size() == 5u);
  BOOST_TEST(cache->clear(kBtc).ok());
  l = cache->lookup({{kBtc, 1 * D, 6 * D}, {{"binance", "BTCUSDT", 4 * kHourMs}, 1 * D, 1 * D + 4 * kHourMs}}, 10 * D, D);
  BOOST_TEST((*l)[0].bars.size() == 0u);
  BOOST_TEST((*l)[0].missing.size() == 1u);
  BOOST_TEST((*l)[1].missing.empty());  // the other interval was not touched
  BOOST_TEST(cache->clear_all().ok());
  l = cache->lookup({{{"binance", "BTCUSDT", 4 * kHourMs}, 1 * D, 1 * D + 4 * kHourMs}}, 10 * D, D);
  BOOST_TEST((*l)[0].missing.size() == 1u);
  BOOST_TEST(!cache->price("binance", "BTCUSDT", 5000, 10'000)->has_value());
}

BOOST_AUTO_TEST_CASE(a_newer_schema_or_a_bad_path_is_refused) {
  tn::test::TempDir dir;
  open_cache(dir.path());
  {  // pretend a newer build wrote it
    tn::lmdb::Env env;
    BOOST_REQUIRE(env.open({.path = dir.path(), .map_size_bytes = 16ull << 20, .max_tables = 8}).ok());
    auto wrote = tn::lmdb::try_write(env, "test", [](tn::lmdb::WriteTxn& t) -> tn::Status {
      auto meta = t.existing_table("meta");
      if (!meta) return meta.error();
      const uint32_t v = 99;
      return t.put(*meta, "schema_version", std::string_view(reinterpret_cast<const char*>(&v), 4));
    });
    BOOST_REQUIRE(wrote.ok());
  }
  auto c = BarCache::open({dir.path(), 16ull << 20});
  BOOST_TEST_REQUIRE(!c.ok());
  BOOST_TEST((c.error().code == tn::Errc::schema_version));
  BOOST_TEST(!BarCache::open({"", 1 << 20}).ok());
  BOOST_TEST(!BarCache::open({"/proc/no/such/dir", 1 << 20}).ok());
}

namespace {
// Hourly bars opening at day 30 + h for h in hours.
tn::BarSeries hours_of_day30(std::vector<int> hours) {
  tn::BarSeries s;
  for (int h : hours) {
    s.open_time_ms.push_back(30 * D + h * kHourMs);
    s.open.push_back(100 + h);
    s.high.push_back(110 + h);
    s.low.push_back(90 + h);
    s.close.push_back(105 + h);
    s.volume.push_back(1000 + h);
  }
  return s;
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_bar_not_served_yet_is_asked_again_until_its_late_window_ends) {
  tn::test::TempDir dir;
  auto cache = open_cache(dir.path());
  const int64_t H = kHourMs;
  const StreamKey k{"binance", "BTCUSDT", H};
  const TimeRange asked{30 * D, 30 * D + 11 * H};
  // 20 s after the 09:00 bar closed, the exchange serves up to 08:00 only.
  int64_t now = 30 * D + 10 * H + 20'000;
  const auto early = hours_of_day30({0, 1, 2, 3, 4, 5, 6, 7, 8});
  BOOST_TEST(cache->store({{k, asked, &early}}, now).ok());
  auto l = cache->lookup({{k, asked.first, asked.second}}, now + 5'000, D);
  BOOST_TEST_REQUIRE(l.ok());
  // The 09:00 bar is missing, not a gap: asked again (the open 10:00 bar is fresh).
  BOOST_TEST(((*l)[0].missing == std::vector<TimeRange>{{30 * D + 9 * H, 30 * D + 10 * H}}));
  // Served at the retry: covered, a full hit from then on.
  const auto late = hours_of_day30({9});
  BOOST_TEST(cache->store({{k, (*l)[0].missing.front(), &late}}, now + 5'000).ok());
  l = cache->lookup({{k, asked.first, asked.second}}, now + 6'000, D);
  BOOST_TEST((*l)[0].missing.empty());
  BOOST_TEST((*l)[0].bars.size() == 10u);
  BOOST_TEST((*l)[0].bars.close.back() == 114);

  // Still missing when the exchange answers after the bar's late window (one
  // bar, at most an hour): an exchange gap for good; the newer bar that just
  // closed and is missing too is asked again.
  const StreamKey eth{"binance", "ETHUSDT", H};
  BOOST_TEST(cache->store({{eth, asked, &early}}, now).ok());
  now = 30 * D + 11 * H + 1'000;
  l = cache->lookup({{eth, asked.first, asked.second}}, now, D);
  BOOST_TEST(((*l)[0].missing == std::vector<TimeRange>{{30 * D + 9 * H, 30 * D + 11 * H}}));
  const auto none = hours_of_day30({});
  BOOST_TEST(cache->store({{eth, (*l)[0].missing.front(), &none}}, now).ok());
  l = cache->lookup({{eth, asked.first, asked.second}}, now, D);
  BOOST_TEST(((*l)[0].missing == std::vector<TimeRange>{{30 * D + 10 * H, 30 * D + 11 * H}}));
  l = cache->lookup({{eth, asked.first, asked.second}}, 30 * D + 12 * H, D);
  BOOST_TEST(((*l)[0].missing == std::vector<TimeRange>{{30 * D + 10 * H, 30 * D + 11 * H}}));  // not asked since
  BOOST_TEST(cache->store({{eth, {30 * D + 10 * H, 30 * D + 12 * H}, &none}}, 30 * D + 12 * H).ok());
  l = cache->lookup({{eth, asked.first, asked.second}}, 30 * D + 12 * H, D);
  BOOST_TEST((*l)[0].missing.empty());  // answered after its window: a gap now
  BOOST_TEST((*l)[0].bars.size() == 9u);
}
