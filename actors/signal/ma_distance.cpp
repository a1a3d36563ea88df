#include "actors/signal/ma_distance.hpp"

#include <utility>

namespace tn {

namespace {
int64_t ceil_div(int64_t a, int64_t b) { return a / b + ((a % b != 0) && ((a < 0) == (b < 0))); }
}  // namespace

SignalCore::SignalCore(std::vector<MaDistanceParams> params, int64_t equity_interval_ms,
                       uint32_t shard)
    : params_(std::move(params)), interval_ms_(equity_interval_ms),
      shard_(shard) {
  last_.resize(params_.size());
  for (uint32_t id = 0; id < last_.size(); ++id) {
    last_[id].stream = id;
    last_[id].last_bar_ms = kNoBar;
  }
}

void SignalCore::remember(uint32_t stream, const SnapshotWindow& snap, uint32_t row) {
  SignalStream& l = last_.at(stream);
  l.last_bar_ms = snap.bars.open_time_ms[row];
  l.price = snap.bars.close[row];
  l.ma = snap.ma[row];
  l.distance = ma_distance_pct(l.price, l.ma);
}

void SignalCore::remember_warmup(const SnapshotWindow& snap) {
  const BarWindow& s = snap.bars;
  for (size_t k = 0; k < s.streams.size(); ++k)
    if (s.offsets[k + 1] > s.offsets[k]) remember(s.streams[k], snap, s.offsets[k + 1] - 1);
}

SignalView SignalCore::view() const {
  SignalView v;
  for (const SignalStream& l : last_)
    if (l.last_bar_ms != kNoBar) v.streams.push_back(l);
  return v;
}

std::vector<BarEvent> bar_events(const SnapshotWindow& snap, const std::vector<BarEventMeta>& streams) {
  const BarWindow& w = snap.bars;
  std::vector<BarEvent> out;
  const bool full = w.open.size() == w.bars() && w.high.size() == w.bars() &&
                    w.low.size() == w.bars() && w.volume.size() == w.bars();
  out.reserve(w.bars());
  for (size_t k = 0; k < w.streams.size(); ++k) {
    const BarEventMeta& m = streams.at(w.streams[k]);
    for (uint32_t i = w.offsets[k]; i < w.offsets[k + 1]; ++i) {
      BarEvent e;
      e.symbol = m.symbol;
      e.timeframe = m.timeframe;
      e.open_time_ms = w.open_time_ms[i];
      e.close_time_ms = w.open_candle(i) ? w.check_ms[i] : w.open_time_ms[i] + m.tf_ms;
      e.close = w.close[i];
      if (full) {
        e.open = w.open[i];
        e.high = w.high[i];
        e.low = w.low[i];
        e.volume = w.volume[i];
      }
      e.ma = snap.ma[i];
      e.distance = ma_distance_pct(e.close, e.ma);
      out.push_back(std::move(e));
    }
  }
  return out;
}

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
    // Locals for the loop (see RollingMean::push_run).
    const int64_t tf = p.tf_ms;
    const double buy = p.buy_threshold, sell = p.sell_threshold;
    const int64_t* open_ms = s.open_time_ms.data();
    const double* close = s.close.data();
    const double* ma = snap.ma.data();
    const uint32_t first = s.offsets[k], end = s.offsets[k + 1];
    // Cadence "hourly": rows are open candles (decided on, at their check
    // time) and closed bars (indicator history only); "close": every row
    // is a closed bar, decided on at its close.
    const int64_t* check = s.check_ms.empty() ? nullptr : s.check_ms.data();
    auto time_of = [&](uint32_t i) { return check && check[i] != 0 ? check[i] : open_ms[i] + tf; };
    int64_t boundary_ms = INT64_MIN;  // the equity boundary the previous bar belongs to
    for (uint32_t i = first; i < end; ++i) {
      const int64_t close_ms = time_of(i);
      const bool open_candle = check && check[i] != 0;
      if (!check || open_candle) {
        const double d = ma_distance_pct(close[i], ma[i]);  // NaN while ma is
        const int rule = ma_distance_rule(d, buy, sell);
        if (rule != 0)  // rare: the only per-bar work that leaves this loop
          out.candidates.push_back(Candidate{id, open_ms[i], close_ms, rule == 1 ? kSideBuy : kSideSell,
                                             close[i], ma[i], d, open_candle});
      }
      // Marks: the last close of each equity bucket (boundary - interval,
      // boundary] seen in this window. Closes only increase, so a bucket
      // ends where a close passes its boundary: one compare per bar.
      if (close_ms > boundary_ms) {
        if (i > first) out.marks.push_back(Mark{id, time_of(i - 1), close[i - 1]});
        boundary_ms = ceil_div(close_ms, interval_ms_) * interval_ms_;
      }
    }
    // The window's last close of the stream: the price until the next one.
    if (end > first) {
      out.marks.push_back(Mark{id, time_of(end - 1), close[end - 1]});
      remember(id, snap, end - 1);
    }
  }
  return out;
}

}  // namespace tn
