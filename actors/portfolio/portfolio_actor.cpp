// The portfolio's CAF shell: valuation and P&L from the arbiter's feed, a
// portfolio.status event at every status interval of (simulated) time; a
// live node also wakes at each status boundary, so a status goes out on
// time even when no bar closes then (a watchlist of 1d streams).
#include <chrono>

#include "actors/pipeline.hpp"
#include "common/time.hpp"
#include "schedule/status_timer.hpp"
#include "actors/portfolio/portfolio_core.hpp"
#include "actors/portfolio/portfolio_views.hpp"
#include "messages/codec.hpp"
#include "storage/store.hpp"

namespace tn {

namespace {
// A live status waits this long after its boundary for the window of bars
// that closed at the boundary (fetched seconds after it), so it includes
// their trades as a backtest's would.
constexpr int64_t kLiveStatusGraceMs = 2 * kMinuteMs;

void log_due_statuses(PortfolioCore& core, storage::Store& store, const caf::group& events) {
  std::vector<storage::EventLog::Draft> drafts;
  for (const auto& st : core.take_due_statuses())
    drafts.push_back({topic::portfolio_status, encode(st), st.time_ms * 1'000'000});
  if (drafts.empty()) return;
  auto seqs = store.events().append_batch(drafts);
  if (seqs) caf::anon_send(events, events_atom::value, seqs->back());
  // A status that cannot be logged is lost to subscribers but changes
  // nothing in the ledger; the next one will say the same.
}
}  // namespace

PortfolioActor::behavior_type portfolio_actor(PortfolioActor::pointer self,
                                              std::vector<StreamMeta> streams, std::string quote,
                                              Amount quote_balance, std::vector<OrderResult> history,
                                              int64_t status_interval_ms, int64_t equity_interval_ms,
                                              std::shared_ptr<storage::Store> store, caf::group events,
                                              ClockPtr status_clock) {
  auto core = std::make_shared<PortfolioCore>(std::move(streams), quote, quote_balance,
                                              status_interval_ms, equity_interval_ms);
  for (const OrderResult& r : history) core->apply_fill(r);
  auto act = std::make_shared<Activity>();
  auto now_ms = std::make_shared<int64_t>(0);  // the feed's time (simulated in a replay)
  // Live: the status timer runs kLiveStatusGraceMs behind the clock.
  auto generation = std::make_shared<uint64_t>(0);
  std::shared_ptr<StatusTimer> timer;
  if (status_clock)
    if (auto t = StatusTimer::make(status_interval_ms, status_clock->now_ms() - kLiveStatusGraceMs))
      timer = std::make_shared<StatusTimer>(*t);
  auto arm = [self, generation, timer, status_clock] {
    const int64_t delay = timer->next_wakeup_ms() + kLiveStatusGraceMs - status_clock->now_ms();
    self->delayed_send(self, std::chrono::milliseconds(std::max<int64_t>(delay, 0)),
                       status_tick_atom::value, ++*generation);
  };
  if (timer) arm();
  return {
      [=](const PortfolioFeed& f) {
        act->touch();
        *now_ms = std::max(*now_ms, f.end_ms - 1);
        core->apply_window(f.fills, f.marks, f.end_ms, f.last);
        log_due_statuses(*core, *store, events);
      },
      [=](status_tick_atom, uint64_t gen) {
        if (gen != *generation || !timer) return;
        act->touch();
        const int64_t behind = status_clock->now_ms() - kLiveStatusGraceMs;
        if (timer->due(behind)) {
          core->advance_to(behind);
          log_due_statuses(*core, *store, events);
          timer->mark_sent(behind);
        }
        arm();  // early wakeups re-arm for the same boundary
      },
      [=](report_atom) -> RunResult {
        RunResult r;
        r.equity = core->equity();
        r.final_equity = core->total_value();
        r.final_quote = core->quote_balance();
        return r;
      },
      // The control plane's views: msgpack of the control.hpp bodies.
      [=](view_atom, const std::string& what, uint32_t days) -> std::string {
        if (what == control_cmd::positions) return encode(positions_body(*core, quote));
        if (what == control_cmd::profit) return encode(profit_body(*core, quote));
        if (what == control_cmd::daily) return encode(daily_body(*core, quote, days, *now_ms));
        if (what == control_cmd::balance) return encode(balance_body(*core, quote));
        return encode(format_amount(core->total_value()));  // "value"
      },
      [=](health_atom) { return health_of(self, "portfolio", *act); },
  };
}

}  // namespace tn
