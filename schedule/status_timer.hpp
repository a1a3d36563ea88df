#pragma once
// The portfolio status report cadence: every N hours (default 6), on UTC
// multiples of the interval since the epoch (6 h: 00:00, 06:00, 12:00,
// 18:00 UTC), so reports line up across restarts and across nodes. An
// interval that does not divide a day (5 h) is still epoch-aligned.
//
// Actor use (one timer, no polling):
//   on start and after each report: target = timer.next_after(now);
//                                   delayed_send(target - now)
//   on wakeup: if (timer.due(now)) { report; timer.mark_sent(now); } re-arm.
// The state (the target) makes an early wakeup harmless and a late one
// report once, not once per missed slot.
#include <cstdint>
#include <string>

#include "common/time.hpp"
#include "common/clock.hpp"
#include "common/error.hpp"

namespace tn {

inline constexpr int64_t kDefaultStatusIntervalMs = 6 * kHourMs;

class StatusTimer {
 public:
  // invalid_input unless 0 < interval_ms <= kMaxPeriodMs. The first report
  // is due at the first boundary after now_ms.
  static Result<StatusTimer> make(int64_t interval_ms, int64_t now_ms) {
    if (interval_ms <= 0 || interval_ms > kMaxPeriodMs)
      return make_error(Errc::invalid_input,
                        "status interval must be positive, got " + std::to_string(interval_ms) + " ms");
    return StatusTimer(interval_ms, now_ms);
  }

  int64_t interval_ms() const { return interval_ms_; }
  // First UTC-aligned boundary strictly after now_ms.
  int64_t next_after(int64_t now_ms) const { return boundary_after(now_ms, interval_ms_); }
  // The pending report's instant: arm the timer for it.
  int64_t next_wakeup_ms() const { return next_ms_; }
  bool due(int64_t now_ms) const { return now_ms >= next_ms_; }
  // A report went out at now_ms: the next is due at the following boundary.
  void mark_sent(int64_t now_ms) { next_ms_ = next_after(now_ms); }

 private:
  StatusTimer(int64_t interval_ms, int64_t now_ms)
      : interval_ms_(interval_ms), next_ms_(boundary_after(now_ms, interval_ms)) {}

  int64_t interval_ms_;  // constant after construction
  int64_t next_ms_;      // the boundary the next report is due at
};

}  // namespace tn
