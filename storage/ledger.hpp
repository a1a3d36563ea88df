#pragma once
// The paper broker's durable ledger: balances per (account, asset), every
// order applied with its outcome, a per-account journal, and the trade event
// of each order, all written in one LMDB transaction per order (or per
// instant's orders, apply_batch).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/amount.hpp"
#include "common/error.hpp"
#include "messages/orders.hpp"
#include "storage/event_log.hpp"
#include "storage/paper_broker.hpp"

namespace tn::storage {

namespace detail { struct Core; }

struct LedgerSnapshot {
  Amount starting_capital = 0;
  std::vector<OrderResult> orders;         // in the order they were applied
  std::map<std::string, Amount> balances;  // asset -> balance
};

// A history brought over from another system (`tradernode import-sqlite`),
// for import_history to write into an empty ledger.
struct LedgerImport {
  std::string account, quote;
  Amount starting_capital = 0;  // the account record's, as init_account sets it
  // In the order it happened: an order result is journaled (transactions
  // and orders tables) with its trade.fill / trade.rejected event, at its
  // decided_at_ms; a draft is logged as it is.
  std::vector<std::variant<OrderResult, EventLog::Draft>> history;
  std::map<std::string, Amount> balances;  // asset -> balance after the history
};

class Ledger {
 public:
  // Sets account's quote balance to starting_balance and records it as the
  // starting capital, only if the account was never initialised; otherwise
  // changes nothing and returns OK (invalid_input if the quote asset differs
  // from the one it was initialised with).
  Status init_account(const std::string& account, const std::string& quote,
                      Amount starting_balance);

  // 0 when the account holds none of asset.
  Result<Amount> balance(const std::string& account, const std::string& asset);
  // Every asset the account ever held (a closed position shows as 0).
  Result<std::map<std::string, Amount>> balances(const std::string& account);

  // Executes req against the account's balances by the paper-broker rules
  // (storage/paper_broker.hpp) in ONE write transaction: the order record,
  // the balances, the account's transaction record and the trade.fill or
  // trade.rejected event are committed together or not at all.
  // A rejection is an OrderResult with filled = false, stored like a fill.
  // Idempotent on req.order_id: an id applied before returns the stored
  // result with duplicate = true and changes nothing.
  // `before`: events logged in the same transaction just ahead of the
  // trade event (the signals of the order's instant), skipped with the rest
  // when the order is a duplicate.
  // Errors: invalid_input (request without id/account/assets, bad rules,
  // a corrupted stored record), storage_full (nothing of the order is kept).
  Result<OrderResult> apply(const OrderRequest& req, const LedgerRules& rules, int64_t ts_ns,
                            const std::vector<EventLog::Draft>& before = {});
  // The orders of one instant, in order, in ONE write transaction (group
  // commit: one fsync for them all on a durable ledger): each is applied as
  // by apply() against the balances the orders before it left, `before`
  // ahead of the first (skipped when the first is a duplicate). Any error
  // keeps nothing of any of them. At most kMaxBatchOrders.
  static constexpr size_t kMaxBatchOrders = 4096;
  Result<std::vector<OrderResult>> apply_batch(const std::vector<OrderRequest>& reqs,
                                               const LedgerRules& rules, int64_t ts_ns,
                                               const std::vector<EventLog::Draft>& before = {});

  // Writes an imported account in ONE write transaction, only into an
  // empty ledger (no account, balance, order or event yet): its record,
  // balances, journal and events, each order's event_seq set to its event.
  // Checked before anything is written: the names and ids, every draft, and
  // that the history reconciles with the balances (storage/reconcile.hpp),
  // so `traderctl verify` passes on the result.
  // Errors: invalid_input (a check above, or the ledger is not empty:
  // nothing is written), storage_full / io from LMDB (nothing is kept).
  Status import_history(const LedgerImport& plan);

  // The stored result of order_id (duplicate = false), or nullopt.
  Result<std::optional<OrderResult>> find_order(const std::string& order_id);
  // The account's orders, fills and rejections, in the order they were applied.
  Result<std::vector<OrderResult>> orders(const std::string& account);
  // The balance given by init_account; not_found if it was never initialised.
  Result<Amount> starting_capital(const std::string& account);
  // The three above read in ONE transaction: a consistent picture while a
  // running node goes on applying orders (what reconciliation needs).
  Result<LedgerSnapshot> snapshot(const std::string& account);

  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

 private:
  friend class Store;
  explicit Ledger(detail::Core& core) : core_(core) {}
  detail::Core& core_;  // owned by the Store
};

}  // namespace tn::storage
