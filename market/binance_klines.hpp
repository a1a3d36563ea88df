#pragma once
// Binance's raw kline CSV (the files of data.binance.vision) read into bars
// for the backtest's own CSV. A row has 12 columns:
//   open_time, open, high, low, close, volume, close_time, quote_volume,
//   trades, taker_buy_base_volume, taker_buy_quote_volume, ignore
// Times are milliseconds, or microseconds in newer spot files (from 2025);
// both are accepted, row by row, so files from either side of the change
// can be read one after another. Some files start with a header line.
//
// Strict: a row with another column count, a field that is not a number, a
// close_time that is not open_time + timeframe - 1, a bar that breaks the
// backtest loader's rules (append_bar_fields, csv_bars.hpp) is an error
// naming the file and the line (1-based, the header counted).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "market/bar_source.hpp"

namespace tn::market {

class BinanceKlineReader {
 public:
  // tf_ms 0: the timeframe is taken from the first row (close - open + 1)
  // and every later row must agree; else every row must have this one.
  explicit BinanceKlineReader(int64_t tf_ms = 0) : tf_ms_(tf_ms) {}

  // One file's contents; name stands for it in errors. Files are read in
  // the order given and continue one another (times keep increasing).
  Status add(std::string_view text, const std::string& name);
  // The bars read so far; an error when there are none.
  Result<BarSeries> finish() &&;

  int64_t timeframe_ms() const { return tf_ms_; }
  size_t rows() const { return bars_.size(); }
  size_t gaps() const { return gaps_; }
  size_t microsecond_rows() const { return us_rows_; }
  size_t header_lines() const { return headers_; }

 private:
  std::string check_row(std::string_view line);  // "" or the problem

  int64_t tf_ms_;
  BarSeries bars_;
  size_t gaps_ = 0, us_rows_ = 0, headers_ = 0;
};

}  // namespace tn::market
