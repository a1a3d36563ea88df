// Ledger::import_history: an account's whole history written at once, into
// an empty ledger only (so importing twice changes nothing the second time).
#include "messages/codec.hpp"
#include "storage/format.hpp"
#include "storage/ledger.hpp"
#include "storage/reconcile.hpp"
#include "storage/store_core.hpp"

namespace tn::storage {

namespace fmt = format;

namespace {

// Everything checked before the write transaction starts.
Status check_plan(const LedgerImport& plan) {
  if (Status s = detail::check_name("account", plan.account); !s) return s;
  if (Status s = detail::check_name("quote asset", plan.quote); !s) return s;
  if (plan.starting_capital < 0)
    return make_error(Errc::invalid_input, "starting capital of " + plan.account + " is negative");
  LedgerSnapshot snap;
  snap.starting_capital = plan.starting_capital;
  snap.balances = plan.balances;
  for (const auto& [asset, amount] : plan.balances)
    if (Status s = detail::check_name("asset", asset); !s) return s;
  for (const auto& entry : plan.history) {
    if (const auto* d = std::get_if<EventLog::Draft>(&entry)) {
      if (Status s = detail::check_draft(*d); !s) return s;
      continue;
    }
    const OrderResult& o = std::get<OrderResult>(entry);
    if (Status s = detail::check_request(o.request); !s) return s;
    if (o.request.account != plan.account || o.request.quote != plan.quote)
      return make_error(Errc::invalid_input, "order " + o.request.order_id + " is not of account " +
                                                 plan.account + " in " + plan.quote);
    snap.orders.push_back(o);
  }
  const Reconciliation r = reconcile(snap);
  if (r.ok) return Status::OK();
  std::string why;
  for (const auto& p : r.problems) why += "\n  " + p;
  return make_error(Errc::invalid_input,
                    "the imported history does not reconcile with its balances:" + why);
}

// The tables an import refuses to write into unless they are empty.
Status require_empty(lmdb::WriteTxn& txn, const detail::Tables& t) {
  for (auto [name, table] : {std::pair{"accounts", t.accounts}, {"balances", t.balances},
                             {"orders", t.orders}, {"transactions", t.transactions},
                             {"events", t.events}}) {
    auto cur = lmdb::Cursor::open(txn, table);
    if (!cur) return cur.error();
    auto first = cur->first();
    if (!first) return first.error();
    if (*first)
      return make_error(Errc::invalid_input,
                        "the ledger in '" + txn.env().path() + "' is not empty (it has " + name +
                            "): an import writes only into a new ledger; nothing was written");
  }
  return Status::OK();
}

}  // namespace

Status Ledger::import_history(const LedgerImport& plan) {
  if (Status s = check_plan(plan); !s) return s;
  const detail::Tables& t = core_.t;
  auto r = lmdb::try_write(core_.env, "ledger import", [&](lmdb::WriteTxn& txn) -> Result<bool> {
    if (Status s = require_empty(txn, t); !s) return s.error();
    const fmt::AccountRecord rec{plan.quote, plan.starting_capital};
    if (Status s = txn.put(t.accounts, plan.account, encode(rec)); !s) return s.error();
    for (const auto& [asset, amount] : plan.balances)
      if (Status s = txn.put(t.balances, fmt::balance_key(plan.account, asset), encode(amount)); !s)
        return s.error();
    uint64_t tx = 0;
    for (const auto& entry : plan.history) {
      if (const auto* d = std::get_if<EventLog::Draft>(&entry)) {
        if (auto seq = detail::append_event(core_, txn, *d); !seq) return seq.error();
        continue;
      }
      OrderResult o = std::get<OrderResult>(entry);
      o.duplicate = false;
      auto seq = detail::append_event(core_, txn,
                                      {o.filled ? topic::trade_fill : topic::trade_rejected,
                                       encode(detail::trade_event(o)), o.request.decided_at_ms * 1'000'000});
      if (!seq) return seq.error();
      o.event_seq = *seq;
      const std::string bytes = encode(o);
      if (Status s = txn.put(t.transactions, fmt::tx_key(plan.account, ++tx), bytes); !s) return s.error();
      if (Status s = txn.put(t.orders, o.request.order_id, bytes); !s) return s.error();
    }
    return true;
  });
  if (!r) return r.error();
  return Status::OK();
}

}  // namespace tn::storage
