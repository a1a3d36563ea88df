// The backtest's bar CSV written and read back bit for bit, and Binance's
// raw kline CSV read into bars: every hostile or broken input is an error
// naming the file and the line, and a failed write leaves nothing behind.
#define BOOST_TEST_MODULE market_bar_csv_convert
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <string>

#include "common/time.hpp"
#include "market/binance_klines.hpp"
#include "market/csv_bars.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

using tn::BarSeries;
using tn::kDayMs;
using tn::kHourMs;
using tn::market::BinanceKlineReader;

namespace {

// Two real rows of BTCUSDT 1d from data.binance.vision: 2024 (milliseconds)
// and 2025 (microseconds).
const std::string kMsRow =
    "1735603200000,92792.05000000,94343.00000000,91800.00000000,93576.00000000,19524.08520000,"
    "1735689599999,1818716946.47463310,2946618,9412.73489000,876928018.29770420,0";
const std::string kUsRow =
    "1735689600000000,93576.00000000,95151.15000000,92888.00000000,94591.79000000,10373.32613000,"
    "1735775999999999,979506397.02574170,1329324,5037.24883000,475716938.32425720,0";
const std::string kKlineHeader =
    "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,"
    "taker_buy_quote_volume,ignore";

// A valid 1h row opening at t (ms).
std::string hour_row(int64_t t, const std::string& close = "101.5") {
  return std::to_string(t) + ",100.25,102," + "99.5," + close + ",12.5," + std::to_string(t + kHourMs - 1) +
         ",1267.1,42,6.2,630.3,0";
}

// The error of reading text as one file named "in.csv" (empty when it was read).
std::string error_of(const std::string& text, int64_t tf = 0) {
  BinanceKlineReader r(tf);
  const tn::Status s = r.add(text, "in.csv");
  return s ? std::string() : s.error().message;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_CASE(written_csv_reads_back_exactly) {
  BarSeries s;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> price(1e-8, 1e6), vol(0, 1e13);
  for (int64_t i = 0; i < 500; ++i) {
    const double a = price(rng), b = price(rng), c = price(rng), d = price(rng);
    const double lo = std::min({a, b, c, d}), hi = std::max({a, b, c, d});
    s.open_time_ms.push_back(i * kHourMs);
    s.open.push_back(b == lo || b == hi ? c : b);
    s.high.push_back(hi);
    s.low.push_back(lo);
    s.close.push_back(d == lo || d == hi ? a : d);
    s.volume.push_back(i == 0 ? 0.0 : vol(rng));
  }
  s.volume[1] = 123456789012.12345678;  // more digits than %.10g keeps
  s.close[2] = std::nextafter(s.close[2], s.high[2]);
  const std::string text = tn::format_csv_bars(s);
  BOOST_TEST(text.rfind("open_time_ms,open,high,low,close,volume\n", 0) == 0u);
  auto back = tn::parse_csv_bars(text, "written", kHourMs);
  BOOST_TEST_REQUIRE(back.ok(), (back.ok() ? "" : back.error().message));
  BOOST_TEST(back->open_time_ms == s.open_time_ms, boost::test_tools::per_element());
  for (size_t i = 0; i < s.size(); ++i) {  // bit for bit, not within a tolerance
    BOOST_TEST_REQUIRE(std::memcmp(&back->open[i], &s.open[i], sizeof(double)) == 0);
    BOOST_TEST_REQUIRE(std::memcmp(&back->high[i], &s.high[i], sizeof(double)) == 0);
    BOOST_TEST_REQUIRE(std::memcmp(&back->low[i], &s.low[i], sizeof(double)) == 0);
    BOOST_TEST_REQUIRE(std::memcmp(&back->close[i], &s.close[i], sizeof(double)) == 0);
    BOOST_TEST_REQUIRE(std::memcmp(&back->volume[i], &s.volume[i], sizeof(double)) == 0);
  }
}

BOOST_AUTO_TEST_CASE(atomic_write_replaces_whole_or_leaves_the_old_file) {
  tn::test::TempDir dir;
  const std::string path = dir.write("bars.csv", "old");
  BOOST_REQUIRE(tn::write_file_atomically(path, "new content\n").ok());
  BOOST_TEST(tn::test::read_file(path) == "new content\n");
  struct stat st {};
  BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0644u);
  // A folder that does not exist: an error naming the path, nothing created.
  auto bad = tn::write_file_atomically(dir.file("missing/bars.csv"), "x");
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(has(bad.error().message, "missing/bars.csv"));
  size_t files = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  BOOST_TEST(files == 1u);  // bars.csv only: no temporary left
}

BOOST_AUTO_TEST_CASE(klines_in_milliseconds_and_microseconds_with_a_header) {
  BinanceKlineReader r;
  BOOST_REQUIRE(r.add("\xEF\xBB\xBF" + kKlineHeader + "\r\n" + kMsRow + "\r\n", "dec.csv").ok());
  BOOST_REQUIRE(r.add(kUsRow + "\n\n", "jan.csv").ok());  // blank lines at the end are fine
  BOOST_TEST(r.timeframe_ms() == kDayMs);
  BOOST_TEST(r.header_lines() == 1u);
  BOOST_TEST(r.microsecond_rows() == 1u);
  auto bars = std::move(r).finish();
  BOOST_REQUIRE(bars.ok());
  BOOST_TEST(bars->open_time_ms == (std::vector<int64_t>{1735603200000, 1735689600000}),
             boost::test_tools::per_element());
  BOOST_TEST(bars->open[1] == 93576.0);
  BOOST_TEST(bars->high[1] == 95151.15);
  BOOST_TEST(bars->low[1] == 92888.0);
  BOOST_TEST(bars->close[1] == 94591.79);
  BOOST_TEST(bars->volume[0] == 19524.0852);
  // And the backtest reads what is written from it.
  auto again = tn::parse_csv_bars(tn::format_csv_bars(*bars), "out.csv", kDayMs);
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->volume == bars->volume, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(timeframe_is_checked_on_every_row) {
  const int64_t t = 1700000000000 / kHourMs * kHourMs;
  BOOST_TEST(error_of(hour_row(t) + "\n" + hour_row(t + kHourMs) + "\n").empty());
  BOOST_TEST(has(error_of(hour_row(t), kDayMs), "in.csv:1: close_time"));
  BOOST_TEST(has(error_of(hour_row(t), kDayMs), "is not open_time + 1d - 1"));
  // A 4h row after 1h rows.
  std::string four = std::to_string(t + kHourMs) + ",1,1,1,1,1," + std::to_string(t + 5 * kHourMs - 1) + ",1,1,1,1,0";
  BOOST_TEST(has(error_of(hour_row(t) + "\n" + four + "\n"), "in.csv:2: close_time"));
  // Monthly bars have no fixed length: not a timeframe the backtest reads.
  std::string month = "1704067200000,1,1,1,1,1,1706745599999,1,1,1,1,0";
  BOOST_TEST(has(error_of(month), "in.csv:1: bars of 2678400000 ms"));
}

BOOST_AUTO_TEST_CASE(malformed_and_truncated_rows_name_file_and_line) {
  const int64_t t = 1700000000000 / kHourMs * kHourMs;
  const std::string ok = hour_row(t) + "\n";
  const std::string row2 = hour_row(t + kHourMs);
  struct Case {
    std::string text, want;
  };
  const std::vector<Case> cases = {
      {"", "in.csv: empty file"},
      {"\xEF\xBB\xBF", "in.csv: empty file"},
      {kKlineHeader + "\n", "in.csv: no kline rows"},
      {"\n\n", "in.csv: no kline rows"},
      {ok + row2.substr(0, row2.size() / 2), "in.csv:2: expected 12 fields (a Binance kline row), got 6"},
      {ok + row2 + ",extra\n", "in.csv:2: expected 12 fields"},
      {ok + "\n" + row2 + "\n", "in.csv:2: empty line inside the data"},
      {ok + kKlineHeader + "\n", "in.csv:2: open_time is not an integer: 'open_time'"},
      {"open_time,open\n" + ok, "in.csv:1: a header of 12 columns was expected"},
      {ok + ok, "in.csv:2: duplicate open_time_ms"},
      {row2 + "\n" + ok, "in.csv:2: open_time_ms " + std::to_string(t) + " is before the previous row's"},
      {hour_row(t, "nan") + "\n", "in.csv:1: close is not a finite number: 'nan'"},
      {hour_row(t, "inf") + "\n", "in.csv:1: close is not a finite number: 'inf'"},
      {hour_row(t, "1e400") + "\n", "in.csv:1: close is not a finite number"},
      {hour_row(t, "150") + "\n", "in.csv:1: close 150 outside [low 99.5, high 102]"},
      {hour_row(t, " 101") + "\n", "in.csv:1: close is not a number: ' 101'"},
      {hour_row(t, "0x10") + "\n", "in.csv:1: close is not a number"},
      {hour_row(t + 1) + "\n", "in.csv:1: open_time_ms " + std::to_string(t + 1) + " is not aligned"},
      {"-3600000,1,1,1,1,1,-1,1,1,1,1,0\n", "in.csv:1: open_time -3600000 is negative"},
      {"0,1,1,1,1,1,9223372036854775807,1,1,1,1,0\n", "is not after open_time"},
      {"99999999999999999999,1,1,1,1,1,1,1,1,1,1,0\n", "in.csv:1: open_time is not an integer"},
      {"1735689600000001,1,1,1,1,1,1735776000000000,1,1,1,1,0\n", "do not fall on milliseconds"},
      {std::to_string(t) + ",1,1,1,1,1," + std::to_string(t - 1) + ",1,1,1,1,0\n", "is not after open_time"},
      {std::to_string(t) + ",1,1,1,1,-1," + std::to_string(t + kHourMs - 1) + ",1,1,1,1,0\n", "volume -1 < 0"},
      {std::to_string(t) + ",1,1,1,1,1," + std::to_string(t + kHourMs - 1) + ",x,1,1,1,0\n",
       "quote_volume is not a number >= 0: 'x'"},
      {std::to_string(t) + ",1,1,1,1,1," + std::to_string(t + kHourMs - 1) + ",1,1.5,1,1,0\n",
       "trades is not an integer >= 0: '1.5'"},
      {std::string(5000, '7') + "\n", "in.csv:1: line longer than 4096 bytes"},
      {ok + std::string(10, '\0') + "\n", "in.csv:2: expected 12 fields"},
      {ok + std::string("1\0,2", 4) + "\n", "in.csv:2: expected 12 fields"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("input: " << c.text.substr(0, 80)) {
      const std::string e = error_of(c.text);
      BOOST_TEST(has(e, c.want), e);
    }
  }
}

BOOST_AUTO_TEST_CASE(random_bytes_and_mutations_never_crash) {
  std::mt19937 rng(11);
  const int64_t t = 1700000000000 / kHourMs * kHourMs;
  std::string good;
  for (int i = 0; i < 20; ++i) good += hour_row(t + i * kHourMs) + "\n";
  for (int round = 0; round < 2000; ++round) {
    std::string s = good;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0: s[at] = static_cast<char>(rng() % 256); break;
        case 1: s.erase(at, 1 + rng() % 30); break;
        default: s.insert(at, 1, ",\n0-9.e"[rng() % 7]); break;
      }
      if (s.empty()) s = "x";
    }
    BinanceKlineReader r;
    const tn::Status st = r.add(s, "fuzz.csv");
    if (!st) BOOST_TEST_REQUIRE(st.error().message.rfind("fuzz.csv:", 0) == 0u, st.error().message);
  }
}
