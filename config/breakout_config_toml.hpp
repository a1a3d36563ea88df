#pragma once
// INTERNAL to config/: the TOML reader of breakout_config.hpp, called by config.cpp.
#include <toml++/toml.h>

#include "config/breakout_config.hpp"

namespace tn {

// Reads `[strategies]` and `[calendar]` (either may be null) of the config
// called `name`. Unknown keys are errors. Messages are complete, in the
// loader's style: "<name>: key 'strategies.breakout.equity.trend_period'
// must be in [2, 1000], got 0 (line 12)".
Status read_breakout_config(const toml::node* strategies, const toml::node* calendar,
                            const std::string& name, BreakoutConfig& out);

}  // namespace tn
