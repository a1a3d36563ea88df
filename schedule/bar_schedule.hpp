#pragma once
// When to check each (symbol, timeframe) stream: at its bar close, aligned
// to UTC boundaries, and never more often than a per-timeframe minimum
// interval (it protects the data sources' rate limits).
//
// Pure logic: no clock, no threads. The actor owns a Clock and drives it:
//
//   for (auto s : sched.take_due(now)) request_fetch(s);   // marks them checked
//   int64_t next = sched.next_wakeup_ms(now);              // kNeverMs: nothing
//   if (next != kNeverMs) delayed_send(self, ms(next - now), wakeup_atom);
//
// One pending timer per schedule, so an idle node sleeps until the next close
// (re-arm after add() or run_now()). A timer that fires a little early just
// finds nothing due and re-arms for the remaining few ms: no busy loop.
//
// Rules (each tested in tests/schedule/bar_schedule_test.cpp):
//  - bar boundaries are multiples of tf since the epoch; week-based tf start
//    Monday 00:00 UTC (Binance). A stream is due once the bar that closes at
//    the next boundary after its last check has closed (+ close_delay);
//  - it is never due sooner than last_check + min_interval;
//  - a stream never checked (fresh start, nothing restored) is due at once;
//  - after a long outage it is due once, not once per missed bar;
//  - run_now() makes every stream due at once, ignoring bar closes and
//    minimum intervals. The interval still counts from that check: a run_now
//    at 00:58 delays a 1h stream's 01:00 check to 01:03 (300 s), and a
//    run_now after 01:00 covers the 01:00 bar (next check 02:00);
//  - a clock that steps backwards does not trigger extra checks.
#include <cstdint>
#include <optional>
#include <vector>

#include "common/time.hpp"
#include "common/clock.hpp"
#include "common/error.hpp"

namespace tn {

// Bar boundaries of a timeframe (see above). t and results in UTC ms.
int64_t bar_offset_ms(int64_t tf_ms);
int64_t bar_close_at_or_before(int64_t t_ms, int64_t tf_ms);
int64_t next_bar_close_after(int64_t t_ms, int64_t tf_ms);  // strictly after

// Default minimum interval between two checks of one stream: 1h 300 s,
// 4h 1200 s, 1d 3600 s, otherwise tf / 12 but at least 60 s.
int64_t default_min_interval_ms(int64_t tf_ms);

class BarSchedule {
 public:
  // close_delay_ms: how long after a bar's close its check is due (exchanges
  // finalise the last bar a moment late). Negative is treated as 0.
  explicit BarSchedule(int64_t close_delay_ms = 0);

  // Registers a stream. invalid_input for tf_ms <= 0, a negative or huge
  // interval, or a stream id already present.
  Status add(uint32_t stream, int64_t tf_ms);  // default_min_interval_ms(tf)
  Status add(uint32_t stream, int64_t tf_ms, int64_t min_interval_ms);

  bool contains(uint32_t stream) const { return find(stream) != nullptr; }
  size_t size() const { return entries_.size(); }

  // Streams due at now_ms, ascending by id. Does not change anything.
  std::vector<uint32_t> due(int64_t now_ms) const;
  // due(now_ms), each marked checked at now_ms: call when dispatching.
  std::vector<uint32_t> take_due(int64_t now_ms);

  // Records a check started at now_ms and clears a run_now(). Also restores a
  // last check persisted before a restart. An older time than the one held
  // is ignored. False for an unknown stream.
  bool mark_checked(uint32_t stream, int64_t now_ms);

  // Every stream becomes due now, whatever its bar and minimum interval.
  void run_now();

  // When `stream` becomes due (may be <= now: due already); kNeverMs if
  // unknown. A never-checked or run_now stream answers INT64_MIN.
  int64_t next_due_ms(uint32_t stream) const;
  // The instant to arm the one timer for: min over streams of next_due_ms,
  // never earlier than now_ms. kNeverMs when there are no streams.
  int64_t next_wakeup_ms(int64_t now_ms) const;

  // Last recorded check, nullopt if never checked (or unknown stream).
  std::optional<int64_t> last_check_ms(uint32_t stream) const;
  // Close time of the newest bar complete at now_ms for this stream (what a
  // check at now_ms evaluates); kNeverMs if unknown.
  int64_t closed_bar_ms(uint32_t stream, int64_t now_ms) const;

 private:
  struct Entry {
    uint32_t stream = 0;
    int64_t tf_ms = 0;
    int64_t min_interval_ms = 0;
    std::optional<int64_t> last_check_ms;  // nullopt: never checked
    bool forced = false;                   // run_now() pending
  };
  const Entry* find(uint32_t stream) const;
  Entry* find(uint32_t stream);
  int64_t due_at(const Entry& e) const;

  // Constant after construction.
  int64_t close_delay_ms_;
  // Sorted by stream id (binary search; due() comes out ordered). Scans are
  // O(streams) per wakeup: a watchlist is tens to hundreds of streams.
  std::vector<Entry> entries_;
};

}  // namespace tn
