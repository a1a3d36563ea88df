#pragma once
// Intervals the market layer speaks and the checks every fetched bar passes
// before anyone sees it.
#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "common/time.hpp"
#include "market/bar_source.hpp"

namespace tn::market {

// Intervals that divide a day, the day and the week (constants in
// common/time.hpp; weeks open on Monday 00:00 UTC, as Binance's do).
bool interval_supported(int64_t interval_ms);
// "4h", "1d", "1w" (the Binance spelling).
std::string interval_name(int64_t interval_ms);
// Open time of the bar that contains t.
int64_t bar_floor(int64_t t_ms, int64_t interval_ms);
bool bar_aligned(int64_t t_ms, int64_t interval_ms);

// Every bar: finite prices > 0, low <= open, close <= high, volume finite
// and >= 0, open times strictly increasing and aligned to the interval.
// Returns the number of gaps (a bar more than one interval after the
// previous one: outages, weekends), or invalid_input naming the bar.
Result<size_t> check_bars(const BarSeries& bars, int64_t interval_ms);

// Only the gap count (for bars that passed check_bars before: the cache).
size_t count_gaps(const BarSeries& bars, int64_t interval_ms);

// "2017-11-16" <-> 00:00 UTC of that day.
bool parse_iso_date(const std::string& s, int64_t& day_ms);
std::string iso_date(int64_t t_ms);

}  // namespace tn::market
