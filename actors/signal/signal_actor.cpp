// The signal actor's CAF shell: the MA-distance rule over each snapshot
// window; only the rare candidates (and marks) go on to the arbiter.
#include "actors/pipeline.hpp"
#include "actors/signal/ma_distance.hpp"

namespace tn {

caf::behavior signal_actor(caf::event_based_actor* self, std::vector<StreamMeta> streams,
                           int64_t equity_interval_ms, uint32_t shard, caf::actor arbiter) {
  std::vector<MaDistanceParams> params;
  for (const auto& s : streams) params.push_back({s.tf_ms, s.buy_threshold, s.sell_threshold});
  auto core = std::make_shared<SignalCore>(std::move(params), equity_interval_ms, shard);
  return {
      [=](const SnapshotWindow& w) { self->send(arbiter, core->evaluate(w)); },
  };
}

}  // namespace tn
