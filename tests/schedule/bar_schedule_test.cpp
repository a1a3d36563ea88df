#define BOOST_TEST_MODULE schedule_bars
#include <boost/test/unit_test.hpp>

#include <date/date.h>

#include <map>
#include <random>

#include "schedule/bar_schedule.hpp"
#include "common/clock.hpp"
#include "schedule/status_timer.hpp"

using namespace tn;

namespace {
constexpr int64_t S = kSecondMs, M = kMinuteMs, H = kHourMs, D = kDayMs, W = kWeekMs;

// UTC ms of a calendar date and time.
int64_t utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  const date::sys_days day{date::year{y} / date::month{mo} / date::day{d}};
  return (day.time_since_epoch().count() * 86400LL + h * 3600LL + mi * 60LL + s) * 1000;
}
const int64_t T0 = utc(2026, 3, 4);  // a Wednesday, 00:00 UTC
}  // namespace

BOOST_AUTO_TEST_CASE(manual_clock_moves_only_when_told) {
  ManualClock c(T0);
  BOOST_TEST(c.now_ms() == T0);
  BOOST_TEST(c.advance(5 * S) == T0 + 5 * S);
  c.set(T0 - H);
  BOOST_TEST(c.now_ms() == T0 - H);
  const Clock& sys = SystemClock::instance();
  BOOST_TEST(sys.now_ms() > utc(2024, 1, 1));  // wall time, not zero
}

BOOST_AUTO_TEST_CASE(bar_closes_align_to_utc_boundaries) {
  const int64_t t = utc(2026, 3, 4, 13, 17, 5);  // Wed 13:17:05
  BOOST_TEST(next_bar_close_after(t, H) == utc(2026, 3, 4, 14));
  BOOST_TEST(next_bar_close_after(t, 4 * H) == utc(2026, 3, 4, 16));
  BOOST_TEST(next_bar_close_after(t, D) == utc(2026, 3, 5));
  BOOST_TEST(next_bar_close_after(t, W) == utc(2026, 3, 9));  // Monday 00:00 UTC
  BOOST_TEST(next_bar_close_after(t, 15 * M) == utc(2026, 3, 4, 13, 30));
  BOOST_TEST(bar_close_at_or_before(t, W) == utc(2026, 3, 2));  // the Monday before
  // A time on a boundary: that bar is closed, the next close is one tf later.
  BOOST_TEST(bar_close_at_or_before(utc(2026, 3, 4, 16), 4 * H) == utc(2026, 3, 4, 16));
  BOOST_TEST(next_bar_close_after(utc(2026, 3, 4, 16), 4 * H) == utc(2026, 3, 4, 20));
  BOOST_TEST(next_bar_close_after(utc(2026, 3, 9), W) == utc(2026, 3, 16));
  BOOST_TEST(next_bar_close_after(utc(2026, 3, 8, 23, 59, 59), W) == utc(2026, 3, 9));
  // Before the epoch: floors, not truncation toward zero.
  BOOST_TEST(next_bar_close_after(-1, H) == 0);
  BOOST_TEST(bar_close_at_or_before(-1, H) == -H);
  BOOST_TEST(bar_close_at_or_before(0, W) == utc(1969, 12, 29));  // a Monday
  // Extreme inputs saturate instead of overflowing.
  BOOST_TEST(next_bar_close_after(INT64_MAX, H) > 0);
  BOOST_TEST(next_bar_close_after(INT64_MIN, H) < 0);
}

BOOST_AUTO_TEST_CASE(default_minimum_intervals) {
  BOOST_TEST(default_min_interval_ms(H) == 300 * S);
  BOOST_TEST(default_min_interval_ms(4 * H) == 1200 * S);
  BOOST_TEST(default_min_interval_ms(D) == 3600 * S);
  BOOST_TEST(default_min_interval_ms(15 * M) == 75 * S);  // tf / 12
  BOOST_TEST(default_min_interval_ms(5 * M) == 60 * S);   // floor
  BOOST_TEST(default_min_interval_ms(M) == 60 * S);
  BOOST_TEST(default_min_interval_ms(W) == 14 * H);
}

BOOST_AUTO_TEST_CASE(add_rejects_bad_streams) {
  BarSchedule s;
  BOOST_TEST(s.add(1, H).ok());
  BOOST_TEST(s.add(1, 4 * H).error().code == Errc::invalid_input);  // duplicate id
  BOOST_TEST(!s.add(2, 0).ok());
  BOOST_TEST(!s.add(2, -H).ok());
  BOOST_TEST(!s.add(2, H, -1).ok());
  BOOST_TEST(!s.add(2, INT64_MAX).ok());
  BOOST_TEST(s.size() == 1u);
  BOOST_TEST(!s.mark_checked(7, T0));  // unknown stream
  BOOST_TEST(s.next_due_ms(7) == kNeverMs);
  BOOST_TEST(!s.last_check_ms(7).has_value());
}

BOOST_AUTO_TEST_CASE(empty_schedule_never_wakes) {
  BarSchedule s;
  BOOST_TEST(s.next_wakeup_ms(T0) == kNeverMs);
  BOOST_TEST(s.due(T0).empty());
}

BOOST_AUTO_TEST_CASE(fresh_stream_is_due_at_once_then_at_each_close) {
  BarSchedule s;
  BOOST_REQUIRE(s.add(3, H).ok());
  const int64_t now = utc(2026, 3, 4, 0, 0, 30);
  BOOST_TEST(s.due(now) == std::vector<uint32_t>{3});
  BOOST_TEST(s.next_wakeup_ms(now) == now);
  BOOST_TEST(s.due(now) == std::vector<uint32_t>{3});  // due() changes nothing
  BOOST_TEST(s.take_due(now) == std::vector<uint32_t>{3});
  BOOST_TEST(s.last_check_ms(3).value_or(-1) == now);
  // Checked at 00:00:30: the next 1h close (01:00) is 59.5 min away, more
  // than the 300 s minimum, so the close decides.
  BOOST_TEST(s.next_wakeup_ms(now) == utc(2026, 3, 4, 1));
  BOOST_TEST(s.due(utc(2026, 3, 4, 0, 59, 59)).empty());
  BOOST_TEST(s.due(utc(2026, 3, 4, 1)) == std::vector<uint32_t>{3});
  BOOST_TEST(s.closed_bar_ms(3, utc(2026, 3, 4, 1, 0, 1)) == utc(2026, 3, 4, 1));
}

BOOST_AUTO_TEST_CASE(minimum_interval_delays_a_close_right_after_a_check) {
  BarSchedule s;
  BOOST_REQUIRE(s.add(1, H).ok());
  s.mark_checked(1, utc(2026, 3, 4, 0, 58));  // e.g. a run-now at 00:58
  // The 01:00 close would be only 120 s later: wait for 00:58 + 300 s.
  BOOST_TEST(s.next_due_ms(1) == utc(2026, 3, 4, 1, 3));
  BOOST_TEST(s.due(utc(2026, 3, 4, 1)).empty());
  BOOST_TEST(s.due(utc(2026, 3, 4, 1, 3)) == std::vector<uint32_t>{1});
  // A custom (overridden) interval.
  BarSchedule c;
  BOOST_REQUIRE(c.add(1, 15 * M, 20 * M).ok());
  c.mark_checked(1, utc(2026, 3, 4, 0, 0));
  BOOST_TEST(c.next_due_ms(1) == utc(2026, 3, 4, 0, 20));  // the 00:15 close is too soon
  c.mark_checked(1, utc(2026, 3, 4, 0, 20));
  BOOST_TEST(c.next_due_ms(1) == utc(2026, 3, 4, 0, 40));  // the 00:30 close, held to +20 min
}

BOOST_AUTO_TEST_CASE(run_now_ignores_closes_and_minimum_intervals) {
  BarSchedule s;
  BOOST_REQUIRE(s.add(1, H).ok());
  BOOST_REQUIRE(s.add(2, D).ok());
  const int64_t t1 = utc(2026, 3, 4, 0, 10);
  s.take_due(t1);  // both checked at 00:10
  BOOST_TEST(s.due(t1 + M).empty());
  s.run_now();
  BOOST_TEST(s.next_wakeup_ms(t1 + M) == t1 + M);
  BOOST_TEST(s.take_due(t1 + M) == (std::vector<uint32_t>{1, 2}));
  // A second run-now 60 s later (well within 300 s) is honoured too: it is
  // an explicit request; the minimum interval only limits the schedule.
  s.run_now();
  BOOST_TEST(s.take_due(t1 + 2 * M) == (std::vector<uint32_t>{1, 2}));
  BOOST_TEST(s.due(t1 + 2 * M).empty());  // one check per run_now
  // The interval still counts from the last (forced) check.
  s.run_now();
  s.take_due(utc(2026, 3, 4, 0, 58));
  BOOST_TEST(s.next_due_ms(1) == utc(2026, 3, 4, 1, 3));
  // A run-now after the close covers that bar: the next check is at 02:00.
  s.run_now();
  s.take_due(utc(2026, 3, 4, 1, 0, 30));
  BOOST_TEST(s.next_due_ms(1) == utc(2026, 3, 4, 2));
  BOOST_TEST(s.next_due_ms(2) == utc(2026, 3, 5));
}

BOOST_AUTO_TEST_CASE(close_delay_shifts_every_check) {
  BarSchedule s(2 * S);
  BOOST_REQUIRE(s.add(1, 4 * H).ok());
  s.mark_checked(1, utc(2026, 3, 4, 4, 0, 2));  // the 04:00 bar, checked at 04:00:02
  BOOST_TEST(s.next_due_ms(1) == utc(2026, 3, 4, 8, 0, 2));
  BOOST_TEST(s.closed_bar_ms(1, utc(2026, 3, 4, 8, 0, 1)) == utc(2026, 3, 4, 4));  // not final yet
  BOOST_TEST(s.closed_bar_ms(1, utc(2026, 3, 4, 8, 0, 2)) == utc(2026, 3, 4, 8));
  // A check at 08:00:01 came before the delay: it did not cover the 08:00 bar.
  s.mark_checked(1, utc(2026, 3, 4, 8, 0, 1));
  BOOST_TEST(s.next_due_ms(1) == utc(2026, 3, 4, 8, 20, 1));  // the bar, held by 1200 s
}

BOOST_AUTO_TEST_CASE(restored_last_check_and_outage) {
  BarSchedule s;
  BOOST_REQUIRE(s.add(1, H).ok());
  // Last check persisted before a restart: 3 closes were missed while down.
  s.mark_checked(1, utc(2026, 3, 4, 9, 0, 5));
  const int64_t now = utc(2026, 3, 4, 12, 30);
  BOOST_TEST(s.due(now) == std::vector<uint32_t>{1});
  s.take_due(now);
  BOOST_TEST(s.next_due_ms(1) == utc(2026, 3, 4, 13));  // one catch-up check, not three
  // An older mark (stale persisted value) does not move the last check back.
  s.mark_checked(1, utc(2026, 3, 4, 9));
  BOOST_TEST(s.last_check_ms(1).value_or(-1) == now);
}

BOOST_AUTO_TEST_CASE(clock_stepping_back_does_not_spin) {
  BarSchedule s;
  BOOST_REQUIRE(s.add(1, H).ok());
  s.mark_checked(1, utc(2026, 3, 4, 10, 0, 30));
  const int64_t back = utc(2026, 3, 4, 9, 15);  // NTP stepped the clock back
  BOOST_TEST(s.due(back).empty());
  BOOST_TEST(s.next_wakeup_ms(back) == utc(2026, 3, 4, 11));
}

// The actor's loop, simulated: jump to next_wakeup, take what is due, repeat.
// Every wakeup has work (an idle node does not poll), every stream is checked
// exactly once per bar, at its close, and never twice within its interval.
BOOST_AUTO_TEST_CASE(next_wakeup_across_many_streams) {
  BarSchedule s;
  std::map<uint32_t, int64_t> tf;
  const int64_t tfs[] = {M, 5 * M, 15 * M, H, 4 * H, D, W};
  std::mt19937 rng(42);
  for (uint32_t id = 0; id < 120; ++id) {
    tf[id] = tfs[rng() % std::size(tfs)];
    BOOST_REQUIRE(s.add(id * 7 + 3, tf[id]).ok());  // ids need not be dense
  }
  int64_t now = utc(2026, 3, 4);
  BOOST_TEST(s.take_due(now).size() == tf.size());  // first round: all fresh
  std::map<uint32_t, int64_t> last;
  for (auto& [id, t] : tf) last[id] = now;
  std::map<uint32_t, int64_t> checks;
  int64_t wakeups = 0, off_close = 0, too_soon = 0, skipped_bar = 0;
  const int64_t end = utc(2026, 3, 12);  // eight days, one weekly close
  while (true) {
    const int64_t next = s.next_wakeup_ms(now);
    BOOST_REQUIRE(next > now);  // nothing due right after a round
    if (next > end) break;
    now = next;
    ++wakeups;
    const auto due = s.take_due(now);
    BOOST_REQUIRE(!due.empty());
    for (uint32_t sid : due) {
      const uint32_t id = (sid - 3) / 7;
      off_close += now != bar_close_at_or_before(now, tf[id]);
      too_soon += now - last[id] < default_min_interval_ms(tf[id]);
      skipped_bar += now - last[id] > tf[id];
      last[id] = now;
      ++checks[id];
    }
  }
  BOOST_TEST(off_close == 0);
  BOOST_TEST(too_soon == 0);
  BOOST_TEST(skipped_bar == 0);
  const int64_t span = end - utc(2026, 3, 4);
  for (auto& [id, t] : tf) {
    const int64_t expected = t == W ? 1 : span / t;  // the weekly close: Mon 03-09
    BOOST_TEST(checks[id] == expected, "stream " << id << " tf " << t);
  }
  BOOST_TEST(wakeups == span / M);  // 1m streams (60 s interval) need every minute
}

BOOST_AUTO_TEST_CASE(sparse_streams_sleep_until_the_next_close) {
  BarSchedule s;
  BOOST_REQUIRE(s.add(10, D).ok());
  BOOST_REQUIRE(s.add(11, 4 * H).ok());
  BOOST_REQUIRE(s.add(12, W).ok());
  s.take_due(utc(2026, 3, 4, 1));
  BOOST_TEST(s.next_wakeup_ms(utc(2026, 3, 4, 1)) == utc(2026, 3, 4, 4));
  s.take_due(utc(2026, 3, 4, 4));
  BOOST_TEST(s.due(utc(2026, 3, 4, 4)).empty());
  BOOST_TEST(s.next_wakeup_ms(utc(2026, 3, 4, 4)) == utc(2026, 3, 4, 8));
  BOOST_TEST(s.next_due_ms(10) == utc(2026, 3, 5));
  BOOST_TEST(s.next_due_ms(12) == utc(2026, 3, 9));
}

BOOST_AUTO_TEST_CASE(status_timer_every_six_hours_on_utc_multiples) {
  auto t = StatusTimer::make(kDefaultStatusIntervalMs, utc(2026, 3, 4, 5, 59));
  BOOST_REQUIRE(t.ok());
  BOOST_TEST(t->next_wakeup_ms() == utc(2026, 3, 4, 6));
  BOOST_TEST(!t->due(utc(2026, 3, 4, 5, 59, 59)));
  BOOST_TEST(t->due(utc(2026, 3, 4, 6)));
  t->mark_sent(utc(2026, 3, 4, 6));
  BOOST_TEST(t->next_wakeup_ms() == utc(2026, 3, 4, 12));  // on a boundary: the next one
  // Late by a whole day (node was down): one report, then back on the grid.
  BOOST_TEST(t->due(utc(2026, 3, 5, 13)));
  t->mark_sent(utc(2026, 3, 5, 13));
  BOOST_TEST(t->next_wakeup_ms() == utc(2026, 3, 5, 18));
  BOOST_TEST(t->next_after(utc(2026, 3, 4, 23, 59)) == utc(2026, 3, 5));
  auto hourly = StatusTimer::make(H, utc(2026, 3, 4, 7, 30));
  BOOST_REQUIRE(hourly.ok());
  BOOST_TEST(hourly->next_wakeup_ms() == utc(2026, 3, 4, 8));
  BOOST_TEST(!StatusTimer::make(0, T0).ok());
  BOOST_TEST(StatusTimer::make(-H, T0).error().code == Errc::invalid_input);
}
