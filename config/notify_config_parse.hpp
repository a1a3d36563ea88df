#pragma once
// INTERNAL to config/: parses the [notify] table (toml++). On a bad key or
// value it returns the message config.cpp reports ("file: key ... (line N)").
#include <toml++/toml.h>

#include <optional>
#include <string>

#include "config/notify_config.hpp"

namespace tn {

// nullopt when fine; otherwise the error text.
std::optional<std::string> parse_notify(const toml::table& t, const std::string& file, NotifyConfig& out);

}  // namespace tn
