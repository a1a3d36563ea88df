// The fetcher's CAF shells, one per shard. Backtest: hands its planner's
// windows to its indicator, `credit` ahead of the arbiter's acks, so memory
// stays bounded however long the data. Node modes: answers each check of
// the scheduler with the bars closed by then.
#include <spdlog/spdlog.h>

#include "actors/pipeline.hpp"
#include "common/stage_probe.hpp"
#include "storage/store.hpp"

namespace tn {

FetcherActor::behavior_type fetcher_actor(FetcherActor::pointer self,
                                          std::shared_ptr<WindowPlanner> planner,
                                          IndicatorActor indicator, uint32_t credit) {
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

CheckFetcherActor::behavior_type check_fetcher_actor(CheckFetcherActor::pointer self,
                                                    std::shared_ptr<CheckAnswerer> source,
                                                    IndicatorActor indicator, std::vector<StreamMeta> streams,
                                                    std::shared_ptr<storage::Store> store, caf::group events) {
  auto act = std::make_shared<Activity>();
  return {
      [=](const CheckRequest& req) {
        act->touch();
        probe::mark(probe::check_at_fetcher, req.window);
        for (auto& w : source->answer(req)) self->send(indicator, std::move(w));
        std::vector<storage::EventLog::Draft> drafts;
        for (auto& [stream, why] : source->take_errors()) {
          DataErrorEvent e{"fetcher", stream < streams.size() ? streams[stream].symbol + ":" + streams[stream].timeframe : "?", why};
          spdlog::warn("data error {}: {}", e.stream, e.message);
          drafts.push_back({topic::data_error, encode(e), req.now_ms * 1'000'000});
        }
        if (drafts.empty()) return;
        if (auto seqs = store->events().append_batch(drafts)) caf::anon_send(events, events_atom::value, seqs->back());
      },
      [=](health_atom) { return health_of(self, "fetcher", *act); },
  };
}

}  // namespace tn
