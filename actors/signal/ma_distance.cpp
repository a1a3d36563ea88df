#include "actors/signal/ma_distance.hpp"

#include <utility>

namespace tn {

namespace {
int64_t ceil_div(int64_t a, int64_t b) { return a / b + ((a % b != 0) && ((a < 0) == (b < 0))); }
}  // namespace

SignalCore::SignalCore(std::vector<MaDistanceParams> params, int64_t equity_interval_ms,
                       uint32_t shard)
    : params_(std::move(params)), state_(params_.size()), interval_ms_(equity_interval_ms),
      shard_(shard) {}

SignalWindow SignalCore::evaluate(const SnapshotWindow& snap) {
  const BarWindow& s = snap.bars;
  SignalWindow out;
  out.window = s.window;
  out.end_ms = s.end_ms;
  out.last = s.last;
  out.next_window = s.next_window;
  out.shard = shard_;
  out.bars = s.bars();
  for (size_t k = 0; k < s.streams.size(); ++k) {
    const uint32_t id = s.streams[k];
    const MaDistanceParams& p = params_.at(id);
    StreamState& st = state_[id];
    for (uint32_t i = s.offsets[k]; i < s.offsets[k + 1]; ++i) {
      const int64_t close_ms = s.open_time_ms[i] + p.tf_ms;
      const double d = snap.distance[i];
      const int rule = ma_distance_rule(d, p.buy_threshold, p.sell_threshold);
      if (rule != 0)  // rare: the only per-bar work that leaves this loop
        out.candidates.push_back(Candidate{id, s.open_time_ms[i], close_ms,
                                           rule == 1 ? kSideBuy : kSideSell, s.close[i], snap.ma[i],
                                           d});
      // A mark is the last close at or before a boundary: known once a bar
      // past that boundary arrives, so it is emitted one bar late.
      // Closes only increase, so the boundary changes only when a close
      // passes the pending one: one compare per bar, no division.
      if (!st.seen || close_ms > st.pending_boundary_ms) {
        if (st.seen) out.marks.push_back(Mark{id, st.pending_boundary_ms, st.last_close});
        st.pending_boundary_ms = ceil_div(close_ms, interval_ms_) * interval_ms_;
        st.seen = true;
      }
      st.last_close_ms = close_ms;
      st.last_close = s.close[i];
    }
  }
  if (s.last) {
    // The final price of every stream, so the run ends valued at the last close.
    for (uint32_t id = 0; id < state_.size(); ++id)
      if (state_[id].seen) out.marks.push_back(Mark{id, state_[id].last_close_ms, state_[id].last_close});
  }
  return out;
}

}  // namespace tn
