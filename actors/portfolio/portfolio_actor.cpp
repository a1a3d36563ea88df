// The portfolio's CAF shell: valuation and P&L from the arbiter's feed, a
// portfolio.status event at every status interval of (simulated) time.
#include "actors/pipeline.hpp"
#include "actors/portfolio/portfolio_core.hpp"
#include "messages/codec.hpp"
#include "storage/store.hpp"

namespace tn {

caf::behavior portfolio_actor(caf::event_based_actor* self, std::vector<StreamMeta> streams,
                              std::string quote, Amount quote_balance, int64_t status_interval_ms,
                              int64_t equity_interval_ms, std::shared_ptr<storage::Store> store,
                              caf::group events) {
  auto core = std::make_shared<PortfolioCore>(std::move(streams), std::move(quote), quote_balance,
                                              status_interval_ms, equity_interval_ms);
  return {
      [=](const PortfolioFeed& f) {
        core->apply_window(f.fills, f.marks, f.end_ms, f.last);
        std::vector<storage::EventLog::Draft> drafts;
        for (const auto& st : core->take_due_statuses())
          drafts.push_back({topic::portfolio_status, encode(st), st.time_ms * 1'000'000});
        if (drafts.empty()) return;
        auto seqs = store->events().append_batch(drafts);
        if (seqs) self->send(events, events_atom::value, seqs->back());
        // A status that cannot be logged is lost to subscribers but changes
        // nothing in the ledger; the next one will say the same.
      },
      [=](report_atom) {
        RunResult r;
        r.equity = core->equity();
        r.final_equity = core->total_value();
        r.max_drawdown = core->max_drawdown();
        r.final_quote = core->quote_balance();
        return r;
      },
  };
}

}  // namespace tn
