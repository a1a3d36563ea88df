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
  s.distance.resize(n);
  for (size_t k = 0; k < w.streams.size(); ++k) {
    RollingMean& rm = ma_.at(w.streams[k]);
    const double* close = w.close.data();
    double* ma = s.ma.data();
    double* dist = s.distance.data();
    for (uint32_t i = w.offsets[k]; i < w.offsets[k + 1]; ++i) {
      const double m = rm.push(close[i]);
      ma[i] = m;
      dist[i] = ma_distance_pct(close[i], m);  // NaN while m is NaN
    }
  }
  return s;
}

}  // namespace tn
