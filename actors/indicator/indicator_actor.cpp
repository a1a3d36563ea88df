// The indicator's CAF shell: one pass of IndicatorCore per window.
#include "actors/indicator/indicator_core.hpp"
#include "actors/pipeline.hpp"
#include "common/stage_probe.hpp"

namespace tn {

IndicatorActor::behavior_type indicator_actor(IndicatorActor::pointer self,
                                              std::vector<int32_t> ma_periods, SnapshotSink next) {
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
