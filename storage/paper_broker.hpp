#pragma once
// The paper broker's rules as a pure function: no storage, no clock. The
// Ledger calls it inside its write transaction with the balances it read
// there; tests call it directly.
#include <string>

#include "common/amount.hpp"
#include "common/error.hpp"
#include "messages/orders.hpp"

namespace tn::storage {

struct LedgerRules {
  Amount min_trade_value = 10 * kAmountScale;  // quote units; BUYs below it are rejected
  double fee_rate = 0.0;                       // fraction of the trade value, in [0, 1)
};

// invalid_input when the rules themselves are unusable (negative minimum,
// fee rate not in [0, 1)): a configuration error, not the order's fault.
Status validate_rules(const LedgerRules& rules);

// The fee on a trade value: rate applied at 1e-9 resolution (fee_rate is
// rounded to whole parts per billion once), result rounded down. Integer
// math, so 0.7 * 100 is 70, not 69.99999 floored to 69.
Amount fee_for(Amount value, double fee_rate);

// What happens to req given the current balances. Fills it or sets
// filled = false and reject_reason; quote_after / base_after are the
// balances after (unchanged on a rejection). Never touches event_seq or
// duplicate. Rules must have passed validate_rules.
//   BUY : fee = fee_for(quote_amount); needs quote_amount + fee <= quote;
//         quantity = quantity_for(quote_amount, price); value = quote_amount.
//   SELL: quantity = the whole base balance; value = value_at(quantity, price);
//         quote += value - fee; base = 0.
OrderResult evaluate_order(const OrderRequest& req, const LedgerRules& rules, Amount quote_balance,
                           Amount base_balance);

}  // namespace tn::storage
