#pragma once
// INTERNAL to config/: reads a parsed [sources] table (used by config.cpp
// and sources_config.cpp). Returns an error message "<file>: <what> (line N)"
// or nothing.
#include <toml++/toml.h>

#include <optional>
#include <string>

#include "config/sources_config.hpp"

namespace tn {

std::optional<std::string> read_sources_table(const std::string& file, const toml::node& sources,
                                              SourcesConfig& out);

}  // namespace tn
