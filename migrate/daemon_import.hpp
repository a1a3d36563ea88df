#pragma once
// The hourly daemon's account mapped onto tradernode's ledger, in memory:
// what `tradernode import-sqlite` writes with Ledger::import_history.
//
//   - Balances (available + reserved: the daemon's open orders are not
//     carried over, so what it reserved for them is the account's again)
//     are the account's state after the import, exactly.
//   - Orders become the journal, oldest first (created_at, then id), with
//     ids "sqlite:<id>": a filled one moves the balances by quantity and
//     quantity x price (no fee: the orders table has none); any other is
//     journaled as not filled, its status as the reason.
//   - What the balances hold beyond what the filled orders explain was
//     there before the first recorded order: an opening BUY per base asset
//     ("sqlite:opening:<ASSET>") at the first price the daemon recorded for
//     its symbol (price 0, cost unknown, when it recorded none), and the
//     starting capital is the quote that, after those, leaves the history
//     ending exactly at the balances. So the ledger reconciles.
//   - Quote that left the daemon's account outside its orders (its fees:
//     the orders table has none) would make some point of that history
//     negative: the starting capital is then what the orders need, and the
//     difference is booked as the fee of the last filled order.
//   - A position's cost is then the average cost of the filled BUYs since
//     its last full SELL (the portfolio's rule), opening units included at
//     their opening price.
//   - Transactions are kept as import.transaction events, in time order
//     with the orders; the balances do not come from them.
// Refused (invalid_input naming the table and the row's id or currency):
// a value that does not parse, a negative balance, a filled order without
// a positive quantity and price, a symbol not quoted in the quote asset,
// and orders that sell more of a base asset than its balance lets the
// account have held (nothing but an order moves a base asset in the daemon).
#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "messages/events.hpp"
#include "migrate/daemon_rows.hpp"
#include "storage/ledger.hpp"

namespace tn::migrate {

struct ImportOptions {
  std::string quote = "USDT";  // the account's quote asset: every symbol must end with it
  std::string source;          // the SQLite file, for the summary
  int64_t now_ms = 0;          // the import's time: the summary event's, and the opening
                               // entries' when the daemon recorded no time at all
};

struct ImportPlan {
  storage::LedgerImport ledger;  // the summary event is its history's last entry
  ImportSummaryEvent summary;
};

Result<ImportPlan> plan_import(const DaemonAccount& rows, const ImportOptions& options);

}  // namespace tn::migrate
