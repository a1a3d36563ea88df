#pragma once
// Money and quantities in the ledger are fixed-point integers: 1 unit =
// 1e-8 of the currency (a satoshi for BTC, 1e-8 USDT for the quote). Prices
// stay double (they come from market data); every conversion to an Amount
// rounds down, so the ledger never creates money out of rounding.
#include <cmath>
#include <cstdint>
#include <string>

namespace tn {

using Amount = int64_t;
inline constexpr int64_t kAmountScale = 100'000'000;

inline Amount to_amount(double x) { return static_cast<Amount>(std::floor(x * kAmountScale + 1e-6)); }
inline double to_double(Amount a) { return static_cast<double>(a) / kAmountScale; }

// value (quote units) of qty (base units) at price, rounded down.
inline Amount value_at(Amount qty, double price) {
  return static_cast<Amount>(std::floor(static_cast<long double>(qty) * price));
}
// quantity (base units) that quote (quote units) buys at price, rounded down.
inline Amount quantity_for(Amount quote, double price) {
  return static_cast<Amount>(std::floor(static_cast<long double>(quote) / price));
}

// Average cost: the part of a position's cost basis that leaves with `sold`
// of its `held` quantity (all of it when everything is sold).
inline Amount cost_of_sold(Amount cost, Amount held, Amount sold) {
  if (held <= 0) return 0;
  return static_cast<Amount>(static_cast<long double>(cost) * sold / held);
}

// "1234.56789000" exactly, no float formatting involved.
std::string format_amount(Amount a);

}  // namespace tn
