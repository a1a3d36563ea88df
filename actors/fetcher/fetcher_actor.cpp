// The fetcher's CAF shells, one per shard. Backtest: hands its planner's
// windows to its indicator, `credit` ahead of the arbiter's acks, so memory
// stays bounded however long the data. Node modes: answers each check of
// the scheduler with the bars closed by then.
#include <spdlog/spdlog.h>

#include "actors/pipeline.hpp"
#include "common/stage_probe.hpp"
#include "common/clock.hpp"
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

namespace {

std::string stream_name(const std::vector<StreamMeta>& streams, uint32_t stream) {
  return stream < streams.size() ? streams[stream].symbol + ":" + streams[stream].timeframe : "?";
}

// The check's data.error events and data.late events (a late bar's first
// miss; the feed logs every miss). Errors are logged here, as always.
std::vector<storage::EventLog::Draft> data_events(CheckAnswerer& source, const std::vector<StreamMeta>& streams,
                                                  const std::vector<LateNote>& late, int64_t now_ms) {
  std::vector<storage::EventLog::Draft> drafts;
  for (const LateNote& n : late) {
    if (n.attempt != 1) continue;
    const bool known = n.stream < streams.size();
    DataLateEvent e{stream_name(streams, n.stream), known ? streams[n.stream].symbol : "",
                    known ? streams[n.stream].timeframe : "", n.bar_open_ms, n.due_ms, n.attempt,
                    n.retry_at_ms != kNeverMs ? n.retry_at_ms : 0};
    drafts.push_back({topic::data_late, encode(e), now_ms * 1'000'000});
  }
  for (auto& [stream, why] : source.take_errors()) {
    DataErrorEvent e{"fetcher", stream_name(streams, stream), why};
    spdlog::warn("data error {}: {}", e.stream, e.message);
    drafts.push_back({topic::data_error, encode(e), now_ms * 1'000'000});
  }
  return drafts;
}

}  // namespace

CheckFetcherActor::behavior_type check_fetcher_actor(CheckFetcherActor::pointer self,
                                                    std::shared_ptr<CheckAnswerer> source,
                                                    IndicatorActor indicator, std::vector<StreamMeta> streams,
                                                    std::shared_ptr<storage::Store> store, caf::group events,
                                                    ClockPtr clock) {
  auto act = std::make_shared<Activity>();
  act->clock = clock.get();
  auto retries = std::make_shared<RetrySink>();
  return {
      [=](const CheckRequest& req) {
        act->touch();
        probe::mark(probe::check_at_fetcher, req.window);
        for (auto& w : source->answer(req)) self->send(indicator, std::move(w));
        const std::vector<LateNote> late = source->take_late();
        if (*retries)
          for (const LateNote& n : late)
            if (n.retry_at_ms != kNeverMs) self->send(*retries, retry_atom::value, n.stream, n.retry_at_ms);
        auto drafts = data_events(*source, streams, late, req.now_ms);
        if (drafts.empty()) return;
        if (auto seqs = store->events().append_batch(drafts)) caf::anon_send(events, events_atom::value, seqs->back());
      },
      [=](attach_atom, RetrySink sink) { *retries = std::move(sink); },
      [=](status_atom) -> std::string { return encode(source->data_states(clock->now_ms())); },
      [=](health_atom) { return health_of(self, "fetcher", *act); },
  };
}

}  // namespace tn
