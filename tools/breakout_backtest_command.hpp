#pragma once
#include "tools/backtest.hpp"

namespace tn {

// `tradernode backtest --strategy breakout`: the daily breakout job over
// every day of the recorded daily series (breakout/universe.hpp says
// which files), for each enabled [strategies.breakout.*] asset class (or
// only --asset-class), written to OUT/<asset class>/breakout_*.{csv,json}.
// No actor pipeline: run_breakout_backtest is the very job the node runs.
int run_breakout_backtest_command(const BacktestOptions& opt);

}  // namespace tn
