// The executor's CAF shell: the paper broker. An instant's orders are
// applied to the ledger in one LMDB transaction (the signals that precede
// them, then per order balances, order, transaction record and trade
// event): one commit, one fsync on a durable node. Idempotent by order id.
#include <algorithm>

#include "actors/pipeline.hpp"
#include "common/stage_probe.hpp"
#include "storage/store.hpp"

namespace tn {

ExecutorActor::behavior_type executor_actor(ExecutorActor::pointer self,
                                            std::shared_ptr<storage::Store> store, std::string account,
                                            std::string quote, Amount min_trade_value, double fee_rate,
                                            caf::group events) {
  const storage::LedgerRules rules{min_trade_value, fee_rate};
  auto act = std::make_shared<Activity>();
  return {
      [=](const PlaceOrders& p) -> caf::result<OrderResults> {
        act->touch();
        probe::mark_placed(probe::executor_in);
        const int64_t ts_ns = p.orders.empty() ? 0 : p.orders.front().decided_at_ms * 1'000'000;
        auto r = store->ledger().apply_batch(p.orders, rules, ts_ns, p.before);
        if (!r) return to_caf_error(r.error());  // storage_full stops the run
        probe::mark_placed(probe::ledger_committed);
        uint64_t last_seq = 0;
        for (const OrderResult& res : *r)
          if (!res.duplicate) last_seq = std::max(last_seq, res.event_seq);
        if (last_seq) caf::anon_send(events, events_atom::value, last_seq);
        return OrderResults{std::move(r.value())};
      },
      [=](balances_atom) -> caf::result<BalancesView> {
        auto b = store->ledger().balances(account);
        if (!b) return to_caf_error(b.error());
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
