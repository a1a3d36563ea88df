#include "actors/indicator/indicator_core.hpp"

namespace tn {

IndicatorCore::IndicatorCore(const std::vector<int32_t>& ma_periods) {
  ma_.reserve(ma_periods.size());
  for (int32_t p : ma_periods) ma_.emplace_back(p);
}

SnapshotWindow IndicatorCore::compute(BarWindow&& in) {
  SnapshotWindow s;
  s.bars = std::move(in);
  const BarWindow& w = s.bars;
  const size_t n = w.bars();
  s.ma.resize(n);

  for (size_t k = 0; k < w.streams.size(); ++k) {
    const uint32_t a = w.offsets[k], b = w.offsets[k + 1];
    RollingMean& m = ma_.at(w.streams[k]);
    if (w.check_ms.empty()) {  // cadence "close": every row a closed bar
      m.push_run(w.close.data() + a, b - a, s.ma.data() + a);
      continue;
    }
    // Cadence "hourly": an open candle's MA has it last, at its provisional
    // price, over the closed bars before it; only closed bars are kept.
    for (uint32_t i = a; i < b; ++i) s.ma[i] = w.open_candle(i) ? m.peek(w.close[i]) : m.push(w.close[i]);
  }
  return s;
}

}  // namespace tn
