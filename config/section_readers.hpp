#pragma once
// INTERNAL to config/: the readers of the sections whose schema lives beside
// its struct (breakout_config.cpp, notify_config.cpp, sources_config.cpp),
// for the loaders in config/. Each reads its table of `top` when it is
// there, through the one strict reader (toml_section.hpp), and throws Fail
// at the first bad key, naming file, dotted key and line.
#include "config/breakout_config.hpp"
#include "config/notify_config.hpp"
#include "config/sources_config.hpp"
#include "config/toml_section.hpp"

namespace tn::config_detail {

// [strategies.breakout.equity] and [strategies.breakout.crypto].
void read_strategies(const Section& top, BreakoutConfig& out);
// [calendar]: holidays and holidays_file.
void read_calendar(const Section& top, BreakoutConfig& out);
// [notify]: channels, routes and back-off.
void read_notify(const Section& top, NotifyConfig& out);
// [sources]: the bar cache and one table per exchange.
void read_sources(const Section& top, SourcesConfig& out);

}  // namespace tn::config_detail
