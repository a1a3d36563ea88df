#pragma once
// The fetcher's core for cadence "hourly" over recorded bars (a replay, or
// a backtest, which runs the replay's checks flat out): the hourly daemon's
// checks simulated from 1h bars. At a check at time t (the close of a 1h
// bar), each due stream gets, in time order:
//   - its closed bars that closed before t (history for the indicator),
//   - one open-candle row: the stream's candle holding the hour that just
//     closed, priced at that hour's close (the price the daemon's ticker
//     would have said), flagged with t in BarWindow::check_ms,
//   - its bar closing at t, if any (it is history from then on).
// A stream whose symbol has no 1h bar closing at t gets no open-candle row.
// The run's last check (req.last) only hands out the closed bars left.
#include <cstdint>
#include <memory>
#include <vector>

#include "actors/fetcher/check_reader.hpp"

namespace tn {

struct OpenCandleStream {
  uint32_t stream = 0;
  int64_t tf_ms = 0;
  std::unique_ptr<BarSource> bars;          // the stream's own closed bars
  std::shared_ptr<const BarSeries> hourly;  // its symbol's 1h bars: the checks' prices
};

class OpenCandleReader final : public CheckAnswerer {
 public:
  // full_bars as in WindowPlanner (an open-candle row's open, high and low
  // are its price, its volume 0). resume_ms as in CheckReader.
  OpenCandleReader(std::vector<OpenCandleStream> streams, bool full_bars,
                   int64_t resume_ms = INT64_MIN);

  std::vector<BarWindow> answer(const CheckRequest& req) override;
  BarWindow check(const CheckRequest& req);

 private:
  struct State {
    OpenCandleStream s;
    size_t hour = 0;  // cursor into s.hourly
  };
  BarWindow empty_window(uint64_t id, int64_t end_ms) const;
  // Closed bars of stream `st` closing before end_close_ms, as history rows.
  size_t read_closed(State& st, int64_t end_close_ms, BarWindow& w);
  // The open-candle row of `st` at check time t, if its symbol has a price then.
  bool add_open_candle(State& st, int64_t t, BarWindow& w);

  std::vector<State> streams_;  // by stream id
  bool full_bars_;
  int64_t resume_ms_;
  bool warm_ = false;
};

}  // namespace tn
