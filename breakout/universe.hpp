#pragma once
// Where the breakout job's daily series come from when they are recorded
// CSVs (backtest, replay): for each symbol of an asset class's universe,
//   1. `--data SYMBOL:1d=CSV` when given (no watchlist entry needed: US
//      equities like SPY cannot be watchlist streams of a USDT account), else
//   2. the `data` file of its [watchlist.SYMBOL.1d] table.
// The benchmark is loaded the same way when it has a file (optional).
// An empty universe means every 1d stream of the watchlist plus every 1d
// --data. A universe symbol with neither is an error naming it.
#include <map>
#include <string>
#include <vector>

#include "breakout/daily_runner.hpp"
#include "config/config.hpp"

namespace tn {

// SYMBOL -> CSV from "SYMBOL:1d=CSV" specs; other timeframes are not the
// job's and are left for the watchlist (returned in `others`).
Result<std::map<std::string, std::string>> daily_overrides(const std::vector<std::string>& specs,
                                                           std::vector<std::string>* others);

// Loads (validated CSVs) the series params' job needs.
Result<DailyUniverse> load_daily_universe(const Config& cfg, const BreakoutParams& params,
                                           const std::map<std::string, std::string>& overrides);

}  // namespace tn
