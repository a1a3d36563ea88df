#pragma once
// What `traderctl trades` shows: the ledger's orders, fills and failures,
// filtered and cut to the newest N, each filled SELL with its realised P&L
// worked out by the portfolio's own average-cost rule (the numbers
// `traderctl profit` adds up). Plain C++; the control thread calls it on
// the ledger's order history.
#include <string>
#include <vector>

#include "messages/control.hpp"
#include "messages/orders.hpp"

namespace tn {

// orders: the account's whole history in the order applied (the realised
// P&L of a SELL depends on every BUY before it, filtered out or not).
// Keeps the orders of q.symbol (all when empty) decided at or after
// q.since_ms; `matched` counts them, `trades` holds the newest q.limit,
// oldest first.
TradesBody trades_body(const std::vector<OrderResult>& orders, const TradesQuery& q,
                       const std::string& quote);

}  // namespace tn
