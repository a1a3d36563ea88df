#pragma once
// The daemon's rows parsed (daemon_fields.hpp for each value), each bad one
// refused as invalid_input naming its table and id ("orders id 7: side
// 'HOLD' is not BUY or SELL"), or its currency for a balance. What
// daemon_import.hpp maps onto the ledger.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/amount.hpp"
#include "common/error.hpp"
#include "migrate/daemon_fields.hpp"
#include "migrate/daemon_rows.hpp"

namespace tn::migrate {

struct Order {
  std::string id, symbol, base, side, order_type, status;  // symbol: "BTC/USDT" read as BTCUSDT
  OrderFate fate = OrderFate::not_filled;
  Amount quantity = 0;
  double price = 0;  // 0: the daemon recorded none (only an order not filled may lack one)
  int64_t time_ms = 0;
};

struct Tx {
  std::string id, type, currency, description;
  Amount amount = 0;  // negative: a debit
  int64_t time_ms = 0;
};

// Currency -> available + reserved (both >= 0; a NULL reserved is 0).
// Currencies are upper-cased; one currency twice is refused.
Result<std::map<std::string, Amount>> parse_balances(const DaemonAccount& rows);
// Oldest first (created_at, then id: numerically when both are numbers).
// A symbol must be BASE + quote (upper-cased, '/', '-', '_' dropped); a
// filled order needs a quantity and a price above 0; an id twice is refused.
Result<std::vector<Order>> parse_orders(const DaemonAccount& rows, const std::string& quote);
// Oldest first, as the orders.
Result<std::vector<Tx>> parse_transactions(const DaemonAccount& rows);

std::string upper_ascii(std::string s);
// to += x, or invalid_input "<what> is out of range" on overflow.
Status checked_add(Amount& to, Amount x, const std::string& what);

}  // namespace tn::migrate
