#define BOOST_TEST_MODULE check_scheduler
// The node's check scheduler in replay (simulated clock) and live modes.
#include <boost/test/unit_test.hpp>

#include "schedule/check_scheduler.hpp"

using namespace tn;

namespace {

constexpr int64_t H = 3'600'000;
constexpr int64_t D = 24 * H;
constexpr int64_t T0 = 1'700'006'400'000;  // a UTC midnight (2023-11-15)

CheckScheduler make(std::vector<CheckStream> streams, CheckSchedulerOptions o) {
  auto r = CheckScheduler::make(streams, o);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().message));
  return std::move(r.value());
}

// Takes the next check and acks it at once; returns (time, streams of all shards).
std::pair<int64_t, std::vector<uint32_t>> step(CheckScheduler& s) {
  auto c = s.next_check(0);
  BOOST_REQUIRE(c.has_value());
  std::vector<uint32_t> all;
  for (const auto& part : *c) all.insert(all.end(), part.streams.begin(), part.streams.end());
  std::sort(all.begin(), all.end());
  BOOST_REQUIRE(s.ack((*c)[0].window).has_value());
  return {(*c)[0].now_ms, all};
}

}  // namespace

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

BOOST_AUTO_TEST_CASE(bad_streams_are_refused) {
  CheckSchedulerOptions o;
  BOOST_TEST(!CheckScheduler::make({{0, 0, -1, 0}}, o).ok());   // tf 0
  BOOST_TEST(!CheckScheduler::make({{0, H, -1, 1}}, o).ok());   // shard out of range
  BOOST_TEST(!CheckScheduler::make({{0, H, -1, 0}, {0, D, -1, 0}}, o).ok());  // id twice
  o.credit = 0;
  BOOST_TEST(!CheckScheduler::make({{0, H, -1, 0}}, o).ok());
}
