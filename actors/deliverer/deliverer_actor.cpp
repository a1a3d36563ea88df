// The outbox's delivery loop as its own actor, spawned detached (its own
// thread): a send blocks on libcurl for up to the channel's timeout, which
// must never hold one of the scheduler's workers. It drains when the
// notifier says events arrived (bursts coalesced into one drain), on one
// pending timer at the Deliverer's next_wake_ms (retries, backoff, more
// rows than one drain sends), and once more, bounded, before the node stops.
#include <spdlog/spdlog.h>

#include <chrono>
#include <climits>

#include "notify/delivery.hpp"
#include "actors/pipeline.hpp"
#include "common/clock.hpp"
#include "storage/store.hpp"

namespace tn {

namespace {

// The last drain at stop: gives up after this long (a send that hangs is
// bounded by its own timeout on top).
constexpr int64_t kFinalDrainMs = 10'000;

struct DelivererState {
  // Constant after construction.
  std::shared_ptr<storage::Store> store;  // keeps the outbox alive
  std::shared_ptr<notify::Deliverer> core;
  ClockPtr clock;
  // Changed by the handlers (one thread: the actor's own).
  int64_t wake_at = INT64_MAX;  // the one live timer's target; INT64_MAX: none
  bool drain_queued = false;    // a (wake) to self is in the mailbox
  Activity act;
};

}  // namespace

DelivererActor::behavior_type deliverer_actor(DelivererActor::pointer self,
                                              std::shared_ptr<storage::Store> store,
                                              std::shared_ptr<notify::Deliverer> core, ClockPtr clock) {
  auto st = std::make_shared<DelivererState>();
  st->store = std::move(store);
  st->core = std::move(core);
  st->clock = std::move(clock);
  st->act.clock = st->clock.get();
  auto drain = [self, st]() -> notify::DrainReport {
    st->act.touch();
    const int64_t now = st->clock->now_ms();
    notify::DrainReport r = st->core->drain(now);
    for (const auto& w : r.warnings) spdlog::warn("{}", w);
    if (r.delivered) spdlog::debug("notify: {} message(s) delivered", r.delivered);
    // One live timer: a new one only when it must fire earlier; the later
    // one then finds wake_at changed and does nothing.
    if (r.next_wake_ms >= 0 && r.next_wake_ms < st->wake_at) {
      st->wake_at = r.next_wake_ms;
      self->delayed_send(self, std::chrono::milliseconds(std::max<int64_t>(r.next_wake_ms - now, 0)),
                         wake_atom::value, r.next_wake_ms);
    }
    return r;
  };
  // Rows left by an earlier run (a crash, an outage) go out first.
  st->drain_queued = true;
  self->send(self, wake_atom::value);
  return {
      // From the notifier: events were appended (and with them outbox rows).
      [self, st](events_atom) {
        if (st->drain_queued) return;
        st->drain_queued = true;
        self->send(self, wake_atom::value);
      },
      [st, drain](wake_atom) {
        st->drain_queued = false;
        drain();
      },
      [st, drain](wake_atom, int64_t at) {
        if (at != st->wake_at) return;  // superseded by an earlier timer
        st->wake_at = INT64_MAX;
        drain();
      },
      // Before the node stops: deliver what can be delivered now.
      [st, drain](sync_atom) {
        const Clock& clock = *st->clock;
        const int64_t end = clock.now_ms() + kFinalDrainMs;
        for (;;) {
          const notify::DrainReport r = drain();
          const bool more_now = r.next_wake_ms >= 0 && r.next_wake_ms <= clock.now_ms();
          if (r.delivered == 0 || !more_now || clock.now_ms() >= end) break;
        }
        return true;
      },
      [self, st](health_atom) { return health_of(self, "deliverer", st->act); },
  };
}

}  // namespace tn
