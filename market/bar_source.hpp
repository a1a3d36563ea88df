#pragma once
// Where bars come from, for one (symbol, timeframe) stream. A source hands
// out bars in time order, a slice at a time, so the fetcher never needs a
// whole history in memory at once (a CSV source holds its file; a generator
// holds nothing).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace tn {

// Columns of OHLCV bars for one stream, oldest first.
struct BarSeries {
  std::vector<int64_t> open_time_ms;
  std::vector<double> open, high, low, close, volume;
  size_t size() const { return close.size(); }
  void reserve(size_t n);
};

class BarSource {
 public:
  virtual ~BarSource() = default;
  // Appends to the columns every remaining bar whose close time
  // (open + tf) is < end_close_ms. Returns how many were appended.
  // open_time and close are always filled; a null open/high/low/volume
  // column is not wanted (the node's strategies do not read it) and is
  // skipped: copying bytes nobody reads is most of a window's cost.
  virtual size_t read_until(int64_t end_close_ms, std::vector<int64_t>& open_time,
                            std::vector<double>* open, std::vector<double>* high,
                            std::vector<double>* low, std::vector<double>& close,
                            std::vector<double>* volume) = 0;
  // A hint that read_until comes soon: start loading the next bars into the
  // cache. With thousands of streams a window takes a few bars from each,
  // and waiting for memory stream after stream is most of the cost.
  virtual void prefetch() const {}
  // Close time of the next bar not yet read; INT64_MAX when exhausted.
  virtual int64_t next_close_ms() const = 0;
  virtual int64_t timeframe_ms() const = 0;
};

// A source over bars already in memory (a loaded CSV file, test data).
std::unique_ptr<BarSource> make_series_source(BarSeries series, int64_t tf_ms);

// Loads an OHLCV CSV (header open_time_ms,open,high,low,close,volume) and
// validates every row: a missing column, a non-numeric field, NaN/inf, a
// price <= 0, a negative volume, high < low, open/close outside [low, high],
// out-of-order or duplicate times, times not aligned to the timeframe. The
// error names the file, the line and the problem. Gaps (missing bars, as
// real exchanges have during outages) are allowed and counted.
struct CsvLoadReport {
  size_t rows = 0;
  size_t gaps = 0;  // places where the next bar is more than one tf later
};
Result<BarSeries> load_csv_bars(const std::string& path, int64_t tf_ms,
                                CsvLoadReport* report = nullptr);
// The same checks on CSV text already in memory; name stands for the path
// in error messages (the fuzz target and tests feed bytes without a file).
Result<BarSeries> parse_csv_bars(std::string_view text, const std::string& name, int64_t tf_ms,
                                 CsvLoadReport* report = nullptr);

}  // namespace tn
