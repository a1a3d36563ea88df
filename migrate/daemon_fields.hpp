#pragma once
// The daemon's field formats, one parser each. Errors are invalid_input
// saying what the value is and what was expected; the caller adds which
// table, row and column.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/amount.hpp"
#include "common/error.hpp"

namespace tn::migrate {

// ISO-8601 date and time, as Python's str(datetime) / isoformat() and
// SQLite's CURRENT_TIMESTAMP write them: "YYYY-MM-DD HH:MM:SS" or with 'T',
// then optionally a fraction of 1 to 9 digits (kept to the millisecond,
// rounded down) and optionally "Z" or an offset "+HH:MM" / "-HH:MM". A time
// without an offset is UTC (what the daemon and CURRENT_TIMESTAMP write).
// Refused: a date alone, epoch numbers, other separators, out-of-range fields.
// Returns ms since the epoch.
Result<int64_t> parse_daemon_time(std::string_view text);

// A decimal number as an Amount (1e-8 units), exactly: "12.5", "-3",
// "0.00012", "1.5e-05" (SQLite's text of a small REAL). Digits past the
// eighth decimal are dropped (rounded toward zero, as the ledger rounds).
// Refused: anything else, and magnitudes an Amount cannot hold.
Result<Amount> parse_decimal_amount(std::string_view text);

// A finite decimal as a double (prices): the same syntax as above.
Result<double> parse_decimal_double(std::string_view text);

// "BUY" or "SELL" (any case) as kBuy / kSell.
Result<std::string> parse_side(std::string_view text);

// What an order's status says happened to it.
enum class OrderFate : uint8_t {
  filled,      // filled, executed: its quantity and price moved the balances
  open,        // pending, open, new: not carried over (tradernode has no resting orders)
  not_filled,  // cancelled, canceled, rejected, failed, expired
};
// Any case; anything else (partially_filled too: how much filled is not
// recorded) is refused.
Result<OrderFate> parse_status(std::string_view text);

}  // namespace tn::migrate
