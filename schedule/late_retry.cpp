#include "schedule/late_retry.hpp"

#include <algorithm>

#include "common/clock.hpp"
#include "common/timeframe.hpp"

namespace tn {

int64_t late_retry_at(int64_t close_ms, int64_t tf_ms, int64_t first_miss_ms, uint32_t attempts,
                      int64_t now_ms) {
  int64_t offset = 0, wait = kLateFirstRetryMs;
  for (uint32_t i = 0; i < std::max<uint32_t>(attempts, 1); ++i) {
    offset += wait;
    wait = std::min(wait * 2, kLateMaxRetryWaitMs);
    if (offset >= kHourMs) break;  // past any late window: no need to count on
  }
  const int64_t at = std::max(clamp_time_ms(first_miss_ms) + offset, clamp_time_ms(now_ms) + kLateFirstRetryMs);
  return at < clamp_time_ms(close_ms) + late_window_ms(tf_ms) ? at : kNeverMs;
}

}  // namespace tn
