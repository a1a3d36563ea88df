// The check scheduler's cadence "hourly" (the hourly daemon's): checks on
// check_every, the minimum intervals, replay and live.
#include <boost/test/unit_test.hpp>

#include <memory>

#include "schedule/check_scheduler.hpp"
#include "tests/schedule/check_scheduler_util.hpp"

using namespace tn;
using namespace tn::test;

namespace {

constexpr int64_t M = 60'000;

// Check times every `step` from `from` (inclusive) to `to` (exclusive).
std::shared_ptr<const std::vector<int64_t>> times_every(int64_t from, int64_t to, int64_t step) {
  auto v = std::make_shared<std::vector<int64_t>>();
  for (int64_t t = from; t < to; t += step) v->push_back(t);
  return v;
}

CheckSchedulerOptions hourly_options(int64_t every) {
  CheckSchedulerOptions o;
  o.hourly = true;
  o.check_every_ms = every;
  o.start_ms = T0 + H;
  o.end_ms = T0 + 2 * D;
  return o;
}

// Every check until the last: (time, due streams); the last check separately.
std::vector<std::pair<int64_t, std::vector<uint32_t>>> run_all(CheckScheduler& s,
                                                                std::pair<int64_t, std::vector<uint32_t>>* last) {
  std::vector<std::pair<int64_t, std::vector<uint32_t>>> out;
  while (!s.last_sent()) {
    auto c = step(s);
    if (s.last_sent()) *last = c;
    else out.push_back(c);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(hourly_checks_every_stream_at_every_hour_close_with_the_daemons_intervals) {
  auto hours = times_every(T0 + H, T0 + D + H, H);  // one day of 1h closes
  auto s = make({{0, H, 300'000, 0, INT64_MIN, hours},
                 {1, 4 * H, 1'200'000, 0, INT64_MIN, hours},
                 {2, D, 3'600'000, 0, INT64_MIN, hours}},
                hourly_options(H));
  std::pair<int64_t, std::vector<uint32_t>> last;
  const auto checks = run_all(s, &last);
  BOOST_REQUIRE(checks.size() == 24u);  // a 1d stream too: every hour, not once a day
  for (size_t i = 0; i < checks.size(); ++i) {
    BOOST_TEST(checks[i].first == T0 + static_cast<int64_t>(i + 1) * H);
    BOOST_TEST((checks[i].second == std::vector<uint32_t>{0, 1, 2}));
  }
  // The end: one last check of every stream (the bars left), at the data's end.
  BOOST_TEST(last.first == T0 + 2 * D);
  BOOST_TEST((last.second == std::vector<uint32_t>{0, 1, 2}));
}

BOOST_AUTO_TEST_CASE(hourly_min_interval_holds_a_stream_back_between_checks) {
  // A 4h stream with min 1200 s and checks every 15 min: checked at most
  // every 20 min, so at :00 and :30 (the :15 and :45 checks come too soon);
  // a 1h stream with min 300 s is checked at every one.
  auto quarters = times_every(T0 + 15 * M, T0 + 2 * H + 1, 15 * M);
  auto o = hourly_options(15 * M);
  o.start_ms = T0 + 15 * M;
  auto s = make({{0, H, 300'000, 0, INT64_MIN, quarters}, {1, 4 * H, 1'200'000, 0, INT64_MIN, quarters}}, o);
  std::pair<int64_t, std::vector<uint32_t>> last;
  const auto checks = run_all(s, &last);
  std::vector<int64_t> four_hourly;
  int64_t prev = INT64_MIN;
  for (const auto& [t, streams] : checks) {
    BOOST_TEST(streams.front() == 0u);  // the 1h stream: every check
    if (streams.size() < 2) continue;
    if (prev != INT64_MIN) BOOST_TEST(t - prev >= 20 * M);
    four_hourly.push_back(prev = t);
  }
  BOOST_TEST(checks.size() == 8u);
  BOOST_TEST((four_hourly == std::vector<int64_t>{T0 + 15 * M, T0 + 45 * M, T0 + 75 * M, T0 + 105 * M}));
}

BOOST_AUTO_TEST_CASE(hourly_checks_are_aligned_to_check_every_and_need_a_price) {
  // check_every 2h: only the even hours' closes. Stream 1's symbol has no
  // 1h bar at 04:00 (a gap): it is not checked then; stream 0 is.
  auto all = times_every(T0 + H, T0 + 7 * H, H);
  auto gap = std::make_shared<std::vector<int64_t>>(*all);
  gap->erase(std::find(gap->begin(), gap->end(), T0 + 4 * H));
  auto o = hourly_options(2 * H);
  o.end_ms = T0 + 6 * H;
  auto s = make({{0, D, 3'600'000, 0, INT64_MIN, all}, {1, D, 3'600'000, 0, INT64_MIN, gap}}, o);
  std::pair<int64_t, std::vector<uint32_t>> last;
  const auto checks = run_all(s, &last);
  BOOST_REQUIRE(checks.size() == 3u);
  BOOST_TEST(checks[0].first == T0 + 2 * H);
  BOOST_TEST((checks[0].second == std::vector<uint32_t>{0, 1}));
  BOOST_TEST(checks[1].first == T0 + 4 * H);
  BOOST_TEST((checks[1].second == std::vector<uint32_t>{0}));
  BOOST_TEST(checks[2].first == T0 + 6 * H);
  BOOST_TEST((checks[2].second == std::vector<uint32_t>{0, 1}));
}

BOOST_AUTO_TEST_CASE(hourly_with_a_long_interval_skips_the_hours_in_between_and_resumes) {
  // min 7200 s on a 1d stream: every other hour; after a restart at 05:00
  // the next check is at 07:00, not before.
  auto hours = times_every(T0 + H, T0 + 12 * H, H);
  auto o = hourly_options(H);
  o.end_ms = T0 + 11 * H;
  auto s = make({{0, D, 7'200'000, 0, INT64_MIN, hours}}, o);
  std::pair<int64_t, std::vector<uint32_t>> last;
  std::vector<int64_t> times;
  for (const auto& c : run_all(s, &last)) times.push_back(c.first);
  BOOST_TEST((times == std::vector<int64_t>{T0 + H, T0 + 3 * H, T0 + 5 * H, T0 + 7 * H, T0 + 9 * H, T0 + 11 * H}));

  auto r = make({{0, D, 7'200'000, 0, INT64_MIN, hours}}, o);
  r.resume(T0 + 5 * H);
  BOOST_TEST(step(r).first == T0 + 7 * H);
}

BOOST_AUTO_TEST_CASE(an_hourly_replay_needs_check_times) {
  BOOST_TEST(!CheckScheduler::make({{0, D, 3'600'000, 0}}, hourly_options(H)).ok());
}

BOOST_AUTO_TEST_CASE(hourly_live_checks_on_the_clocks_step_boundaries_with_min_intervals) {
  // check_every 15m, a 4h stream at 1200 s and a 1h stream at 300 s. The
  // timer fires a little late each time; the checks keep their boundary.
  CheckSchedulerOptions o;
  o.simulated = false;
  o.hourly = true;
  o.check_every_ms = 15 * M;
  auto s = make({{0, H, 300'000, 0}, {1, 4 * H, 1'200'000, 0}}, o);
  BOOST_TEST(s.next_wakeup_ms(T0 + 3 * M) == T0 + 3 * M);  // never checked: at once
  std::vector<std::pair<int64_t, std::vector<uint32_t>>> seen;
  for (int64_t fire : {T0 + 3 * M, T0 + 15 * M + 2, T0 + 30 * M + 9, T0 + 45 * M, T0 + 60 * M + 1}) {
    BOOST_TEST(s.next_wakeup_ms(fire) <= fire);  // due by the time the timer fires
    auto c = s.next_check(fire);
    BOOST_REQUIRE(c.has_value());
    seen.push_back({(*c)[0].now_ms, (*c)[0].streams});
    BOOST_REQUIRE(s.ack((*c)[0].window).has_value());
    BOOST_TEST(!s.next_check(fire).has_value());  // once per boundary
    BOOST_TEST(s.next_wakeup_ms(fire) == (*c)[0].now_ms + 15 * M);
  }
  // The 4h stream: at 00:00, 00:30, 01:00 (never within 20 min); the 1h one at every step.
  const std::vector<std::pair<int64_t, std::vector<uint32_t>>> want{
      {T0, {0, 1}}, {T0 + 15 * M, {0}}, {T0 + 30 * M, {0, 1}}, {T0 + 45 * M, {0}}, {T0 + 60 * M, {0, 1}}};
  BOOST_TEST((seen == want));

  // A restart resumes after the last decided check; run_now checks everything at once.
  auto r = make({{0, H, 300'000, 0}, {1, 4 * H, 1'200'000, 0}}, o);
  r.resume(T0 + 60 * M);
  BOOST_TEST(!r.next_check(T0 + 61 * M).has_value());
  BOOST_TEST(r.next_wakeup_ms(T0 + 61 * M) == T0 + 75 * M);
  r.run_now();
  auto now = r.next_check(T0 + 62 * M);
  BOOST_REQUIRE(now.has_value());
  BOOST_TEST(((*now)[0].streams == std::vector<uint32_t>{0, 1}));
}
