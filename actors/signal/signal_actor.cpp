// The signal actor's CAF shell: the MA-distance rule over each snapshot
// window; only the rare candidates (and marks) go on to the arbiter.
#include "actors/pipeline.hpp"
#include "actors/signal/ma_distance.hpp"
#include "common/stage_probe.hpp"
#include "messages/codec.hpp"
#include "storage/store.hpp"

namespace tn {

SignalActor::behavior_type signal_actor(SignalActor::pointer self, std::vector<StreamMeta> streams,
                                        int64_t equity_interval_ms, uint32_t shard, ArbiterActor arbiter,
                                        std::shared_ptr<storage::Store> bar_log, caf::group events) {
  std::vector<MaDistanceParams> params;
  std::vector<BarEventMeta> metas;
  for (const auto& s : streams) {
    params.push_back({s.tf_ms, s.buy_threshold, s.sell_threshold});
    metas.push_back({s.symbol, s.timeframe, s.tf_ms});
  }
  auto core = std::make_shared<SignalCore>(std::move(params), equity_interval_ms, shard);
  auto act = std::make_shared<Activity>();
  return {
      [=](const SnapshotWindow& w) {
        act->touch();
        probe::mark(probe::signal, w.bars.window);
        if (w.bars.warmup) {  // history after a restart: decided before
          core->remember_warmup(w);
          return;
        }
        self->send(arbiter, core->evaluate(w));
        if (!bar_log) return;  // [bus] publish_bars is off: the common case
        std::vector<storage::EventLog::Draft> drafts;
        for (const BarEvent& e : bar_events(w, metas))
          drafts.push_back({topic::market_bar, encode(e), e.close_time_ms * 1'000'000});
        if (drafts.empty()) return;
        if (auto seqs = bar_log->events().append_batch(drafts))
          caf::anon_send(events, events_atom::value, seqs->back());
      },
      [=](status_atom) -> std::string { return encode(core->view()); },
      [=](health_atom) { return health_of(self, "signal", *act); },
  };
}

}  // namespace tn
