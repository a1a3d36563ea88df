// The scheduler's CAF shell: one timer at a time (replay: the pace; live:
// the next bar close), never a polling loop, so an idle node sleeps.
#include <chrono>

#include "actors/pipeline.hpp"
#include "common/clock.hpp"
#include "storage/store.hpp"

namespace tn {

namespace {

struct SchedulerState {
  std::shared_ptr<CheckScheduler> core;
  std::vector<CheckTarget> fetchers;
  int64_t interval_ms = 0;
  std::shared_ptr<storage::Store> store;
  ClockPtr clock;
  bool started = false;
  bool ready = true;      // replay pacing: the interval since the last check has passed
  uint64_t timer = 0;     // generation of the one live timer; older ticks are ignored
  int64_t timer_at = kNeverMs;
  Activity act;
  static inline const char* name = "scheduler";
};

using SchedulerSelf = SchedulerActor::stateful_base<SchedulerState>;

void arm(SchedulerSelf* self, int64_t delay_ms, int64_t at_ms) {
  auto& st = self->state;
  st.timer_at = at_ms;
  self->delayed_send(self, std::chrono::milliseconds(std::max<int64_t>(delay_ms, 0)), tick_atom::value,
                     ++st.timer);
}

// Sends what is due now (replay: at most one check per interval); then
// arms the timer for what comes next.
void pump(SchedulerSelf* self) {
  auto& st = self->state;
  if (!st.started) return;
  while (st.ready) {
    const int64_t now = st.clock->now_ms();
    auto check = st.core->next_check(now);
    if (!check) break;
    for (size_t i = 0; i < check->size(); ++i) self->send(st.fetchers[i], std::move((*check)[i]));
    if (st.interval_ms > 0 && !st.core->last_sent()) {
      st.ready = false;
      arm(self, st.interval_ms, now + st.interval_ms);
      return;
    }
  }
  const int64_t now = st.clock->now_ms();
  const int64_t next = st.core->next_wakeup_ms(now);  // live only; replay: never
  if (next != kNeverMs && next != st.timer_at) arm(self, next - now, next);
}

}  // namespace

namespace {
SchedulerActor::behavior_type scheduler_impl(SchedulerSelf* self, std::shared_ptr<CheckScheduler> core,
                                             std::vector<CheckTarget> fetchers, int64_t interval_ms,
                                             std::shared_ptr<storage::Store> store, ClockPtr clock) {
  auto& st = self->state;
  st.clock = std::move(clock);
  st.act.clock = st.clock.get();
  st.core = std::move(core);
  st.fetchers = std::move(fetchers);
  st.interval_ms = interval_ms;
  st.store = std::move(store);
  return {
      [=](start_atom) {  // from the arbiter, once per shard: the book is loaded
        self->state.act.touch();
        if (self->state.started) return;
        self->state.started = true;
        pump(self);
      },
      [=](tick_atom, uint64_t gen) {
        auto& s = self->state;
        if (gen != s.timer) return;  // superseded
        s.act.touch();
        s.timer_at = kNeverMs;
        s.ready = true;
        pump(self);
      },
      [=](ack_atom, uint64_t window) {
        auto& s = self->state;
        s.act.touch();
        if (auto t = s.core->ack(window)) {
          // Decided up to t: a restart continues after it. A failed write
          // only means a restart re-reads a little (orders are idempotent).
          s.store->state().put(kResumeKey, encode(*t));
        }
        pump(self);
      },
      [=](stop_atom) {
        self->state.core->request_stop();
        self->state.ready = true;
        pump(self);
      },
      [=](runnow_atom) {
        self->state.core->run_now();
        self->state.ready = true;
        pump(self);
      },
      [=](retry_atom, uint32_t stream, int64_t at_ms) {  // a late bar: live only
        self->state.act.touch();
        self->state.core->retry(stream, at_ms);
        pump(self);  // re-arms the timer when the retry comes first
      },
      [=](status_atom) -> std::string {
        return encode(self->state.core->view(self->state.clock->now_ms()));
      },
      [=](health_atom) { return health_of(self, "scheduler", self->state.act); },
  };
}
}  // namespace

SchedulerActor spawn_scheduler(caf::actor_system& sys, std::shared_ptr<CheckScheduler> core,
                               std::vector<CheckTarget> fetchers, int64_t interval_ms,
                               std::shared_ptr<storage::Store> store, ClockPtr clock) {
  return sys.spawn(scheduler_impl, std::move(core), std::move(fetchers), interval_ms,
                   std::move(store), std::move(clock));
}

}  // namespace tn
