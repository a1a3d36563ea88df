// The portfolio's CAF shell: valuation and P&L from the arbiter's feed, a
// portfolio.status event at every status interval of (simulated) time.
#include "actors/pipeline.hpp"
#include "actors/portfolio/portfolio_core.hpp"
#include "actors/portfolio/portfolio_views.hpp"
#include "messages/codec.hpp"
#include "storage/store.hpp"

namespace tn {

PortfolioActor::behavior_type portfolio_actor(PortfolioActor::pointer self,
                                              std::vector<StreamMeta> streams, std::string quote,
                                              Amount quote_balance, std::vector<OrderResult> history,
                                              int64_t status_interval_ms, int64_t equity_interval_ms,
                                              std::shared_ptr<storage::Store> store, caf::group events) {
  auto core = std::make_shared<PortfolioCore>(std::move(streams), quote, quote_balance,
                                              status_interval_ms, equity_interval_ms);
  for (const OrderResult& r : history) core->apply_fill(r);
  auto act = std::make_shared<Activity>();
  auto now_ms = std::make_shared<int64_t>(0);  // the feed's time (simulated in a replay)
  return {
      [=](const PortfolioFeed& f) {
        act->touch();
        *now_ms = std::max(*now_ms, f.end_ms - 1);
        core->apply_window(f.fills, f.marks, f.end_ms, f.last);
        std::vector<storage::EventLog::Draft> drafts;
        for (const auto& st : core->take_due_statuses())
          drafts.push_back({topic::portfolio_status, encode(st), st.time_ms * 1'000'000});
        if (drafts.empty()) return;
        auto seqs = store->events().append_batch(drafts);
        if (seqs) caf::anon_send(events, events_atom::value, seqs->back());
        // A status that cannot be logged is lost to subscribers but changes
        // nothing in the ledger; the next one will say the same.
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
        return encode(format_amount(core->total_value()));  // "value"
      },
      [=](health_atom) { return health_of(self, "portfolio", *act); },
  };
}

}  // namespace tn
