// The fetcher's CAF shell: hands out windows of bars, `credit` ahead of the
// arbiter's acknowledgements, so memory stays bounded however long the data.
#include "actors/fetcher/window_split.hpp"
#include "actors/pipeline.hpp"

namespace tn {

caf::behavior fetcher_actor(caf::event_based_actor* self, std::shared_ptr<WindowPlanner> planner,
                            std::vector<caf::actor> indicators, uint32_t credit) {
  auto send_one = [=]() {
    auto w = planner->next();
    if (!w) return;
    auto parts = split_window(std::move(*w), static_cast<uint32_t>(indicators.size()));
    for (size_t i = 0; i < parts.size(); ++i) self->send(indicators[i], std::move(parts[i]));
  };
  return {
      [=](start_atom) {
        for (uint32_t i = 0; i < credit; ++i) send_one();
      },
      [=](ack_atom, uint64_t) { send_one(); },
  };
}

}  // namespace tn
