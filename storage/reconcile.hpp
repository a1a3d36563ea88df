#pragma once
// Reconciles an account's balances against its order history: replaying
// every journaled order from the starting capital must give exactly the
// stored balances (starting capital = quote + the cost flows of all fills),
// every order id must appear once in the journal, and each order's recorded
// balances-after must match the replay at that point. What `traderctl
// verify` and the crash tests check.
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "storage/ledger.hpp"

namespace tn::storage {

struct Reconciliation {
  uint64_t orders = 0;   // journal entries checked
  uint64_t fills = 0;
  bool ok = true;
  std::vector<std::string> problems;  // one line per mismatch (at most ~20)
};

// not_found when the account was never initialised; storage errors pass on.
Result<Reconciliation> reconcile(Ledger& ledger, const std::string& account);
// The same checks on a picture of the ledger held in memory: what an
// import (Ledger::import_history) checks before it writes anything.
Reconciliation reconcile(const LedgerSnapshot& snap);

}  // namespace tn::storage
