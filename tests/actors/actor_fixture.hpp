#pragma once
// Actor tests without threads or waiting: CAF's test coordinator runs every
// scheduled actor on the test's own thread, one message at a time, and its
// clock moves only when told (delayed_send timers fire on advance_time).
// The actors read "now" from a ManualClock that the fixture moves together
// with the coordinator's clock, so a timer armed for (due - now) fires
// exactly when the ManualClock reaches `due`.
#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/actors.hpp"
#include "common/clock.hpp"
#include "messages/caf_types.hpp"
#include "messages/codec.hpp"
#include "storage/store.hpp"
#include "tests/support/temp_dir.hpp"

namespace tn::test {

class ActorFixture {
 public:
  ActorFixture()
      : sys_(configure(cfg_)),
        sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys_.scheduler())),
        clock(std::make_shared<ManualClock>(0)) {}

  ~ActorFixture() {
    // Actors that still hold timers or each other would keep the system's
    // shutdown waiting: stop them and let them finish on this thread.
    for (const auto& a : spawned_) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    sched.run();
    sys_.await_actors_before_shutdown(false);
  }

  caf::actor_system& sys() { return sys_; }

  // Remembers an actor so the fixture stops it at the end; hands back the
  // handle as it came (typed by its interface, or caf::actor).
  template <class Handle>
  Handle keep(Handle a) {
    spawned_.push_back(caf::actor_cast<caf::actor>(a));
    return a;
  }
  template <class F, class... Ts>
  auto spawn(F fun, Ts&&... xs) {
    return keep(sys_.spawn(fun, std::forward<Ts>(xs)...));
  }

  // Every message and timer that is due: run until nothing is left to do.
  void run() { sched.run(); }

  // Moves both clocks to t_ms (not backwards), fires the timers now due and
  // runs what they set off.
  void advance_to(int64_t t_ms) {
    const int64_t delta = t_ms - clock->now_ms();
    if (delta <= 0) return;
    clock->set(t_ms);
    sched.advance_time(std::chrono::milliseconds(delta));
    sched.run();
  }

  // An actor's (status) answer, decoded from its msgpack: asked by a helper
  // actor and run to completion on this thread; nullopt without an answer.
  template <class T, class Handle>
  std::optional<T> ask_status(const Handle& who) {
    auto out = std::make_shared<std::optional<T>>();
    spawn(  // arguments, not captures (see arbiter_actor_test.cpp)
        [](caf::event_based_actor* self, Handle h, std::shared_ptr<std::optional<T>> answer) {
          self->request(h, caf::infinite, status_atom::value).then([answer](const std::string& body) {
            if (auto v = decode<T>(body)) *answer = *v;
          });
        },
        who, out);
    run();
    return *out;
  }

  // A fresh store in a temporary folder, no fsync.
  std::shared_ptr<storage::Store> open_store() {
    storage::OpenOptions o;
    o.path = dir_.file("store");
    o.map_size_bytes = 64ull << 20;
    o.durable = false;
    auto s = storage::Store::open(o);
    if (!s) throw std::runtime_error(s.error().message);
    return std::shared_ptr<storage::Store>(std::move(*s));
  }

 private:
  static caf::actor_system_config& configure(caf::actor_system_config& cfg) {
    add_tn_types(cfg);  // the message types and the Errc category, as every node's system
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.file-verbosity", caf::atom("quiet"));
    cfg.set("logger.console-verbosity", caf::atom("quiet"));
    return cfg;
  }

  TempDir dir_;
  caf::actor_system_config cfg_;
  caf::actor_system sys_;
  std::vector<caf::actor> spawned_;

 public:
  caf::scheduler::test_coordinator& sched;
  std::shared_ptr<ManualClock> clock;  // handed to the actors as their Clock
};

// Stands in for a fetcher (or a shard's feeder): records what it is sent.
struct FeederLog {
  int starts = 0;
  std::vector<uint64_t> acks;
  std::vector<CheckRequest> checks;
};
// A feeder that also takes checks: its handle converts to the arbiter's
// FeederActor and to the scheduler's CheckTarget alike.
using RecordingFeeder = FeederActor::extend<caf::reacts_to<CheckRequest>>;
inline RecordingFeeder::behavior_type recording_feeder(RecordingFeeder::pointer,
                                                       std::shared_ptr<FeederLog> log) {
  return {
      [log](start_atom) { ++log->starts; },
      [log](ack_atom, uint64_t window) { log->acks.push_back(window); },
      [log](CheckRequest& r) { log->checks.push_back(std::move(r)); },
  };
}

}  // namespace tn::test
