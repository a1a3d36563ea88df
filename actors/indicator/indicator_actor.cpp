// The indicator's CAF shell: one pass of IndicatorCore per window.
#include "actors/indicator/indicator_core.hpp"
#include "actors/pipeline.hpp"
#include "common/stage_probe.hpp"

namespace tn {

caf::behavior indicator_actor(caf::event_based_actor* self, std::vector<int32_t> ma_periods,
                              caf::actor next) {
  auto core = std::make_shared<IndicatorCore>(ma_periods);
  auto act = std::make_shared<Activity>();
  return {
      // Non-const: CAF hands over the window without a copy when this actor
      // holds the only reference, and the bars move on into the snapshot.
      [=](BarWindow& w) {
        act->touch();
        probe::mark(probe::indicator, w.window);
        self->send(next, core->compute(std::move(w)));
      },
      [=](health_atom) { return health_of(self, "indicator", *act); },
  };
}

}  // namespace tn
