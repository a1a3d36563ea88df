#pragma once
// Timeframes are written as on Binance ("1m", "15m", "1h", "4h", "1d",
// "1w"); inside the node they are milliseconds.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/time.hpp"

namespace tn {

// "4h" -> 14'400'000. nullopt for anything else (no silent default).
std::optional<int64_t> parse_timeframe_ms(std::string_view tf);

// Smaller rank = larger timeframe wins the arbiter's priority.
inline int64_t timeframe_priority(int64_t tf_ms) { return -tf_ms; }

// A bar's late window: how long after its close a bar still counts as
// news. Within it the live node asks again for a bar the exchange has not
// served yet (schedule/late_bars.hpp) and decides it when it comes, a fresh
// start decides the newest bar, and the bar cache does not take a missing
// bar for an exchange gap (market/CACHE.md). One bar, at most an hour: the
// next bar is due after one bar, and a close older than an hour is no
// price to trade at any more.
inline int64_t late_window_ms(int64_t tf_ms) { return std::clamp<int64_t>(tf_ms, 0, kHourMs); }

}  // namespace tn
