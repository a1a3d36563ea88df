// The scheduler's shell under CAF's test coordinator and a ManualClock:
// checks go out when the clock reaches a bar close (one timer, no polling),
// within the credit, and each ack persists the resume point.
#include <boost/test/unit_test.hpp>

#include "actors/pipeline.hpp"
#include "tests/actors/actor_fixture.hpp"

using namespace tn;
using namespace tn::test;

namespace {

constexpr int64_t H = 3'600'000;
constexpr int64_t T0 = 1'704'067'200'000;  // 2024-01-01 00:00 UTC

struct SchedulerRun : ActorFixture {
  std::shared_ptr<storage::Store> store = open_store();
  std::vector<std::shared_ptr<FeederLog>> shard = {std::make_shared<FeederLog>(),
                                                   std::make_shared<FeederLog>()};
  SchedulerActor scheduler;

  // Stream 0 (1h) on shard 0, stream 1 (4h) on shard 1.
  void start(CheckSchedulerOptions o, int64_t interval_ms) {
    o.shards = 2;
    auto core = CheckScheduler::make({{0, H, -1, 0}, {1, 4 * H, -1, 1}}, o);
    BOOST_REQUIRE(core.ok());
    scheduler = keep(spawn_scheduler(sys(), std::make_shared<CheckScheduler>(std::move(*core)),
                                     {spawn(recording_feeder, shard[0]), spawn(recording_feeder, shard[1])},
                                     interval_ms, store, clock));
    caf::anon_send(scheduler, start_atom::value);
    run();
  }
  void ack(uint64_t window) {
    caf::anon_send(scheduler, ack_atom::value, window);
    run();
  }
  std::optional<int64_t> resume_point() {
    auto v = store->state().get(kResumeKey);
    if (!v || !v.value()) return std::nullopt;
    auto t = decode<int64_t>(*v.value());
    return t ? std::optional<int64_t>(*t) : std::nullopt;
  }
  // The check times shard s was sent, in order.
  std::vector<int64_t> times(size_t s) const {
    std::vector<int64_t> out;
    for (const CheckRequest& c : shard[s]->checks) out.push_back(c.now_ms);
    return out;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(scheduler_actor, SchedulerRun)

BOOST_AUTO_TEST_CASE(live_checks_go_out_at_the_bar_closes_of_the_clock) {
  clock->set(T0 + 10 * H + 60'000);
  CheckSchedulerOptions o;
  o.simulated = false;
  o.credit = 2;
  start(o, 0);
  // Never checked: both streams at once, one window to every shard.
  BOOST_REQUIRE(shard[0]->checks.size() == 1u);
  BOOST_TEST(shard[0]->checks[0].now_ms == T0 + 10 * H + 60'000);
  BOOST_TEST((shard[0]->checks[0].streams == std::vector<uint32_t>{0}));
  BOOST_TEST((shard[1]->checks[0].streams == std::vector<uint32_t>{1}));
  BOOST_TEST(shard[0]->checks[0].window == shard[1]->checks[0].window);

  advance_to(T0 + 11 * H - 1);
  BOOST_TEST(shard[0]->checks.size() == 1u);  // not before the close
  advance_to(T0 + 11 * H);
  BOOST_REQUIRE(shard[0]->checks.size() == 2u);
  BOOST_TEST(shard[0]->checks[1].now_ms == T0 + 11 * H);
  BOOST_TEST((shard[0]->checks[1].streams == std::vector<uint32_t>{0}));
  BOOST_TEST(shard[1]->checks[1].streams.empty());  // the 4h bar closes at 12h

  // Credit 2: both checks undecided, so 12h waits for an ack.
  advance_to(T0 + 12 * H);
  BOOST_TEST(shard[0]->checks.size() == 2u);
  BOOST_TEST(!resume_point());
  ack(shard[0]->checks[0].window);
  BOOST_TEST(resume_point().value_or(-1) == T0 + 10 * H + 60'000);
  BOOST_REQUIRE(shard[0]->checks.size() == 3u);  // the freed credit sends 12h
  BOOST_TEST(shard[0]->checks[2].now_ms == T0 + 12 * H);
  BOOST_TEST((shard[1]->checks[2].streams == std::vector<uint32_t>{1}));
  ack(shard[0]->checks[1].window);
  BOOST_TEST(resume_point().value_or(-1) == T0 + 11 * H);
  ack(shard[0]->checks[2].window);
  BOOST_TEST(resume_point().value_or(-1) == T0 + 12 * H);
  BOOST_TEST(shard[0]->acks.empty());  // acks go to the scheduler, never on
}

BOOST_AUTO_TEST_CASE(a_fetchers_retry_is_one_more_check_at_its_time) {
  clock->set(T0 + 11 * H);
  CheckSchedulerOptions o;
  o.simulated = false;
  start(o, 0);
  BOOST_REQUIRE(shard[0]->checks.size() == 1u);
  ack(shard[0]->checks[0].window);
  // Shard 1's fetcher did not get stream 1's bar: it asks for a retry in 2 s.
  caf::anon_send(scheduler, retry_atom::value, uint32_t{1}, T0 + 11 * H + 2'000);
  run();
  advance_to(T0 + 11 * H + 1'999);
  BOOST_TEST(shard[1]->checks.size() == 1u);
  advance_to(T0 + 11 * H + 2'000);  // the timer was re-armed for the retry
  BOOST_REQUIRE(shard[1]->checks.size() == 2u);
  BOOST_TEST(shard[1]->checks[1].now_ms == T0 + 11 * H + 2'000);
  BOOST_TEST((shard[1]->checks[1].streams == std::vector<uint32_t>{1}));
  BOOST_TEST(shard[0]->checks[1].streams.empty());  // every shard gets the window, as always
  ack(shard[1]->checks[1].window);
  // The regular schedule is unchanged: the next check is at the 12h close.
  advance_to(T0 + 12 * H - 1);
  BOOST_TEST(shard[0]->checks.size() == 2u);
  advance_to(T0 + 12 * H);
  BOOST_TEST(shard[0]->checks.size() == 3u);
}

BOOST_AUTO_TEST_CASE(replay_paces_checks_at_its_interval) {
  clock->set(T0 + 100 * H);  // wall time: unrelated to the replayed data
  CheckSchedulerOptions o;
  o.simulated = true;
  o.start_ms = T0 + H;
  o.end_ms = T0 + 4 * H;
  o.credit = 4;
  start(o, 1000);
  BOOST_REQUIRE(shard[0]->checks.size() == 1u);
  BOOST_TEST(shard[0]->checks[0].now_ms == T0 + H);  // the data's first close
  advance_to(clock->now_ms() + 999);
  BOOST_TEST(shard[0]->checks.size() == 1u);
  advance_to(clock->now_ms() + 1);
  BOOST_REQUIRE(shard[0]->checks.size() == 2u);
  BOOST_TEST(shard[0]->checks[1].now_ms == T0 + 2 * H);
  advance_to(clock->now_ms() + 1000);
  advance_to(clock->now_ms() + 1000);
  BOOST_TEST((times(0) == std::vector<int64_t>{T0 + H, T0 + 2 * H, T0 + 3 * H, T0 + 4 * H}));
  BOOST_TEST(shard[0]->checks.back().last);
  for (const CheckRequest& c : shard[0]->checks) ack(c.window);
  BOOST_TEST(resume_point().value_or(-1) == T0 + 4 * H);
}

BOOST_AUTO_TEST_SUITE_END()
