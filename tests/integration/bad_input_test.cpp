#define BOOST_TEST_MODULE integration_bad_input
#include <boost/test/unit_test.hpp>

#include "tests/integration/backtest_common.hpp"

using namespace tn::test;

namespace {

const std::string kHeader = "open_time_ms,open,high,low,close,volume\n";
const int64_t D = 86400000;

std::string good_rows(int n, int64_t start = 1502928000000) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += std::to_string(start + i * D) + ",100,110,90,105,1.5\n";
  return s;
}

// Runs a backtest over one CSV; the run must stop before trading with exit
// code 2 and a message naming the file, the line and the problem.
void expect_csv_rejected(const std::string& csv_body, int line, const std::string& problem) {
  TempDir t;
  auto csv = t.write("bars.csv", csv_body);
  auto cfg = t.write("c.toml", make_config({{"BTCUSDT", "1d", csv}}));
  auto r = run_backtest(cfg, t.file("out"));
  BOOST_TEST(r.exit_code == 2, r.output);
  const std::string where = "bars.csv:" + std::to_string(line);
  BOOST_TEST(r.output.find(where) != std::string::npos, "expected '" << where << "' in: " << r.output);
  BOOST_TEST(r.output.find(problem) != std::string::npos, "expected '" << problem << "' in: " << r.output);
  BOOST_TEST(!std::filesystem::exists(t.file("out/trades.csv")));
}

void expect_config_rejected(const std::string& toml, const std::string& key) {
  TempDir t;
  auto cfg = t.write("c.toml", toml);
  auto r = run_backtest(cfg, t.file("out"));
  BOOST_TEST(r.exit_code == 2, r.output);
  BOOST_TEST(r.output.find(key) != std::string::npos, "expected '" << key << "' in: " << r.output);
  BOOST_TEST(r.output.find("c.toml") != std::string::npos, r.output);
}

}  // namespace

BOOST_AUTO_TEST_CASE(csv_missing_column) {
  expect_csv_rejected(kHeader + good_rows(3) + "1503187200000,100,110,90,105\n", 5, "fields");
}
BOOST_AUTO_TEST_CASE(csv_non_numeric_field) {
  expect_csv_rejected(kHeader + good_rows(2) + "1503100800000,100,abc,90,105,1\n", 4, "abc");
}
BOOST_AUTO_TEST_CASE(csv_nan_and_inf) {
  expect_csv_rejected(kHeader + good_rows(1) + "1503014400000,100,110,90,nan,1\n", 3, "not a finite number");
  expect_csv_rejected(kHeader + "1502928000000,inf,110,90,105,1\n", 2, "not a finite number");
}
BOOST_AUTO_TEST_CASE(csv_zero_or_negative_price) {
  expect_csv_rejected(kHeader + good_rows(1) + "1503014400000,0,110,90,105,1\n", 3, "open 0 <= 0");
  expect_csv_rejected(kHeader + good_rows(1) + "1503014400000,100,110,-90,105,1\n", 3, "low -90 <= 0");
}
BOOST_AUTO_TEST_CASE(csv_high_below_low) {
  expect_csv_rejected(kHeader + good_rows(3) + "1503187200000,100,80,90,85,1\n", 5, "high");
}
BOOST_AUTO_TEST_CASE(csv_out_of_order_and_duplicate_times) {
  expect_csv_rejected(kHeader + good_rows(3) + good_rows(1), 5, "open_time_ms");
  expect_csv_rejected(kHeader + good_rows(2) + good_rows(1, 1502928000000 + D), 4, "duplicate");
}
BOOST_AUTO_TEST_CASE(csv_real_source_defect_open_below_low) {
  // SPY 2015-03-05 as Yahoo reported it (open 209.419998 < low 209.850006).
  expect_csv_rejected(kHeader + "1425513600000,209.419998,210.800003,209.850006,210.460007,1\n", 2, "open");
}

BOOST_AUTO_TEST_CASE(config_unknown_key) {
  expect_config_rejected(make_config({{"BTCUSDT", "1d", "x.csv"}}) + "[sizing2]\nx = 1\n", "sizing2");
  auto c = make_config({{"BTCUSDT", "1d", "x.csv"}});
  c.replace(c.find("min_trade_value"), 15, "min_trade_valu");
  expect_config_rejected(c, "sizing.min_trade_valu");
}
BOOST_AUTO_TEST_CASE(config_missing_watchlist) {
  expect_config_rejected("[account]\nid = \"a\"\n", "watchlist");
}
BOOST_AUTO_TEST_CASE(config_wrong_type) {
  auto c = make_config({{"BTCUSDT", "1d", "x.csv"}});
  c.replace(c.find("starting_balance = 10000.0"), 26, "starting_balance = \"lots\"");
  expect_config_rejected(c, "account.starting_balance");
}
BOOST_AUTO_TEST_CASE(config_missing_file_and_bad_data_override) {
  TempDir t;
  auto r = run_backtest(t.file("nope.toml"), t.file("out"));
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.output.find("nope.toml") != std::string::npos, r.output);
  auto cfg = t.write("c.toml", make_config({{"BTCUSDT", "1d", data_dir() + "/binance/BTCUSDT-1d.csv"}}));
  r = run_backtest(cfg, t.file("out"), {"--data", "ETHUSDT:1d=" + data_dir() + "/binance/ETHUSDT-1d.csv"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.output.find("watchlist.ETHUSDT.1d") != std::string::npos, r.output);
}
BOOST_AUTO_TEST_CASE(unwritable_database_path) {
  TempDir t;
  auto csv = data_dir() + "/binance/BTCUSDT-1d.csv";
  auto cfg = t.write("c.toml", make_config({{"BTCUSDT", "1d", csv}}));
  t.write("plainfile", "x");
  // A database folder under a regular file cannot be created, even by root.
  auto r = run_backtest(cfg, t.file("out"), {"--db-path", t.file("plainfile/db")});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.output.find("plainfile/db") != std::string::npos, r.output);
}
