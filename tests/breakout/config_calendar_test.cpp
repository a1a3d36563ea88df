#define BOOST_TEST_MODULE breakout_config_calendar
#include <boost/test/unit_test.hpp>

#include "schedule/market_calendar.hpp"
#include "breakout_test_util.hpp"
#include "config/config.hpp"
#include "../support/temp_dir.hpp"

using namespace tn;

namespace {

const std::string kBase = R"(
[watchlist.BTCUSDT.1d]
ma_period = 20
)";

std::string error_of(const std::string& extra) {
  auto c = parse_config(kBase + extra, "t.toml");
  BOOST_REQUIRE_MESSAGE(!c.ok(), "should fail:\n" + extra);
  BOOST_TEST_MESSAGE(c.error().message);
  return c.error().message;
}

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

CivilDate d(int y, unsigned m, unsigned day) { return CivilDate{y, m, day}; }

std::string source_file(const std::string& rel) {
  const char* dir = std::getenv("TN_SOURCE_DIR");
  BOOST_REQUIRE(dir);
  return std::string(dir) + "/" + rel;
}

}  // namespace

BOOST_AUTO_TEST_CASE(defaults_without_the_tables) {
  auto c = parse_config(kBase, "t.toml");
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(!c->breakout.equity.enabled);
  BOOST_TEST(c->breakout.equity.hard_stop_atr_mult == 2.5);
  BOOST_TEST(c->breakout.crypto.hard_stop_atr_mult == 3.0);
  BOOST_TEST(c->breakout.crypto.trend_period == 50);
  BOOST_TEST(c->breakout.crypto.max_recommendations == 5);
  BOOST_TEST(c->breakout.crypto.min_conviction == Conviction::medium);
  BOOST_TEST(c->breakout.params_for("equity")->benchmark == "SPY");
  BOOST_TEST(c->breakout.params_for("crypto")->benchmark == "BTCUSDT");
  BOOST_TEST(c->breakout.params_for("forex") == nullptr);
}

BOOST_AUTO_TEST_CASE(both_classes_and_the_calendar_parse) {
  auto c = parse_config(kBase + R"(
[strategies.breakout.equity]
trend_period = 100
hard_stop_atr_mult = 2
min_conviction = "HIGH"
max_recommendations = 3
universe = ["SPY", "AAPL", "BRK.B"]
benchmark = "SPY"
[strategies.breakout.crypto]
universe = ["BTCUSDT", "ETHUSDT"]
[calendar]
holidays = [2025-12-25, "2025-01-01", 2025-12-25]
)",
                        "t.toml");
  BOOST_REQUIRE_MESSAGE(c.ok(), (c.ok() ? std::string() : c.error().message));
  const auto& e = c->breakout.equity;
  BOOST_TEST(e.enabled);
  BOOST_TEST(e.trend_period == 100);
  BOOST_TEST(e.hard_stop_atr_mult == 2.0);
  BOOST_TEST(e.min_conviction == Conviction::high);
  BOOST_TEST(e.max_recommendations == 3);
  BOOST_TEST(e.universe.size() == 3u);
  BOOST_TEST(c->breakout.crypto.enabled);
  BOOST_TEST(c->breakout.crypto.hard_stop_atr_mult == 3.0);  // default kept
  BOOST_REQUIRE_EQUAL(c->breakout.holidays.size(), 2u);  // sorted, duplicates gone
  BOOST_TEST(c->breakout.holidays[0] == d(2025, 1, 1));
}

BOOST_AUTO_TEST_CASE(bad_values_name_the_key) {
  BOOST_TEST(contains(error_of("[strategies.breakout.equity]\ntrend_perod = 5\n"),
                      "unknown key 'strategies.breakout.equity.trend_perod' (line"));
  BOOST_TEST(contains(error_of("[strategies.breakout.forex]\n"),
                      "unknown table 'strategies.breakout.forex'"));
  BOOST_TEST(contains(error_of("[strategies.momentum]\n"), "unknown table 'strategies.momentum'"));
  BOOST_TEST(contains(error_of("[strategies.breakout.equity]\ntrend_period = 0\n"),
                      "'strategies.breakout.equity.trend_period' must be in [2, 1000], got 0"));
  BOOST_TEST(contains(error_of("[strategies.breakout.crypto]\nhard_stop_atr_mult = -1\n"),
                      "hard_stop_atr_mult' must be a finite number"));
  BOOST_TEST(contains(error_of("[strategies.breakout.crypto]\nhard_stop_atr_mult = nan\n"),
                      "hard_stop_atr_mult' must be a finite number"));
  BOOST_TEST(contains(error_of("[strategies.breakout.crypto]\nhard_stop_atr_mult = 0\n"),
                      "hard_stop_atr_mult' must be a finite number in (0, 100], got 0"));
  auto at_most = parse_config(kBase + "[strategies.breakout.crypto]\nhard_stop_atr_mult = 100\n", "t.toml");
  BOOST_TEST_REQUIRE(at_most.ok(), (at_most.ok() ? "" : at_most.error().message));
  BOOST_TEST(at_most->breakout.crypto.hard_stop_atr_mult == 100.0);
  BOOST_TEST(contains(error_of("[strategies.breakout.crypto]\nmin_conviction = \"medium\"\n"),
                      "must be one of LOW, MEDIUM, HIGH"));
  BOOST_TEST(contains(error_of("[strategies.breakout.crypto]\nuniverse = \"BTCUSDT\"\n"),
                      "must be an array of symbols"));
  BOOST_TEST(contains(error_of("[strategies.breakout.crypto]\nuniverse = [\"btc usdt\"]\n"),
                      "every entry must be a symbol"));
  BOOST_TEST(contains(error_of("[strategies.breakout.crypto]\nuniverse = [\"A\", \"A\"]\n"),
                      "\"A\" is listed twice"));
  BOOST_TEST(contains(error_of("[strategies.breakout.crypto]\nmax_recommendations = 0\n"),
                      "max_recommendations' must be in [1, 1000]"));
  BOOST_TEST(contains(error_of("[calendar]\nholidays = [\"2025-02-30\"]\n"),
                      "\"2025-02-30\" is not a date"));
  BOOST_TEST(contains(error_of("[calendar]\nholidays = [20250101]\n"), "must be a date"));
  BOOST_TEST(contains(error_of("[calendar]\nholiday = []\n"), "unknown key 'calendar.holiday'"));
  auto top = parse_config("strategies = 3\n" + kBase, "t.toml");  // a top-level key, not a table
  BOOST_REQUIRE(!top.ok());
  BOOST_TEST(contains(top.error().message, "'strategies' must be a table"));
}

BOOST_AUTO_TEST_CASE(the_shipped_nyse_list_loads_through_holidays_file) {
  test::TempDir dir;
  const std::string cfg = dir.write("node.toml", kBase + "[calendar]\nholidays_file = \"" +
                                                     source_file("config/nyse_holidays.toml") +
                                                     "\"\n");
  auto c = load_config(cfg);
  BOOST_REQUIRE_MESSAGE(c.ok(), (c.ok() ? std::string() : c.error().message));
  BOOST_TEST(c->breakout.holidays.size() == 40u);
  const auto cal = MarketCalendar::with_holidays(c->breakout.holidays);
  BOOST_TEST(!cal.is_trading_day(d(2025, 7, 4)));   // Independence Day, Friday
  BOOST_TEST(!cal.is_trading_day(d(2025, 1, 9)));   // national day of mourning
  BOOST_TEST(!cal.is_trading_day(d(2026, 4, 3)));   // Good Friday
  BOOST_TEST(!cal.is_trading_day(d(2027, 12, 24))); // Christmas observed
  BOOST_TEST(cal.is_trading_day(d(2027, 12, 31)));  // no closure for New Year 2028 (a Saturday)
  BOOST_TEST(cal.is_trading_day(d(2025, 7, 3)));    // an early close is a trading day
  BOOST_TEST(!cal.is_trading_day(d(2025, 7, 5)));   // Saturday
  BOOST_TEST(!cal.is_trading_day(d(2025, 7, 6)));   // Sunday
  BOOST_TEST(cal.is_trading_day(d(2025, 7, 7)));
  BOOST_TEST(cal.previous_trading_day(d(2025, 7, 7)) == d(2025, 7, 3));
  for (int y = 2025; y <= 2028; ++y) BOOST_TEST(cal.covers_year(y));
  BOOST_TEST(!cal.covers_year(2029));
  // A missing or broken file: an error naming it.
  const std::string bad = dir.write("bad.toml", kBase + "[calendar]\nholidays_file = \"nope.toml\"\n");
  auto e = load_config(bad);
  BOOST_REQUIRE(!e.ok());
  BOOST_TEST(contains(e.error().message, "nope.toml"));
  dir.write("h.toml", "[calendar]\nholidays = [\"x\"]\n");
  auto e2 = load_config(dir.write("bad2.toml", kBase + "[calendar]\nholidays_file = \"h.toml\"\n"));
  BOOST_REQUIRE(!e2.ok());
  BOOST_TEST(contains(e2.error().message, "is not a date"));
}

BOOST_AUTO_TEST_CASE(crypto_always_trades_and_weekdays_are_right) {
  const auto always = MarketCalendar::always_open();
  BOOST_TEST(always.is_trading_day(d(2025, 12, 25)));
  BOOST_TEST(always.is_trading_day(d(2025, 7, 5)));
  BOOST_TEST(weekday_of(d(1970, 1, 1)) == 4);
  BOOST_TEST(weekday_of(d(2026, 3, 9)) == 1);
  BOOST_TEST(weekday_of(d(1969, 12, 28)) == 0);
}

BOOST_AUTO_TEST_CASE(local_dates_in_new_york) {
  // 2026-03-07 02:00 UTC is still Friday 2026-03-06 (21:00 EST) in New York.
  const int64_t ms = days_from_civil(d(2026, 3, 7)) * 86'400'000 + 2 * 3'600'000;
  BOOST_TEST(*local_date(ms, "America/New_York") == d(2026, 3, 6));
  BOOST_TEST(*local_date(ms, "UTC") == d(2026, 3, 7));
  BOOST_TEST(!local_date(ms, "Mars/Olympus").ok());
  BOOST_TEST(civil_from_days(days_from_civil(d(2028, 2, 29))) == d(2028, 2, 29));
  BOOST_TEST(!parse_civil_date("2025-13-01").ok());
  BOOST_TEST(!parse_civil_date("25-01-01").ok());
  BOOST_TEST(!parse_civil_date("").ok());
  BOOST_TEST(format_civil_date(*parse_civil_date("2027-01-18")) == "2027-01-18");
}
