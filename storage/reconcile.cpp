#include "storage/reconcile.hpp"

#include <map>
#include <set>

namespace tn::storage {

namespace {

constexpr size_t kMaxProblems = 20;

void note(Reconciliation& r, std::string line) {
  r.ok = false;
  if (r.problems.size() < kMaxProblems) r.problems.push_back(std::move(line));
}

}  // namespace

Result<Reconciliation> reconcile(Ledger& ledger, const std::string& account) {
  // One read transaction: a node applying orders meanwhile cannot make the
  // balances and the history disagree.
  auto snap = ledger.snapshot(account);
  if (!snap) return snap.error();
  return reconcile(*snap);
}

Reconciliation reconcile(const LedgerSnapshot& snap) {
  const Amount* start = &snap.starting_capital;
  const auto* orders = &snap.orders;
  const auto* stored = &snap.balances;

  Reconciliation r;
  std::string quote;
  std::map<std::string, Amount> replay;  // asset -> balance
  std::set<std::string> seen;
  for (const OrderResult& o : *orders) {
    ++r.orders;
    const auto& q = o.request;
    if (!seen.insert(q.order_id).second) note(r, "order " + q.order_id + " is journaled twice");
    if (quote.empty()) quote = q.quote, replay[quote] = *start;
    if (!o.filled) continue;
    ++r.fills;
    if (q.side == kBuy) {
      replay[q.quote] -= o.value + o.fee;
      replay[q.base] += o.quantity;
    } else if (q.side == kSell) {
      replay[q.quote] += o.value - o.fee;
      replay[q.base] -= o.quantity;
    } else {
      note(r, "order " + q.order_id + " has side '" + q.side + "'");
      continue;
    }
    if (replay[q.quote] != o.quote_after || replay[q.base] != o.base_after)
      note(r, "order " + q.order_id + ": recorded balances after it (" +
                  format_amount(o.quote_after) + " " + q.quote + ", " + format_amount(o.base_after) +
                  " " + q.base + ") differ from the replay (" + format_amount(replay[q.quote]) +
                  ", " + format_amount(replay[q.base]) + ")");
    if (replay[q.quote] < 0 || replay[q.base] < 0)
      note(r, "order " + q.order_id + " leaves a negative balance");
  }
  // Every stored balance must equal the replay, and the other way round.
  for (const auto& [asset, amount] : *stored) {
    auto it = replay.find(asset);
    const Amount want = it == replay.end() ? (r.orders == 0 ? *start : 0) : it->second;
    if (amount != want)
      note(r, "balance " + asset + " is " + format_amount(amount) + ", the order history gives " +
                  format_amount(want));
  }
  for (const auto& [asset, amount] : replay)
    if (amount != 0 && !stored->count(asset))
      note(r, "balance " + asset + " is missing, the order history gives " + format_amount(amount));
  return r;
}

}  // namespace tn::storage
