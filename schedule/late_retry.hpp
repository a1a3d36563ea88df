#pragma once
// When the live node asks again for a late bar: one that should have closed
// but was not in the exchange's answer at its check. The first retry comes
// 2 s after that miss, then the waits double (4, 8, 16 s, ...), at most 5
// minutes each, for as long as the retry falls inside the bar's late window
// (common/timeframe.hpp: one bar, at most an hour), so the retries end
// before the stream's next bar is due. Missed at its close, a 1m bar is
// asked again 2, 6, 14 and 30 s later; a 1h bar 18 times, the last at
// +3510 s. Pure: no clock.
#include <cstdint>

namespace tn {

inline constexpr int64_t kLateFirstRetryMs = 2'000;
inline constexpr int64_t kLateMaxRetryWaitMs = 300'000;

// The next time to ask for a bar closing at close_ms (timeframe tf_ms) that
// was missing from `attempts` answers (>= 1), the first at first_miss_ms;
// never sooner than kLateFirstRetryMs after now_ms. kNeverMs when that
// falls outside the bar's late window: the bar is given up.
int64_t late_retry_at(int64_t close_ms, int64_t tf_ms, int64_t first_miss_ms, uint32_t attempts,
                      int64_t now_ms);

}  // namespace tn
