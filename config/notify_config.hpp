#pragma once
// [notify]: the notification channels and which events go to which. A
// channel whose table is absent (or whose secrets are missing from the
// environment) is off; the log channel is always on. Secrets are never here:
// TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_ID, SMTP_PASSWORD come from the environment.
//
//   [notify]
//   backoff_initial_ms = 1000          # first retry delay of a failed delivery
//   backoff_max_ms = 300000            # retry delay cap
//   [notify.telegram]
//   base_url = "https://api.telegram.org"
//   [notify.email]
//   host = "smtp.example.com"
//   port = 587
//   user = "bot@example.com"
//   from = "bot@example.com"
//   from_name = "tradernode"
//   recipients = ["me@example.com"]
//   tls = "starttls"                   # or "none": loopback hosts only
//   [notify.routes]
//   "trade.fill" = ["telegram", "email"]
//   "portfolio.status" = ["telegram"]
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace tn {

struct TelegramConfig {
  bool configured = false;  // [notify.telegram] present
  std::string base_url = "https://api.telegram.org";
  int64_t timeout_ms = 15'000;
};

struct EmailConfig {
  bool configured = false;  // [notify.email] present
  std::string host;
  int32_t port = 587;
  std::string user;  // empty: no AUTH
  std::string from;
  std::string from_name = "tradernode";
  std::vector<std::string> recipients;
  std::string tls = "starttls";  // starttls | none (loopback only)
  int64_t timeout_ms = 30'000;
};

struct NotifyConfig {
  TelegramConfig telegram;
  EmailConfig email;
  // event type (one of notifiable_event_types(), messages/events.hpp) -> channels
  std::map<std::string, std::vector<std::string>> routes;
  int64_t backoff_initial_ms = 1000;
  int64_t backoff_max_ms = 300'000;
};

// The channel names a route may use.
inline const std::vector<std::string>& notify_channel_names() {
  static const std::vector<std::string> names = {"telegram", "email", "log"};
  return names;
}

// Reads an environment variable ("" when unset); tests pass their own.
using EnvLookup = std::function<std::string(const std::string& name)>;
std::string process_env(const std::string& name);

// Which channels are on, and for the others one line each for the node to
// log at start: "channel telegram off: TELEGRAM_BOT_TOKEN is not set".
struct ChannelPlan {
  std::vector<std::string> on;   // always includes "log"
  std::vector<std::string> off;  // the log lines
};
ChannelPlan plan_channels(const NotifyConfig& c, const EnvLookup& env = process_env);

// The hourly daemon's messages, which every channel that is on gets while
// [notify.routes] is absent or empty: start, one signals-found summary per
// check, trades executed and failed, the portfolio status, data errors,
// stop. Configured routes replace them.
const std::vector<std::string>& default_route_types();
// The event types some channel may want: the routes' keys, else the defaults.
std::vector<std::string> routed_types(const NotifyConfig& c);

// The channels (of those on, except "log") that want events of type.
std::vector<std::string> route_for(const NotifyConfig& c, const std::vector<std::string>& on,
                                   const std::string& type);

}  // namespace tn
