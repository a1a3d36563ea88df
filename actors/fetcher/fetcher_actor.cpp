// The fetcher's CAF shells, one per shard. Backtest: hands its planner's
// windows to its indicator, `credit` ahead of the arbiter's acks, so memory
// stays bounded however long the data. Node modes: answers each check of
// the scheduler with the bars closed by then.
#include "actors/pipeline.hpp"

namespace tn {

caf::behavior fetcher_actor(caf::event_based_actor* self, std::shared_ptr<WindowPlanner> planner,
                            caf::actor indicator, uint32_t credit) {
  auto act = std::make_shared<Activity>();
  auto send_one = [=]() -> bool {
    act->touch();
    auto w = planner->next();
    if (!w) return false;
    self->send(indicator, std::move(*w));
    return true;
  };
  return {
      [=](start_atom) {
        if (!send_one()) {
          // No bars at all: say so, or the arbiter would wait for this shard.
          BarWindow empty;
          empty.last = true;
          empty.offsets.push_back(0);
          self->send(indicator, std::move(empty));
          return;
        }
        for (uint32_t i = 1; i < credit; ++i) send_one();
      },
      [=](ack_atom, uint64_t) { send_one(); },
      [=](health_atom) { return health_of(self, "fetcher", *act); },
  };
}

caf::behavior check_fetcher_actor(caf::event_based_actor* self, std::shared_ptr<CheckReader> reader,
                                  caf::actor indicator, int64_t resume_ms) {
  auto act = std::make_shared<Activity>();
  auto warm = std::make_shared<bool>(resume_ms == INT64_MIN);
  return {
      [=](const CheckRequest& req) {
        act->touch();
        if (!*warm) {
          // A restart: the history the indicators need, decided before.
          *warm = true;
          BarWindow w = reader->warmup(resume_ms);
          if (w.bars() > 0) self->send(indicator, std::move(w));
        }
        self->send(indicator, reader->answer(req));
      },
      [=](health_atom) { return health_of(self, "fetcher", *act); },
  };
}

}  // namespace tn
