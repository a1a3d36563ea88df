#pragma once
// The indicator actor's core: rolling state per stream, one pass over a
// window's close column.
#include <cstdint>
#include <vector>

#include "common/rolling_mean.hpp"
#include "messages/market.hpp"

namespace tn {

class IndicatorCore {
 public:
  // ma_periods[stream id]; streams not served by this shard may be present.
  explicit IndicatorCore(const std::vector<int32_t>& ma_periods);

  // Computes the moving average for every row of the window, which it takes
  // over (no copy). Rows of a stream must arrive in time order across
  // windows (the planner guarantees it).
  SnapshotWindow compute(BarWindow&& w);

 private:
  std::vector<RollingMean> ma_;  // by stream id
};

}  // namespace tn
