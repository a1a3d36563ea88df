#pragma once
// Timeframes are written as on Binance ("1m", "15m", "1h", "4h", "1d",
// "1w"); inside the node they are milliseconds.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tn {

// "4h" -> 14'400'000. nullopt for anything else (no silent default).
std::optional<int64_t> parse_timeframe_ms(std::string_view tf);

// Smaller rank = larger timeframe wins the arbiter's priority.
inline int64_t timeframe_priority(int64_t tf_ms) { return -tf_ms; }

}  // namespace tn
