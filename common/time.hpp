#pragma once
// UTC boundary arithmetic shared by the bar schedule and the status timer.
// Boundaries are offset + k * period for integer k (negative k too: times
// before 1970 floor correctly instead of truncating toward zero).
#include <algorithm>
#include <cstdint>

namespace tn {

inline constexpr int64_t kSecondMs = 1000;
inline constexpr int64_t kMinuteMs = 60 * kSecondMs;
inline constexpr int64_t kHourMs = 60 * kMinuteMs;
inline constexpr int64_t kDayMs = 24 * kHourMs;
inline constexpr int64_t kWeekMs = 7 * kDayMs;
// 1970-01-01 was a Thursday; Binance's weekly bars open Monday 00:00 UTC,
// the first of which after the epoch is 1970-01-05.
inline constexpr int64_t kMondayOffsetMs = 4 * kDayMs;
// Times are clamped to +-2^61 ms (~73 million years) before any arithmetic,
// so adding a period or an interval can never overflow int64.
inline constexpr int64_t kTimeLimitMs = int64_t{1} << 61;
// Periods and intervals are capped the same way (10000 weeks, the timeframe
// parser's own limit, is far below).
inline constexpr int64_t kMaxPeriodMs = int64_t{1} << 50;

inline int64_t clamp_time_ms(int64_t t) { return std::clamp(t, -kTimeLimitMs, kTimeLimitMs); }

inline int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Latest boundary <= t. Requires 0 < period <= kMaxPeriodMs, |offset| < period.
inline int64_t boundary_at_or_before(int64_t t, int64_t period, int64_t offset = 0) {
  t = clamp_time_ms(t);
  return floor_div(t - offset, period) * period + offset;
}

// First boundary strictly after t (a time on a boundary yields the next one).
inline int64_t boundary_after(int64_t t, int64_t period, int64_t offset = 0) {
  return boundary_at_or_before(t, period, offset) + period;
}

}  // namespace tn
