// The portfolio's shell under CAF's test coordinator and a ManualClock: a
// live node's portfolio.status goes out at every status boundary of the
// clock (a grace after it), even when no window of bars arrives then.
#include <boost/test/unit_test.hpp>

#include "actors/pipeline.hpp"
#include "common/time.hpp"
#include "messages/envelope.hpp"
#include "messages/events.hpp"
#include "tests/actors/actor_fixture.hpp"

using namespace tn;
using namespace tn::test;

namespace {

constexpr int64_t T0 = 1'704'067'200'000;  // 2024-01-01 00:00 UTC
constexpr int64_t kGraceMs = 2 * kMinuteMs;  // the shell's wait for the boundary's bars

std::vector<StreamMeta> one_stream() {
  return {StreamMeta{"BTCUSDT", "BTC", "USDT", "1d", kDayMs, 20, -5, 5, 0.3}};
}

// The times of the portfolio.status events in the log.
std::vector<int64_t> status_times(storage::Store& store) {
  std::vector<int64_t> out;
  auto rows = store.events().read_from(1, 1000);
  BOOST_REQUIRE(rows.ok());
  for (const auto& [seq, bytes] : *rows) {
    auto env = decode_envelope(bytes);
    BOOST_REQUIRE(env.ok());
    if (env->header.type != topic::portfolio_status) continue;
    PortfolioStatusEvent st;
    env->body.get().convert(st);
    out.push_back(st.time_ms);
  }
  return out;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(portfolio_shell, ActorFixture)

BOOST_AUTO_TEST_CASE(a_live_status_goes_out_every_six_hours_of_the_clock) {
  clock->set(T0 + kHourMs);
  auto store = open_store();
  auto events = sys().groups().get_local("tradernode.events");
  spawn(tn::portfolio_actor, one_stream(), std::string("USDT"), Amount{1000 * kAmountScale},
        std::vector<OrderResult>{}, 6 * kHourMs, kDayMs, store, events, ClockPtr(clock));
  run();
  advance_to(T0 + 6 * kHourMs + kGraceMs - 1);
  BOOST_TEST(status_times(*store).empty());
  advance_to(T0 + 6 * kHourMs + kGraceMs);
  BOOST_TEST(status_times(*store) == std::vector<int64_t>{T0 + 6 * kHourMs});
  // A night without a window: 12:00 and 18:00 go out on time, once each.
  advance_to(T0 + 19 * kHourMs);
  BOOST_TEST(status_times(*store) ==
             (std::vector<int64_t>{T0 + 6 * kHourMs, T0 + 12 * kHourMs, T0 + 18 * kHourMs}));
}

BOOST_AUTO_TEST_CASE(without_a_clock_statuses_follow_the_windows_only) {
  clock->set(T0 + kHourMs);
  auto store = open_store();
  auto events = sys().groups().get_local("tradernode.events");
  spawn(tn::portfolio_actor, one_stream(), std::string("USDT"), Amount{1000 * kAmountScale},
        std::vector<OrderResult>{}, 6 * kHourMs, kDayMs, store, events, ClockPtr());
  run();
  advance_to(T0 + 3 * kDayMs);
  BOOST_TEST(status_times(*store).empty());
}

BOOST_AUTO_TEST_SUITE_END()
