#pragma once
// What the notifier tells a person, as one line of text per event worth
// telling (fills, failed trades, start/stop, data errors, portfolio status).
// Channels (log now; Telegram and email later) only deliver these lines.
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace tn {

// nullopt: not worth a person's attention (e.g. a dropped signal);
// an Error: the envelope could not be read.
Result<std::optional<std::string>> describe_event(std::string_view envelope_bytes);

}  // namespace tn
