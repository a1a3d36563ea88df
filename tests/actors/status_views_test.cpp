// What `traderctl status` reads from the actors, under CAF's test
// coordinator and a ManualClock: a live scheduler, a check fetcher over
// recorded bars, the indicator and the signal actor, and a stand-in arbiter
// that acks each window. After each check the signal actor's view holds the
// check's last bar (price, MA, distance) and the scheduler's the next bar
// close, in the node's clock.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "actors/pipeline.hpp"
#include "actors/signal/ma_distance.hpp"
#include "tests/actors/actor_fixture.hpp"

using namespace tn;
using namespace tn::test;

namespace {

constexpr int64_t H = 3'600'000;
constexpr int64_t T0 = 1'704'067'200'000;  // 2024-01-01 00:00 UTC

// The arbiter's part: starts its feeders, acks every window to them.
struct ArbiterLog {
  std::vector<FeederActor> feeders;
  std::vector<SignalWindow> windows;
};
ArbiterActor::behavior_type acking_arbiter(ArbiterActor::pointer self, std::shared_ptr<ArbiterLog> log) {
  return {
      [self, log](run_atom, std::vector<FeederActor> feeders) {
        log->feeders = std::move(feeders);
        for (const auto& f : log->feeders) self->send(f, start_atom::value);
        return RunResult{};
      },
      [self, log](SignalWindow& w) {
        for (const auto& f : log->feeders) self->send(f, ack_atom::value, w.window);
        log->windows.push_back(std::move(w));
      },
      // The interface's; the test never asks.
      [](pause_atom, const std::string& mode) { return mode; },
      [](status_atom) { return std::string(); },
      [](close_atom, const std::string&, int64_t, int64_t) { return OrderResult{}; },
      [](health_atom) { return std::string(); },
  };
}

// 1h bars from T0 on, closes 100, 100, 100, 90, 100, ...: MA(3).
BarSeries hourly(const std::vector<double>& closes) {
  BarSeries s;
  for (size_t i = 0; i < closes.size(); ++i) {
    s.open_time_ms.push_back(T0 + static_cast<int64_t>(i) * H);
    for (auto* col : {&s.open, &s.high, &s.low, &s.close}) col->push_back(closes[i]);
    s.volume.push_back(1);
  }
  return s;
}

struct LiveShard : ActorFixture {
  std::shared_ptr<storage::Store> store = open_store();
  std::shared_ptr<ArbiterLog> arbiter_log = std::make_shared<ArbiterLog>();
  SchedulerActor scheduler;
  SignalActor signal;

  void start(int64_t now_ms) {
    clock->set(now_ms);
    const std::vector<StreamMeta> streams{{"BTCUSDT", "BTC", "USDT", "1h", H, 3, -5, 5, 0.1}};
    std::vector<std::pair<uint32_t, std::unique_ptr<BarSource>>> sources;
    sources.emplace_back(0, make_series_source(hourly({100, 100, 100, 90, 100, 120}), H));
    auto reader = std::make_shared<CheckReader>(std::move(sources), false);
    CheckSchedulerOptions o;
    o.simulated = false;
    auto core = CheckScheduler::make({{0, H, -1, 0}}, o);
    BOOST_REQUIRE(core.ok());
    caf::group events = sys().groups().get_local("tradernode.events");
    auto arbiter = spawn(acking_arbiter, arbiter_log);
    signal = spawn(signal_actor, streams, 24 * H, uint32_t{0}, arbiter, std::shared_ptr<storage::Store>(), events);
    auto indicator = spawn(indicator_actor, std::vector<int32_t>{3}, SnapshotSink(signal));
    auto fetcher = spawn(check_fetcher_actor, std::shared_ptr<CheckAnswerer>(reader), indicator, streams,
                         store, events, ClockPtr(clock));
    scheduler = keep(spawn_scheduler(sys(), std::make_shared<CheckScheduler>(std::move(*core)),
                                     {CheckTarget(fetcher)}, 0, store, clock));
    caf::anon_send(arbiter, run_atom::value, std::vector<FeederActor>{FeederActor(scheduler)});
    run();
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(status_views, LiveShard)

BOOST_AUTO_TEST_CASE(the_views_carry_the_last_decision_and_the_next_check) {
  // A start at 02:01: the bars closed at 01:00 and 02:00 are read, fewer
  // than the MA's 3.
  start(T0 + 2 * H + 60'000);
  BOOST_REQUIRE(arbiter_log->windows.size() == 1u);
  auto sig = ask_status<SignalView>(signal);
  BOOST_REQUIRE(sig.has_value());
  BOOST_REQUIRE(sig->streams.size() == 1u);
  BOOST_TEST(sig->streams[0].last_bar_ms == T0 + H);
  BOOST_TEST(sig->streams[0].price == 100.0);
  BOOST_TEST(std::isnan(sig->streams[0].ma));  // warming up
  auto sch = ask_status<ScheduleView>(scheduler);
  BOOST_REQUIRE(sch.has_value());
  BOOST_TEST(sch->now_ms == T0 + 2 * H + 60'000);
  BOOST_TEST(sch->streams[0].last_check_ms == T0 + 2 * H + 60'000);
  BOOST_TEST(sch->streams[0].next_check_ms == T0 + 3 * H);

  advance_to(T0 + 3 * H);  // the third bar: MA 100, distance 0
  sig = ask_status<SignalView>(signal);
  BOOST_TEST(sig->streams[0].last_bar_ms == T0 + 2 * H);
  BOOST_TEST(sig->streams[0].ma == 100.0);
  BOOST_TEST(sig->streams[0].distance == 0.0);

  advance_to(T0 + 4 * H);  // 90 against MA 96.67: the BUY the arbiter got
  BOOST_REQUIRE(arbiter_log->windows.size() == 3u);
  BOOST_REQUIRE(arbiter_log->windows.back().candidates.size() == 1u);
  const Candidate& buy = arbiter_log->windows.back().candidates[0];
  sig = ask_status<SignalView>(signal);
  BOOST_TEST(sig->streams[0].last_bar_ms == buy.open_time_ms);
  BOOST_TEST(sig->streams[0].price == buy.price);
  BOOST_TEST(sig->streams[0].ma == buy.ma);
  BOOST_TEST(sig->streams[0].distance == buy.distance);
  BOOST_TEST(sig->streams[0].distance == ma_distance_pct(90, 290.0 / 3));
  sch = ask_status<ScheduleView>(scheduler);
  BOOST_TEST(sch->streams[0].last_check_ms == T0 + 4 * H);
  BOOST_TEST(sch->streams[0].next_check_ms == T0 + 5 * H);
  BOOST_TEST(sch->checks == 3u);

  // Asked between two checks, the clock is the node's "now", the next
  // check unchanged.
  advance_to(T0 + 4 * H + 30 * 60'000);
  sch = ask_status<ScheduleView>(scheduler);
  BOOST_TEST(sch->now_ms == T0 + 4 * H + 30 * 60'000);
  BOOST_TEST(sch->streams[0].next_check_ms == T0 + 5 * H);
}

BOOST_AUTO_TEST_SUITE_END()
