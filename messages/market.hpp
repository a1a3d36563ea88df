#pragma once
// Market data and the per-bar products of the indicator and signal actors.
// Bars travel as columns in windows so an actor pays its overhead once per
// window, not per bar. A window holds, for several streams, every bar whose
// close time falls in [start_ms, end_ms). Stream ids index the node's
// watchlist (constant after start; every actor holds the same table).
#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

namespace tn {

struct BarWindow {
  uint64_t window = 0;            // index on the node's window grid
  int64_t start_ms = 0;           // close times in [start_ms, end_ms)
  int64_t end_ms = 0;
  bool last = false;              // no more windows follow from this shard
  uint64_t next_window = 0;       // the next window this shard sends (when !last)
  // History replayed after a restart: indicators take it in, nothing is
  // decided from it (those bars were acted on before), and it goes no
  // further than the signal actor.
  bool warmup = false;
  std::vector<uint32_t> streams;  // stream id of each run of rows
  std::vector<uint32_t> offsets;  // rows of streams[i]: [offsets[i], offsets[i+1])
  std::vector<int64_t> open_time_ms;
  std::vector<double> close;
  // Empty unless the node's strategies or stream need them (see
  // WindowPlanner): the MA strategy reads only open times and closes.
  std::vector<double> open, high, low, volume;
  // Cadence "hourly" only, empty otherwise: per row, 0 for a closed bar
  // (the indicator takes it in, nothing is decided on it), or the time of
  // the check that priced the stream's still-open candle (open time in
  // open_time_ms) at `close`: decided on, never taken in; the candle's
  // real bar follows as a closed row once it has closed.
  std::vector<int64_t> check_ms;

  size_t bars() const { return close.size(); }
  bool open_candle(size_t row) const { return !check_ms.empty() && check_ms[row] != 0; }
  MSGPACK_DEFINE_MAP(window, start_ms, end_ms, last, next_window, warmup, streams, offsets, open_time_ms,
                     open, high, low, close, volume, check_ms);
};

// Indicator output for one window: the bars themselves (moved along, not
// copied) plus the moving average row by row, NaN until a stream has
// ma_period bars. (The distance from it is the strategy's business: the
// signal actor computes it, so a window in flight is 8 bytes a bar smaller.)
struct SnapshotWindow {
  BarWindow bars;
  std::vector<double> ma;

  size_t size() const { return bars.bars(); }
  MSGPACK_DEFINE_MAP(bars, ma);
};

inline constexpr uint8_t kSideBuy = 0;
inline constexpr uint8_t kSideSell = 1;

// A bar whose distance crossed a threshold: a signal if the arbiter agrees.
// SELL candidates become signals only where a position is held.
// From an open candle (cadence "hourly"), close_time_ms is the check's time.
struct Candidate {
  uint32_t stream = 0;
  int64_t open_time_ms = 0;
  int64_t close_time_ms = 0;
  uint8_t side = kSideBuy;
  double price = 0, ma = 0, distance = 0;
  bool open_candle = false;
  MSGPACK_DEFINE_MAP(stream, open_time_ms, close_time_ms, side, price, ma, distance, open_candle);
};

// Last close of a stream at an equity boundary (e.g. each UTC midnight):
// what the portfolio values positions with.
struct Mark {
  uint32_t stream = 0;
  int64_t time_ms = 0;
  double price = 0;
  MSGPACK_DEFINE_MAP(stream, time_ms, price);
};

// What one signal shard found in one window.
struct SignalWindow {
  uint64_t window = 0;
  int64_t end_ms = 0;
  bool last = false;
  uint64_t next_window = 0;  // as in BarWindow
  uint32_t shard = 0;
  uint64_t bars = 0;  // bars evaluated, for counters
  std::vector<Candidate> candidates;
  std::vector<Mark> marks;
  MSGPACK_DEFINE_MAP(window, end_ms, last, next_window, shard, bars, candidates, marks);
};

}  // namespace tn
