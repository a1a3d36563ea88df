// load_csv_bars: the bundled real data loads with the values in the files;
// every kind of bad input is rejected naming the file, the line and the
// problem.
#define BOOST_TEST_MODULE fetcher_csv
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "market/bar_source.hpp"

namespace fs = std::filesystem;
using namespace tn;

namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 86'400'000;
constexpr int64_t kWeek = 7 * kDay;
const std::string kHeader = "open_time_ms,open,high,low,close,volume\n";

std::string data_dir() {
  const char* d = std::getenv("TN_DATA_DIR");
  return d ? d : "data";
}

// A file in a private temp folder, removed at the end of the test run.
struct TempDir {
  fs::path dir = fs::temp_directory_path() / ("tn_csv_test_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(dir); }
  ~TempDir() { fs::remove_all(dir); }
};
TempDir& temp() {
  static TempDir t;
  return t;
}

std::string write(const std::string& name, const std::string& text) {
  const std::string path = (temp().dir / name).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// Loads `text` as a file and returns the error message ("" when it loaded).
std::string error_of(const std::string& text, int64_t tf = kDay,
                     const std::string& name = "x.csv") {
  const std::string path = write(name, text);
  auto r = load_csv_bars(path, tf);
  if (r.ok()) return "";
  BOOST_TEST((r.error().code == Errc::invalid_input));
  // Messages are "<path>:<line>: <problem>"; return them relative to the file.
  std::string m = r.error().message;
  BOOST_TEST(m.rfind(path, 0) == 0, "message does not start with the path: " << m);
  return "x.csv" + m.substr(path.size());
}

const std::string kRow1 = "86400000,10,12,9,11,100\n";   // day 1
const std::string kRow2 = "172800000,11,13,10,12,50\n";  // day 2

}  // namespace

BOOST_AUTO_TEST_CASE(real_btcusdt_1d_loads_with_file_values) {
  CsvLoadReport rep;
  auto r = load_csv_bars(data_dir() + "/binance/BTCUSDT-1d.csv", kDay, &rep);
  BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.error().message));
  const BarSeries& s = *r;
  BOOST_TEST(s.size() == 1881u);
  BOOST_TEST(rep.rows == 1881u);
  BOOST_TEST(rep.gaps == 0u);
  // First row: 1502928000000,4261.48,4485.39,4200.74,4285.08,795.150377
  BOOST_TEST(s.open_time_ms.front() == 1502928000000LL);
  BOOST_TEST(s.open.front() == 4261.48);
  BOOST_TEST(s.high.front() == 4485.39);
  BOOST_TEST(s.low.front() == 4200.74);
  BOOST_TEST(s.close.front() == 4285.08);
  BOOST_TEST(s.volume.front() == 795.150377);
  // Last row: 1665360000000,19439.96,19525,19020.25,19131.87,212509.09849
  BOOST_TEST(s.open_time_ms.back() == 1665360000000LL);
  BOOST_TEST(s.open.back() == 19439.96);
  BOOST_TEST(s.high.back() == 19525.0);
  BOOST_TEST(s.low.back() == 19020.25);
  BOOST_TEST(s.close.back() == 19131.87);
  BOOST_TEST(s.volume.back() == 212509.09849);
  BOOST_TEST(s.open.size() == s.size());
  BOOST_TEST(s.open_time_ms.size() == s.size());
  BOOST_TEST(s.volume.size() == s.size());
}

BOOST_AUTO_TEST_CASE(real_hourly_and_4h_gaps_are_counted) {
  CsvLoadReport rep;
  auto h = load_csv_bars(data_dir() + "/binance/BTCUSDT-1h.csv", kHour, &rep);
  BOOST_TEST_REQUIRE(h.ok(), (h.ok() ? "" : h.error().message));
  BOOST_TEST(h->size() == 45024u);
  BOOST_TEST(rep.gaps == 27u);
  // 45024 bars + 127 missing hours span first..last exactly.
  BOOST_TEST((h->open_time_ms.back() - h->open_time_ms.front()) / kHour + 1 == 45024 + 127);
  // Zero-volume placeholder candles are real data and load.
  BOOST_TEST(std::count(h->volume.begin(), h->volume.end(), 0.0) == 3);

  auto q = load_csv_bars(data_dir() + "/binance/BTCUSDT-4h.csv", 4 * kHour, &rep);
  BOOST_TEST_REQUIRE(q.ok());
  BOOST_TEST(rep.rows == 11271u);
  BOOST_TEST(rep.gaps == 8u);
}

BOOST_AUTO_TEST_CASE(hourly_file_read_with_a_daily_timeframe_is_rejected) {
  auto r = load_csv_bars(data_dir() + "/binance/BTCUSDT-1h.csv", kDay);
  BOOST_TEST_REQUIRE(!r.ok());
  // Line 2 opens at 04:00 UTC, not a day boundary.
  BOOST_TEST(
      r.error().message.find("BTCUSDT-1h.csv:2: open_time_ms 1502942400000 is not aligned") !=
          std::string::npos,
      r.error().message);
}

BOOST_AUTO_TEST_CASE(spy_row_with_open_below_low_is_rejected) {
  // The real SPY 2015-03-05 row (Yahoo's open is below its own low).
  const std::string spy = "1425513600000,209.419998,210.800003,209.850006,210.460007,76873000\n";
  BOOST_TEST(error_of(kHeader + kRow1 + kRow2 + spy) ==
             "x.csv:4: open 209.419998 outside [low 209.850006, high 210.800003]");
  // And in the bundled copy of the whole file, at its real line (1808).
  const char* data = std::getenv("TN_DATA_DIR");
  const fs::path file = fs::path(data ? data : "data") / "equities" / "SPY-1d.csv";
  BOOST_TEST_REQUIRE(fs::exists(file));
  auto r = load_csv_bars(file.string(), kDay);
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().message ==
             file.string() + ":1808: open 209.419998 outside [low 209.850006, high 210.800003]");
}

BOOST_AUTO_TEST_CASE(missing_file_is_an_io_error) {
  auto r = load_csv_bars((temp().dir / "nope.csv").string(), kDay);
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST((r.error().code == Errc::io));
  BOOST_TEST(r.error().message.find("nope.csv") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(empty_file_and_header_problems) {
  BOOST_TEST(error_of("") ==
             "x.csv: empty file (expected header 'open_time_ms,open,high,low,close,volume')");
  BOOST_TEST(error_of(kHeader) == "x.csv: no data rows after the header");
  BOOST_TEST(error_of(kHeader + "\n\n") == "x.csv: no data rows after the header");
  BOOST_TEST(error_of("time,open,high,low,close,volume\n" + kRow1) ==
             "x.csv:1: bad header 'time,open,high,low,close,volume', expected "
             "'open_time_ms,open,high,low,close,volume'");
  BOOST_TEST(
      error_of("open_time_ms,open,high,low,close\n" + kRow1).rfind("x.csv:1: bad header", 0) == 0);
  BOOST_TEST(error_of(kRow1 + kRow2).rfind("x.csv:1: bad header '86400000,10,12,9,11,100'", 0) ==
             0);
  BOOST_TEST(error_of("\n" + kHeader + kRow1).rfind("x.csv:1: missing header", 0) == 0);
}

BOOST_AUTO_TEST_CASE(column_count) {
  BOOST_TEST(error_of(kHeader + kRow1 + "172800000,11,13,10,12\n") ==
             "x.csv:3: expected 6 fields, got 5");
  BOOST_TEST(error_of(kHeader + kRow1 + "172800000,11,13,10,12,50,7\n") ==
             "x.csv:3: expected 6 fields, got 7");
  BOOST_TEST(error_of(kHeader + kRow1 + "172800000,11,13,10,12,50,\n") ==
             "x.csv:3: expected 6 fields, got 7");
}

BOOST_AUTO_TEST_CASE(non_numeric_and_non_finite_fields) {
  BOOST_TEST(error_of(kHeader + "86400000,10,abc,9,11,100\n") ==
             "x.csv:2: high is not a number: 'abc'");
  BOOST_TEST(error_of(kHeader + kRow1 + "1728e5,11,13,10,12,50\n") ==
             "x.csv:3: open_time_ms is not an integer: '1728e5'");
  BOOST_TEST(error_of(kHeader + "86400000,,12,9,11,100\n") == "x.csv:2: open is not a number: ''");
  BOOST_TEST(error_of(kHeader + "86400000, 10,12,9,11,100\n") ==
             "x.csv:2: open is not a number: ' 10'");
  BOOST_TEST(error_of(kHeader + "86400000,10,12,9,11,1O0\n") ==
             "x.csv:2: volume is not a number: '1O0'");
  BOOST_TEST(error_of(kHeader + kRow1 + "172800000,11,13,10,nan,50\n") ==
             "x.csv:3: close is not a finite number: 'nan'");
  BOOST_TEST(error_of(kHeader + "86400000,10,inf,9,11,100\n") ==
             "x.csv:2: high is not a finite number: 'inf'");
  BOOST_TEST(error_of(kHeader + "86400000,10,12,9,11,1e999\n") ==
             "x.csv:2: volume is not a finite number: '1e999'");
}

BOOST_AUTO_TEST_CASE(price_and_volume_ranges) {
  BOOST_TEST(error_of(kHeader + kRow1 + "172800000,0,13,0,12,50\n") == "x.csv:3: open 0 <= 0");
  BOOST_TEST(error_of(kHeader + "86400000,10,12,-9,11,100\n") == "x.csv:2: low -9 <= 0");
  BOOST_TEST(error_of(kHeader + "86400000,10,12,9,11,-5\n") == "x.csv:2: volume -5 < 0");
  BOOST_TEST(error_of(kHeader + "86400000,10,12,9,11,0\n") == "");  // zero volume is real data
}

BOOST_AUTO_TEST_CASE(ohlc_consistency) {
  BOOST_TEST(error_of(kHeader + kRow1 + kRow2 + "259200000,10.7,10.5,11,10.6,5\n") ==
             "x.csv:4: high 10.5 < low 11");
  BOOST_TEST(error_of(kHeader + "86400000,12.5,12,9,11,100\n") ==
             "x.csv:2: open 12.5 outside [low 9, high 12]");
  BOOST_TEST(error_of(kHeader + "86400000,10,12,9,8.99,100\n") ==
             "x.csv:2: close 8.99 outside [low 9, high 12]");
  BOOST_TEST(error_of(kHeader + "86400000,9,12,9,12,100\n") == "");  // on the bounds is fine
}

BOOST_AUTO_TEST_CASE(time_order_and_alignment) {
  BOOST_TEST(error_of(kHeader + kRow1 + kRow1) == "x.csv:3: duplicate open_time_ms 86400000");
  BOOST_TEST(error_of(kHeader + kRow1 + kRow2 + kRow1) ==
             "x.csv:4: open_time_ms 86400000 is before the previous row's 172800000 "
             "(rows must be in increasing time)");
  BOOST_TEST(error_of(kHeader + "3600000,1,1,1,1,1\n3600001,1,1,1,1,1\n", kHour) ==
             "x.csv:3: open_time_ms 3600001 is not aligned to the timeframe (3600000 ms)");
  BOOST_TEST(error_of(kHeader + "-86400000,1,1,1,1,1\n") ==
             "x.csv:2: open_time_ms -86400000 is negative");
  BOOST_TEST(error_of(kHeader + kRow1, 0) == "x.csv: timeframe must be > 0, got 0");
}

BOOST_AUTO_TEST_CASE(weekly_bars_skip_alignment_but_not_overlap) {
  const int64_t monday = 1502668800000LL;  // 2017-08-14 00:00 UTC, not a multiple of a week
  BOOST_TEST(monday % kWeek != 0);
  const auto row = [](int64_t t) { return std::to_string(t) + ",1,2,1,2,3\n"; };
  const std::string ok = kHeader + row(monday) + row(monday + kWeek) + row(monday + 3 * kWeek);
  const std::string path = write("w.csv", ok);
  CsvLoadReport rep;
  auto r = load_csv_bars(path, kWeek, &rep);
  BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.error().message));
  BOOST_TEST(rep.rows == 3u);
  BOOST_TEST(rep.gaps == 1u);
  BOOST_TEST(error_of(kHeader + row(monday) + row(monday + kDay), kWeek) ==
             "x.csv:3: open_time_ms 1502755200000 is less than one timeframe after the previous "
             "row's 1502668800000 (overlapping bars)");
}

BOOST_AUTO_TEST_CASE(gaps_are_counted_not_rejected) {
  const std::string path = write("g.csv", kHeader + kRow1 + kRow2 + "432000000,1,1,1,1,1\n" +
                                              "518400000,1,1,1,1,1\n" + "864000000,1,1,1,1,1\n");
  CsvLoadReport rep;
  auto r = load_csv_bars(path, kDay, &rep);
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(rep.rows == 5u);
  BOOST_TEST(rep.gaps == 2u);  // day 2 -> 5 and day 6 -> 10
}

BOOST_AUTO_TEST_CASE(line_endings_blank_lines_and_bom) {
  for (const std::string& text :
       {kHeader + kRow1 + kRow2,                              // final newline
        kHeader + kRow1 + kRow2.substr(0, kRow2.size() - 1),  // none
        kHeader + kRow1 + kRow2 + "\n",                       // trailing empty line
        kHeader + kRow1 + kRow2 + "\r\n\n",                   // several
        std::string("open_time_ms,open,high,low,close,volume\r\n86400000,10,12,9,11,100\r\n"
                    "172800000,11,13,10,12,50\r\n"),  // CRLF
        "\xEF\xBB\xBF" + kHeader + kRow1 + kRow2}) {  // UTF-8 BOM
    const std::string path = write("ok.csv", text);
    auto r = load_csv_bars(path, kDay);
    BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.error().message));
    BOOST_TEST(r->size() == 2u);
    BOOST_TEST(r->close.back() == 12.0);
  }
  BOOST_TEST(error_of(kHeader + kRow1 + "\n" + kRow2) == "x.csv:3: empty line inside the data");
  BOOST_TEST(error_of(kHeader + kRow1 + "\r\n\r\n" + kRow2) ==
             "x.csv:3: empty line inside the data");
}

BOOST_AUTO_TEST_CASE(huge_lines_are_errors_not_hangs) {
  // 10 MB without a newline.
  BOOST_TEST(error_of(std::string(10 << 20, '1')) == "x.csv:1: line longer than 4096 bytes");
  BOOST_TEST(error_of(kHeader + kRow1 + std::string(10 << 20, '7') + "\n" + kRow2) ==
             "x.csv:3: line longer than 4096 bytes");
  // A long but legal line length is only limited by the field checks.
  BOOST_TEST(error_of(kHeader + "86400000,10,12,9,11," + std::string(4000, '1') + "\n") ==
             "x.csv:2: volume is not a finite number: '" + std::string(40, '1') + "...'");
  // Binary junk.
  BOOST_TEST(error_of(kHeader + std::string("86400000,1\0,1,1,1,1\n", 21))
                 .rfind("x.csv:2: open is not a number", 0) == 0);
}
