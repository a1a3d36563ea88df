#define BOOST_TEST_MODULE notify_delivery
#include <boost/test/unit_test.hpp>

#include <deque>

#include "notify/delivery.hpp"
#include "notify/render.hpp"
#include "messages/codec.hpp"
#include "../storage/test_util.hpp"

using namespace tn;
using namespace tn::notify;

namespace {

// A channel answering from a script, then accepting; records what it got.
struct ScriptedChannel : Channel {
  std::string n;
  std::deque<SendResult> script;
  std::vector<uint64_t>* got;
  ScriptedChannel(std::string name, std::vector<uint64_t>* log) : n(std::move(name)), got(log) {}
  std::string name() const override { return n; }
  SendResult send(const Message& m) override {
    SendResult r = SendResult::ok();
    if (!script.empty()) r = script.front(), script.pop_front();
    if (r.kind == SendResult::Kind::accepted) got->push_back(m.id);
    return r;
  }
};

Result<std::optional<Message>> plain(const storage::OutboxEntry& e) {
  if (e.content == "bad") return make_error(Errc::invalid_input, "cannot read");
  if (e.content == "silent") return std::optional<Message>();
  Message m;
  m.id = e.id;
  return std::optional<Message>(m);
}

struct Fixture {
  storage::test::TempDir dir;
  std::unique_ptr<storage::Store> store = storage::test::open_store(dir.path);
  std::vector<uint64_t> a_got, b_got;
  void put(const std::string& ch, const std::string& content = "x") {
    BOOST_REQUIRE(store->outbox().enqueue(ch, "notify.test", content));
  }
  size_t depth(const std::string& ch) { return store->outbox().pending(ch, 1000)->size(); }
};

DeliveryOptions fast(size_t ack_batch = 1, size_t max_sends = 64) {
  DeliveryOptions o;
  o.backoff_initial_ms = 100;
  o.backoff_max_ms = 1000;
  o.ack_batch = ack_batch;
  o.max_sends_per_drain = max_sends;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(each_channel_in_order_and_one_channel_failing_does_not_hold_the_other) {
  Fixture f;
  for (int i = 0; i < 3; ++i) f.put("a"), f.put("b");  // ids a: 1 3 5, b: 2 4 6
  Deliverer d(f.store->outbox(), plain, fast());
  auto a = std::make_unique<ScriptedChannel>("a", &f.a_got);
  a->script = {SendResult::ok(), SendResult::retry("down")};
  d.add_channel(std::move(a));
  d.add_channel(std::make_unique<ScriptedChannel>("b", &f.b_got));
  auto rep = d.drain(1000);
  BOOST_CHECK((f.a_got == std::vector<uint64_t>{1}));
  BOOST_CHECK((f.b_got == std::vector<uint64_t>{2, 4, 6}));
  BOOST_CHECK_EQUAL(rep.next_wake_ms, 1100);
  BOOST_CHECK_EQUAL(f.depth("a"), 2u);
  BOOST_CHECK_EQUAL(f.depth("b"), 0u);
  BOOST_CHECK_EQUAL(d.drain(1099).delivered, 0u);  // not yet due
  BOOST_CHECK_EQUAL(d.drain(1100).delivered, 2u);
  BOOST_CHECK((f.a_got == std::vector<uint64_t>{1, 3, 5}));
  BOOST_CHECK_EQUAL(d.drain(5000).next_wake_ms, -1);
}

BOOST_AUTO_TEST_CASE(backoff_grows_exponentially_to_the_cap_and_retry_after_wins_when_longer) {
  Fixture f;
  f.put("a");
  Deliverer d(f.store->outbox(), plain, fast());
  auto a = std::make_unique<ScriptedChannel>("a", &f.a_got);
  for (int i = 0; i < 6; ++i) a->script.push_back(SendResult::retry("500"));
  a->script.push_back(SendResult::retry("429", 5000));
  d.add_channel(std::move(a));
  int64_t now = 0;
  std::vector<int64_t> waits;
  for (int i = 0; i < 7; ++i) {
    const auto rep = d.drain(now);
    waits.push_back(rep.next_wake_ms - now);
    now = rep.next_wake_ms;
  }
  BOOST_CHECK((waits == std::vector<int64_t>{100, 200, 400, 800, 1000, 1000, 5000}));
  BOOST_CHECK_EQUAL(d.drain(now).delivered, 1u);
  BOOST_CHECK_EQUAL(d.states()[0].failures, 0u);
}

BOOST_AUTO_TEST_CASE(unreadable_and_silent_rows_are_removed_and_reported) {
  Fixture f;
  f.put("a", "bad");
  f.put("a", "silent");
  f.put("a");
  Deliverer d(f.store->outbox(), plain, fast());
  d.add_channel(std::make_unique<ScriptedChannel>("a", &f.a_got));
  const auto rep = d.drain(0);
  BOOST_CHECK((f.a_got == std::vector<uint64_t>{3}));
  BOOST_REQUIRE_EQUAL(rep.warnings.size(), 1u);
  BOOST_CHECK(rep.warnings[0].find("dropped unreadable message #1") != std::string::npos);
  BOOST_CHECK_EQUAL(f.depth("a"), 0u);
}

BOOST_AUTO_TEST_CASE(ack_batch_bounds_what_a_crash_can_resend_and_drains_are_bounded) {
  Fixture f;
  for (int i = 0; i < 10; ++i) f.put("a");
  {
    Deliverer d(f.store->outbox(), plain, fast(4, 6));
    d.add_channel(std::make_unique<ScriptedChannel>("a", &f.a_got));
    const auto rep = d.drain(0);
    BOOST_CHECK_EQUAL(rep.delivered, 6u);
    BOOST_CHECK_EQUAL(rep.next_wake_ms, 0);  // more waiting: come back now
    BOOST_CHECK_EQUAL(f.depth("a"), 4u);     // all 6 acknowledged at the end of the drain
  }
  // A "crash" between accept and ack: a channel that dies on the 3rd send.
  Deliverer d(f.store->outbox(), plain, fast(4));
  auto a = std::make_unique<ScriptedChannel>("a", &f.a_got);
  a->script = {SendResult::ok(), SendResult::ok(), SendResult::permanent("gone")};
  d.add_channel(std::move(a));
  const auto rep = d.drain(0);
  BOOST_CHECK(d.states()[0].halted);
  BOOST_CHECK_EQUAL(d.states()[0].halt_reason, "gone");
  BOOST_CHECK_EQUAL(f.depth("a"), 2u);  // the two accepted were still acknowledged
  BOOST_CHECK((f.a_got == std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8}));
}
