// `tradernode convert --from binance-klines` end to end: the built binary
// turns raw kline files into a CSV the backtest runs on, and on a bad row
// exits 2 naming file and line, leaving the output as it was.
#define BOOST_TEST_MODULE market_convert
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>

#include "common/time.hpp"
#include <filesystem>

#include "market/csv_bars.hpp"
#include "tests/integration/backtest_common.hpp"

namespace {

tn::test::ProcessResult convert(std::vector<std::string> args) {
  args.insert(args.begin(), {tn::test::tradernode_bin(), "convert", "--from", "binance-klines"});
  return tn::test::run_process(args, std::chrono::seconds(30));
}

// Rows of 1d klines from the bundled BTCUSDT file (2017-2022). From the
// 120th bar on, times are written in microseconds, as data.binance.vision's
// spot files have them from 2025: one series across the change of unit.
std::string klines(size_t from, size_t count) {
  auto bars = tn::load_csv_bars(tn::test::data_dir() + "/binance/BTCUSDT-1d.csv", tn::kDayMs);
  BOOST_REQUIRE(bars.ok() && bars->size() >= from + count);
  std::string out;
  for (size_t i = from; i < from + count; ++i) {
    const int64_t t = bars->open_time_ms[i];
    const bool micro = i >= 120;
    const int64_t unit = micro ? 1000 : 1;
    char row[512];
    std::snprintf(row, sizeof row, "%lld,%.8f,%.8f,%.8f,%.8f,%.8f,%lld,1.0,10,0.5,0.5,0\n",
                  static_cast<long long>(t * unit), bars->open[i], bars->high[i], bars->low[i],
                  bars->close[i], bars->volume[i], static_cast<long long>((t + tn::kDayMs) * unit - 1));
    out += row;
  }
  return out;
}

size_t files_in(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(klines_become_a_csv_the_backtest_runs_on) {
  tn::test::TempDir dir;
  const std::string a = dir.write("BTCUSDT-1d-part1.csv", klines(0, 100));
  const std::string b = dir.write("BTCUSDT-1d-part2.csv", "open_time,open,high,low,close,volume,close_time,"
                                                         "quote_volume,count,taker_buy_volume,"
                                                         "taker_buy_quote_volume,ignore\n" + klines(100, 50));
  const std::string out = dir.file("BTCUSDT-1d.csv");
  auto r = convert({"--timeframe", "1d", "--out", out, a, b});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.output);
  BOOST_TEST(r.output.find("150 bars (1d) from 2 file(s), 0 gaps, 30 rows had microsecond times") !=
                 std::string::npos,
             r.output);
  const std::string config = dir.write("bt.toml", tn::test::make_config({{"BTCUSDT", "1d", out}}));
  auto bt = tn::test::run_backtest(config, dir.file("result"));
  BOOST_TEST(bt.exit_code == 0, bt.output);
}

BOOST_AUTO_TEST_CASE(a_bad_row_is_named_and_nothing_is_written) {
  tn::test::TempDir dir;
  const std::string out = dir.write("BTCUSDT-1d.csv", "the file from before\n");
  std::string rows = klines(0, 20);
  const size_t line7 = [&] {
    size_t p = 0;
    for (int i = 0; i < 6; ++i) p = rows.find('\n', p) + 1;
    return p;
  }();
  const std::string truncated = rows.substr(0, line7 + 40);  // line 7 cut off mid-row
  const std::string in = dir.write("in.csv", truncated);
  auto r = convert({"--out", out, in});
  BOOST_TEST(r.exit_code == 2, r.output);
  BOOST_TEST(r.output.find(in + ":7: expected 12 fields") != std::string::npos, r.output);
  BOOST_TEST(tn::test::read_file(out) == "the file from before\n");
  BOOST_TEST(files_in(dir.path()) == 2u);  // no temporary file left

  // The wrong timeframe, a missing file, a usage error: the same promise.
  BOOST_TEST(convert({"--timeframe", "4h", "--out", out, dir.write("ok.csv", rows)}).exit_code == 2);
  BOOST_TEST(convert({"--out", out, dir.file("nope.csv")}).exit_code == 2);
  BOOST_TEST(convert({"--out", out}).exit_code != 0);
  BOOST_TEST(tn::test::read_file(out) == "the file from before\n");
}
