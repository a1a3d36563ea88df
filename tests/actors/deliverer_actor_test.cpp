// The deliverer's shell under CAF's test coordinator and a ManualClock: a
// failed send is retried when the backoff has passed on the actor's clock,
// on its one timer, and not before.
#include <boost/test/unit_test.hpp>

#include "actors/pipeline.hpp"
#include "notify/delivery.hpp"
#include "tests/actors/actor_fixture.hpp"

using namespace tn;
using namespace tn::test;

namespace {

constexpr int64_t T0 = 1'704'067'200'000;  // 2024-01-01 00:00 UTC

// Refuses the first `failures` sends (retry), then accepts; notes the clock
// at every attempt.
class FlakyChannel final : public notify::Channel {
 public:
  FlakyChannel(const Clock& clock, int failures, std::shared_ptr<std::vector<int64_t>> attempts)
      : clock_(clock), failures_(failures), attempts_(std::move(attempts)) {}
  std::string name() const override { return "flaky"; }
  notify::SendResult send(const notify::Message&) override {
    attempts_->push_back(clock_.now_ms());
    if (failures_-- > 0) return notify::SendResult::retry("not yet");
    return notify::SendResult::ok();
  }

 private:
  const Clock& clock_;
  int failures_;
  std::shared_ptr<std::vector<int64_t>> attempts_;
};

notify::Renderer plain_text() {
  return [](const storage::OutboxEntry& e) -> Result<std::optional<notify::Message>> {
    notify::Message m;
    m.id = e.id;
    m.type = e.type;
    m.text = e.content;
    return std::optional<notify::Message>(std::move(m));
  };
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(deliverer_shell, ActorFixture)

BOOST_AUTO_TEST_CASE(a_failed_send_is_retried_when_the_backoff_has_passed) {
  clock->set(T0);
  auto store = open_store();
  BOOST_REQUIRE(store->outbox().enqueue("flaky", "report.daily", "hello").ok());
  auto attempts = std::make_shared<std::vector<int64_t>>();
  notify::DeliveryOptions o;
  o.backoff_initial_ms = 1000;
  o.backoff_factor = 2.0;
  auto core = std::make_shared<notify::Deliverer>(store->outbox(), plain_text(), o);
  core->add_channel(std::make_unique<FlakyChannel>(*clock, 2, attempts));
  spawn(tn::deliverer_actor, store, core, ClockPtr(clock));
  run();  // the drain at start: the row of an earlier run, refused
  BOOST_TEST((*attempts == std::vector<int64_t>{T0}));

  advance_to(T0 + 999);
  BOOST_TEST(attempts->size() == 1u);  // the backoff has not passed
  advance_to(T0 + 1000);
  BOOST_TEST((*attempts == std::vector<int64_t>{T0, T0 + 1000}));  // refused again: 2 s now
  advance_to(T0 + 2999);
  BOOST_TEST(attempts->size() == 2u);
  advance_to(T0 + 3000);
  BOOST_TEST((*attempts == std::vector<int64_t>{T0, T0 + 1000, T0 + 3000}));
  auto depth = store->outbox().depth();
  BOOST_REQUIRE(depth.ok());
  uint64_t waiting = 0;
  for (const auto& d : *depth) waiting += d.depth;
  BOOST_TEST(waiting == 0u);  // accepted and removed

  advance_to(T0 + 60'000);
  BOOST_TEST(attempts->size() == 3u);  // nothing left: no more timers
}

BOOST_AUTO_TEST_SUITE_END()
