#define BOOST_TEST_MODULE check_scheduler
// The node's check scheduler in replay (simulated clock) and live modes.
#include <boost/test/unit_test.hpp>

#include "schedule/check_scheduler.hpp"
#include "schedule/late_retry.hpp"
#include "tests/schedule/check_scheduler_util.hpp"

using namespace tn;
using namespace tn::test;


BOOST_AUTO_TEST_CASE(replay_visits_every_bar_close_in_order) {
  CheckSchedulerOptions o;
  o.start_ms = T0 + 4 * H;
  o.end_ms = T0 + D;
  auto s = make({{0, 4 * H, -1, 0, T0 + 4 * H}, {1, D, -1, 0, T0 + D}}, o);
  std::vector<int64_t> times;
  while (!s.last_sent()) {
    auto [t, streams] = step(s);
    times.push_back(t);
    if (t < T0 + D) BOOST_TEST((streams == std::vector<uint32_t>{0}));  // the daily is not due yet
    else BOOST_TEST((streams == std::vector<uint32_t>{0, 1}));
  }
  BOOST_TEST((times == std::vector<int64_t>{T0 + 4 * H, T0 + 8 * H, T0 + 12 * H, T0 + 16 * H,
                                            T0 + 20 * H, T0 + D}));
  BOOST_TEST(!s.next_check(0).has_value());  // over
}

BOOST_AUTO_TEST_CASE(replay_skips_time_before_a_streams_first_bar) {
  CheckSchedulerOptions o;
  o.start_ms = T0 + H;
  o.end_ms = T0 + 10 * D;
  // The hourly stream's data starts 9 days later: no hourly ticks before.
  auto s = make({{0, D, -1, 0, T0 + D}, {1, H, -1, 0, T0 + 9 * D + H}}, o);
  int checks = 0;
  while (!s.last_sent()) {
    step(s);
    ++checks;
  }
  BOOST_TEST(checks == 9 + 23 + 1);  // 9 daily closes, 23 hours, then T0+10D (the last)
}

BOOST_AUTO_TEST_CASE(credit_bounds_undecided_checks_and_ack_reports_times) {
  CheckSchedulerOptions o;
  o.start_ms = T0 + H;
  o.end_ms = T0 + D;
  o.credit = 2;
  auto s = make({{0, H, -1, 0, T0 + H}}, o);
  auto a = s.next_check(0), b = s.next_check(0);
  BOOST_REQUIRE(a && b);
  BOOST_TEST(!s.next_check(0).has_value());
  BOOST_TEST(!s.idle());
  BOOST_TEST(s.ack(2).value() == T0 + 2 * H);  // acks are cumulative
  BOOST_TEST(!s.ack(1).has_value());           // old news
  BOOST_TEST(!s.ack(99).has_value());          // never sent
  BOOST_TEST(s.idle());
  BOOST_TEST(s.next_check(0).has_value());
}

BOOST_AUTO_TEST_CASE(the_last_check_reads_every_stream_and_ends) {
  CheckSchedulerOptions o;
  o.start_ms = T0 + D;
  o.end_ms = T0 + D;
  o.shards = 2;
  auto s2 = make({{0, D, -1, 0, T0 + D}, {3, H, -1, 1, T0 + D}}, o);
  auto c = s2.next_check(0);
  BOOST_REQUIRE(c && c->size() == 2u);
  BOOST_TEST((*c)[0].last);
  BOOST_TEST((*c)[1].last);
  BOOST_TEST(((*c)[0].streams == std::vector<uint32_t>{0}));
  BOOST_TEST(((*c)[1].streams == std::vector<uint32_t>{3}));
  BOOST_TEST(s2.last_sent());
}

BOOST_AUTO_TEST_CASE(a_stop_sends_an_empty_last_check_after_those_in_flight) {
  CheckSchedulerOptions o;
  o.start_ms = T0 + H;
  o.end_ms = T0 + 10 * D;
  auto s = make({{0, H, -1, 0, T0 + H}}, o);
  auto a = s.next_check(0);
  s.request_stop();
  auto b = s.next_check(0);
  BOOST_REQUIRE(a && b);
  BOOST_TEST((*b)[0].last);
  BOOST_TEST((*b)[0].streams.empty());
  BOOST_TEST((*b)[0].window == (*a)[0].window + 1);
  BOOST_TEST(!s.next_check(0).has_value());
}

BOOST_AUTO_TEST_CASE(resume_continues_after_the_last_decided_check) {
  CheckSchedulerOptions o;
  o.start_ms = T0 + H;
  o.end_ms = T0 + D;
  auto s = make({{0, H, -1, 0, T0 + H}}, o);
  s.resume(T0 + 5 * H);
  BOOST_TEST(step(s).first == T0 + 6 * H);  // 5h was decided before the restart
}

BOOST_AUTO_TEST_CASE(live_mode_waits_for_bar_closes_and_minimum_intervals) {
  CheckSchedulerOptions o;
  o.simulated = false;
  auto s = make({{0, H, -1, 0}}, o);
  const int64_t now = T0 + 10 * H + 60'000;
  auto first = s.next_check(now);  // never checked: due at once
  BOOST_REQUIRE(first);
  BOOST_TEST((*first)[0].streams.size() == 1u);
  BOOST_REQUIRE(s.ack((*first)[0].window));
  BOOST_TEST(!s.next_check(now + 1000).has_value());
  BOOST_TEST(s.next_wakeup_ms(now + 1000) == T0 + 11 * H);
  BOOST_TEST(s.next_check(T0 + 11 * H).has_value());
  BOOST_TEST(!s.next_check(T0 + 11 * H + 10).has_value());
  s.run_now();  // ignores bar and interval
  BOOST_TEST(s.next_check(T0 + 11 * H + 10).has_value());
}

// Status: the clock and each stream's next check, in the node's clock.
BOOST_AUTO_TEST_CASE(view_gives_the_next_check_in_simulated_time_in_replay) {
  CheckSchedulerOptions o;
  o.start_ms = T0 + 4 * H;
  o.end_ms = T0 + D + 4 * H;
  auto s = make({{0, 4 * H, -1, 0, T0 + 4 * H}, {1, D, -1, 0, T0 + D}}, o);
  const int64_t wall = T0 + 5000 * D;  // ignored: the replay has its own clock
  auto v = s.view(wall);
  BOOST_TEST(v.now_ms == T0 + 4 * H);
  BOOST_TEST(v.streams[0].next_check_ms == T0 + 4 * H);  // its first close: due now
  BOOST_TEST(v.streams[1].next_check_ms == T0 + D);      // not before its first bar
  step(s);  // 04:00
  v = s.view(wall);
  BOOST_TEST(v.streams[0].last_check_ms == T0 + 4 * H);
  BOOST_TEST(v.streams[0].next_check_ms == T0 + 8 * H);
  BOOST_TEST(v.streams[1].last_check_ms == 0);
  while (s.view(wall).now_ms < T0 + D) step(s);
  v = s.view(wall);
  BOOST_TEST(v.streams[1].last_check_ms == T0 + D);
  BOOST_TEST(v.streams[1].next_check_ms == T0 + D + 4 * H);  // the data's end: the last check
  BOOST_TEST(v.checks == 7u);
  while (!s.last_sent()) step(s);
  v = s.view(wall);
  BOOST_TEST(v.now_ms == T0 + D + 4 * H);
  BOOST_TEST(v.streams[0].next_check_ms == 0);  // none left
  BOOST_TEST(v.streams[1].next_check_ms == 0);
}

BOOST_AUTO_TEST_CASE(view_gives_the_next_check_in_wall_time_live) {
  CheckSchedulerOptions o;
  o.simulated = false;
  auto s = make({{0, H, -1, 0}, {1, 4 * H, -1, 0}}, o);
  const int64_t now = T0 + 10 * H + 60'000;
  BOOST_TEST(s.view(now).streams[0].next_check_ms == now);  // never checked: due now
  auto c = s.next_check(now);
  BOOST_REQUIRE(c);
  BOOST_REQUIRE(s.ack((*c)[0].window));
  auto v = s.view(now + 1000);
  BOOST_TEST(v.now_ms == now + 1000);
  BOOST_TEST(v.streams[0].next_check_ms == T0 + 11 * H);
  BOOST_TEST(v.streams[1].next_check_ms == T0 + 12 * H);
  // Past its due time (credit used, or the timer not fired yet): now.
  BOOST_TEST(s.view(T0 + 11 * H + 5).streams[0].next_check_ms == T0 + 11 * H + 5);
}

BOOST_AUTO_TEST_CASE(live_retries_check_one_stream_again_without_moving_its_schedule) {
  CheckSchedulerOptions o;
  o.simulated = false;
  o.shards = 2;
  auto s = make({{0, H, -1, 0}, {1, H, -1, 1}}, o);
  auto first = s.next_check(T0 + 11 * H);  // both at once
  BOOST_REQUIRE(first);
  BOOST_REQUIRE(s.ack((*first)[0].window));
  // Stream 1's bar was not served: asked again 2 s later, only stream 1, only its shard.
  s.retry(1, T0 + 11 * H + 2'000);
  BOOST_TEST(s.next_wakeup_ms(T0 + 11 * H + 100) == T0 + 11 * H + 2'000);
  BOOST_TEST(!s.next_check(T0 + 11 * H + 1'999).has_value());
  auto again = s.next_check(T0 + 11 * H + 2'000);
  BOOST_REQUIRE(again);
  BOOST_TEST((*again)[0].streams.empty());
  BOOST_TEST(((*again)[1].streams == std::vector<uint32_t>{1}));
  BOOST_TEST((*again)[0].window == (*first)[0].window + 1);  // the next window: decided in order
  BOOST_REQUIRE(s.ack((*again)[0].window));
  // Taken once; the regular checks keep their times (a retry is no check for the minimum interval).
  BOOST_TEST(!s.next_check(T0 + 11 * H + 3'000).has_value());
  BOOST_TEST(s.next_wakeup_ms(T0 + 11 * H + 3'000) == T0 + 12 * H);
  // A retry at a regular check's time joins it; a later call replaces an earlier one.
  s.retry(0, T0 + 12 * H + 5'000);
  s.retry(0, T0 + 12 * H);
  auto both = s.next_check(T0 + 12 * H);
  BOOST_REQUIRE(both);
  BOOST_TEST(((*both)[0].streams == std::vector<uint32_t>{0}));
  BOOST_TEST(((*both)[1].streams == std::vector<uint32_t>{1}));
  BOOST_REQUIRE(s.ack((*both)[0].window));
  BOOST_TEST(s.next_wakeup_ms(T0 + 12 * H + 1) == T0 + 13 * H);
  // Unknown streams, and retries once the run is stopping, are ignored.
  s.retry(7, T0 + 12 * H + 10);
  s.request_stop();
  s.retry(0, T0 + 12 * H + 10);
  auto last = s.next_check(T0 + 12 * H + 10);
  BOOST_REQUIRE(last);
  BOOST_TEST((*last)[0].last);
  BOOST_TEST((*last)[0].streams.empty());
}

BOOST_AUTO_TEST_CASE(replay_ignores_retries) {
  CheckSchedulerOptions o;
  o.start_ms = T0 + H;
  o.end_ms = T0 + 3 * H;
  auto s = make({{0, H, -1, 0, T0 + H}}, o);
  s.retry(0, T0);
  std::vector<int64_t> times;
  while (!s.last_sent()) times.push_back(step(s).first);
  BOOST_TEST((times == std::vector<int64_t>{T0 + H, T0 + 2 * H, T0 + 3 * H}));
}

BOOST_AUTO_TEST_CASE(late_retries_back_off_inside_the_late_window) {
  const int64_t M = 60'000;
  const int64_t close = T0 + 10 * H;
  // Missed at its close: 2, 6, 14, 30 s after it, then the window (one 1m bar) is over.
  std::vector<int64_t> at;
  for (uint32_t k = 1; k <= 5; ++k) at.push_back(late_retry_at(close, M, close, k, close));
  BOOST_TEST((at == std::vector<int64_t>{close + 2'000, close + 6'000, close + 14'000, close + 30'000, kNeverMs}));
  // A 1h bar: 18 retries, waits capped at 5 min, the last one before the next bar is due.
  std::vector<int64_t> hourly;
  for (uint32_t k = 1; k < 40; ++k) {
    const int64_t t = late_retry_at(close, H, close, k, close);
    if (t == kNeverMs) break;
    hourly.push_back(t);
  }
  BOOST_REQUIRE_EQUAL(hourly.size(), 18u);
  BOOST_TEST(hourly.back() == close + 3'510'000);
  for (size_t i = 1; i < hourly.size(); ++i) BOOST_TEST(hourly[i] - hourly[i - 1] <= 300'000);
  // A 1d bar waits an hour at most; never sooner than 2 s after the attempt just made.
  BOOST_TEST(late_retry_at(close, D, close, 1, close + H - 2'001) == close + H - 1);
  BOOST_TEST(late_retry_at(close, D, close, 1, close + H - 2'000) == kNeverMs);
  BOOST_TEST(late_retry_at(close, M, close + 5'000, 1, close + 5'000) == close + 7'000);  // counted from the miss
}

BOOST_AUTO_TEST_CASE(bad_streams_are_refused) {
  CheckSchedulerOptions o;
  BOOST_TEST(!CheckScheduler::make({{0, 0, -1, 0}}, o).ok());   // tf 0
  BOOST_TEST(!CheckScheduler::make({{0, H, -1, 1}}, o).ok());   // shard out of range
  BOOST_TEST(!CheckScheduler::make({{0, H, -1, 0}, {0, D, -1, 0}}, o).ok());  // id twice
  o.credit = 0;
  BOOST_TEST(!CheckScheduler::make({{0, H, -1, 0}}, o).ok());
}
