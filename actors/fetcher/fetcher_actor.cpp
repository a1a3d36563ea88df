// The fetcher's CAF shell: one per shard, handing its planner's windows to
// its indicator, `credit` ahead of the arbiter's acknowledgements, so memory
// stays bounded however long the data.
#include "actors/pipeline.hpp"

namespace tn {

caf::behavior fetcher_actor(caf::event_based_actor* self, std::shared_ptr<WindowPlanner> planner,
                            caf::actor indicator, uint32_t credit) {
  auto send_one = [=]() -> bool {
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
  };
}

}  // namespace tn
