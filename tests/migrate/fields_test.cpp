#define BOOST_TEST_MODULE migrate
// The daemon's field formats (migrate/daemon_fields.hpp). The suite's other
// files: import_test.cpp (the mapping), sqlite_reader_test.cpp (the reader).
#include <boost/test/unit_test.hpp>

#include "common/time.hpp"
#include "migrate/daemon_fields.hpp"

using namespace tn;
using namespace tn::migrate;

namespace {

// 2024-03-01 00:00:00 UTC.
constexpr int64_t kMarch1 = 1709251200000;

std::string error_of(const Result<int64_t>& r) { return r.ok() ? std::string() : r.error().message; }

}  // namespace

BOOST_AUTO_TEST_CASE(the_daemons_timestamps_are_read_as_utc_to_the_millisecond) {
  const int64_t noon = kMarch1 + 12 * kHourMs;
  BOOST_TEST(parse_daemon_time("2024-03-01 12:00:00").value() == noon);
  BOOST_TEST(parse_daemon_time("2024-03-01T12:00:00").value() == noon);
  BOOST_TEST(parse_daemon_time("2024-03-01T12:00:00.123456").value() == noon + 123);  // ms, rounded down
  BOOST_TEST(parse_daemon_time("2024-03-01 12:00:00.5").value() == noon + 500);
  BOOST_TEST(parse_daemon_time("2024-03-01T12:00:00.999999999").value() == noon + 999);
  BOOST_TEST(parse_daemon_time("2024-03-01T12:00:00Z").value() == noon);
  BOOST_TEST(parse_daemon_time("2024-03-01T14:30:00+02:30").value() == noon);
  BOOST_TEST(parse_daemon_time("2024-03-01T07:00:00.250-05:00").value() == noon + 250);
  BOOST_TEST(parse_daemon_time("2024-02-29 23:59:59").value() == kMarch1 - 1000);  // leap day
  BOOST_TEST(parse_daemon_time("1969-12-31 23:59:59").value() == -1000);
}

BOOST_AUTO_TEST_CASE(other_time_formats_are_refused_with_the_ones_accepted) {
  for (const char* bad : {"", "2024-03-01", "1709294400", "2024/03/01 12:00:00", "01/03/2024 12:00",
                          "2024-02-30 12:00:00", "2024-13-01 12:00:00", "2024-03-01 24:00:00",
                          "2024-03-01 12:60:00", "2024-03-01 12:00:60", "2024-03-01T12:00",
                          "2024-03-01 12:00:00.", "2024-03-01 12:00:00.1234567890", "2024-03-01 12:00:00 ",
                          "2024-03-01 12:00:00+0200", "2024-03-01 12:00:00+24:00", "2024-03-01 12:00:00 UTC",
                          "2024-03-01_12:00:00", " 2024-03-01 12:00:00"}) {
    auto r = parse_daemon_time(bad);
    BOOST_TEST(!r.ok(), "accepted '" << bad << "'");
    BOOST_TEST(error_of(r).find("2024-03-01T12:00:00.123456") != std::string::npos, error_of(r));
  }
}

BOOST_AUTO_TEST_CASE(decimals_become_exact_amounts) {
  BOOST_TEST(parse_decimal_amount("12.5").value() == 1'250'000'000);
  BOOST_TEST(parse_decimal_amount("0.1").value() == 10'000'000);
  BOOST_TEST(parse_decimal_amount("0.30000000000000004").value() == 30'000'000);
  BOOST_TEST(parse_decimal_amount("0.123456789").value() == 12'345'678);  // past 1e-8: dropped
  BOOST_TEST(parse_decimal_amount("-3").value() == -300'000'000);
  BOOST_TEST(parse_decimal_amount("+7.").value() == 700'000'000);
  BOOST_TEST(parse_decimal_amount(".5").value() == 50'000'000);
  BOOST_TEST(parse_decimal_amount("1e-05").value() == 1'000);  // SQLite's text of a small REAL
  BOOST_TEST(parse_decimal_amount("1.5E+3").value() == 150'000'000'000);
  BOOST_TEST(parse_decimal_amount("0").value() == 0);
  BOOST_TEST(parse_decimal_amount("1e-9999").value() == 0);
  BOOST_TEST(parse_decimal_amount("92233720368.54775807").value() == INT64_MAX);
  for (const char* bad : {"", "abc", "lots", "1.2.3", "1e", "e5", "--1", " 1", "1 ", "nan", "inf", "0x10", "1,5", "."}) {
    auto r = parse_decimal_amount(bad);
    BOOST_TEST(!r.ok(), "accepted '" << bad << "'");
    if (!r.ok()) BOOST_TEST(r.error().message.find("is not a number") != std::string::npos, r.error().message);
  }
  for (const char* big : {"92233720368.54775808", "1e30", "-1e12"}) {
    auto r = parse_decimal_amount(big);
    BOOST_TEST(!r.ok(), "accepted '" << big << "'");
    if (!r.ok()) BOOST_TEST(r.error().message.find("out of range") != std::string::npos, r.error().message);
  }
  BOOST_TEST(parse_decimal_double("59704.78").value() == 59704.78);
  BOOST_TEST(parse_decimal_double("+1e-3").value() == 0.001);
  BOOST_TEST(!parse_decimal_double("1e999").ok());
  BOOST_TEST(!parse_decimal_double("price").ok());
}

BOOST_AUTO_TEST_CASE(sides_and_statuses_in_any_case_and_nothing_else) {
  BOOST_TEST(parse_side("BUY").value() == "BUY");
  BOOST_TEST(parse_side("sell").value() == "SELL");
  BOOST_TEST(!parse_side("HOLD").ok());
  BOOST_TEST(!parse_side("").ok());
  BOOST_TEST(parse_side("HOLD").error().message == "'HOLD' is not BUY or SELL");
  for (const char* s : {"FILLED", "filled", "Executed"}) BOOST_TEST((parse_status(s).value() == OrderFate::filled));
  for (const char* s : {"PENDING", "open", "NEW"}) BOOST_TEST((parse_status(s).value() == OrderFate::open));
  for (const char* s : {"CANCELLED", "canceled", "Rejected", "FAILED", "expired"})
    BOOST_TEST((parse_status(s).value() == OrderFate::not_filled));
  for (const char* s : {"PARTIALLY_FILLED", "MAYBE", "", "fill"}) {
    auto r = parse_status(s);
    BOOST_TEST(!r.ok(), "accepted '" << s << "'");
  }
  BOOST_TEST(parse_status("MAYBE").error().message.find("'MAYBE' is not a status") == 0u);
}
