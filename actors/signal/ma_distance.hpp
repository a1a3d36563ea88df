#pragma once
// The MA-distance strategy of the daemon this replaces, evaluated at the
// close of every bar:
//   BUY  when distance <= buy_threshold (whether or not a position is held)
//   else SELL candidate when distance >= sell_threshold (a signal only
//        where a position is held: the arbiter knows that)
// No signal before ma_period bars. Also emits the marks the portfolio values
// positions with: per stream and window, the last close of each equity
// bucket (e.g. each UTC day) and the window's last close.
#include <cstdint>
#include <vector>

#include "messages/events.hpp"
#include "messages/internal.hpp"
#include "messages/market.hpp"

namespace tn {

struct MaDistanceParams {
  int64_t tf_ms = 0;
  double buy_threshold = -5.0;
  double sell_threshold = 5.0;
};

// Distance of price from its moving average, in percent (NaN when ma is).
inline double ma_distance_pct(double price, double ma) { return (price - ma) / ma * 100.0; }

// The rule itself, for one bar: 0 none, 1 BUY, 2 SELL candidate.
inline int ma_distance_rule(double distance, double buy, double sell) {
  if (!(distance == distance)) return 0;  // NaN: not enough bars yet
  if (distance <= buy) return 1;
  if (distance >= sell) return 2;
  return 0;
}

// The market.bar events of a window (for [bus] publish_bars): one per bar,
// with its snapshot. The window must carry full bars.
struct BarEventMeta {
  std::string symbol, timeframe;
  int64_t tf_ms = 0;
};
std::vector<BarEvent> bar_events(const SnapshotWindow& s, const std::vector<BarEventMeta>& streams);

class SignalCore {
 public:
  // params[stream id]; equity_interval_ms > 0.
  SignalCore(std::vector<MaDistanceParams> params, int64_t equity_interval_ms, uint32_t shard);

  // Decides the window's bars; remembers each stream's last one (view()).
  SignalWindow evaluate(const SnapshotWindow& s);
  // History after a restart: decided before, so nothing is evaluated, but
  // its last bar per stream is the last one decided (view()).
  void remember_warmup(const SnapshotWindow& s);

  // Per stream that has had a bar, the last one decided.
  SignalView view() const;

 private:
  void remember(uint32_t stream, const SnapshotWindow& s, uint32_t row);

  std::vector<MaDistanceParams> params_;
  int64_t interval_ms_;
  uint32_t shard_;
  std::vector<SignalStream> last_;  // by stream id; last_bar_ms == kNoBar: none yet
  static constexpr int64_t kNoBar = INT64_MIN;
};

}  // namespace tn
