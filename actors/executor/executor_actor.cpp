// The executor's CAF shell: the paper broker. Each order is applied to the
// ledger in one LMDB transaction (the events that precede it, balances,
// order, transaction record and the trade event together), idempotent by
// order id.
#include "actors/pipeline.hpp"
#include "common/stage_probe.hpp"
#include "storage/store.hpp"

namespace tn {

caf::behavior executor_actor(caf::event_based_actor* self, std::shared_ptr<storage::Store> store,
                             std::string account, std::string quote, Amount min_trade_value,
                             double fee_rate, caf::group events) {
  const storage::LedgerRules rules{min_trade_value, fee_rate};
  auto act = std::make_shared<Activity>();
  return {
      [=](const PlaceOrder& p) -> caf::result<OrderResult> {
        act->touch();
        probe::mark_placed(probe::executor_in);
        const OrderRequest& req = p.order;
        std::vector<storage::EventLog::Draft> before;
        before.reserve(p.before.size());
        for (const EventDraft& d : p.before) before.push_back({d.type, d.body, d.ts_ns});
        auto r = store->ledger().apply(req, rules, req.decided_at_ms * 1'000'000, before);
        if (!r) return caf::make_error(caf::sec::runtime_error, r.error().to_string());
        probe::mark_placed(probe::ledger_committed);
        if (!r->duplicate) self->send(events, events_atom::value, r->event_seq);
        return std::move(r.value());
      },
      [=](balances_atom) -> caf::result<BalancesView> {
        auto b = store->ledger().balances(account);
        if (!b) return caf::make_error(caf::sec::runtime_error, b.error().to_string());
        BalancesView v;
        for (auto& [asset, amount] : b.value()) {
          if (asset == quote)
            v.quote = amount;
          else
            v.base[asset] = amount;
        }
        return v;
      },
      [=](health_atom) { return health_of(self, "executor", *act); },
  };
}

}  // namespace tn
