// [notify] TOML -> NotifyConfig, through the one strict reader
// (toml_section.hpp); the rest is what the node does with it.
#include "config/notify_config.hpp"

#include <algorithm>
#include <cstdlib>

#include "config/section_readers.hpp"
#include "messages/events.hpp"

namespace tn {

namespace config_detail {

namespace {

bool is_notifiable(std::string_view type) {
  for (const auto& t : notifiable_event_types())
    if (t == type) return true;
  return false;
}

std::string notifiable_list() {
  std::string out;
  for (const auto& t : notifiable_event_types()) out += (out.empty() ? "" : ", ") + t;
  return out;
}

void read_telegram(const Section& r, TelegramConfig& t) {
  t.configured = true;
  if (r.line("base_url", t.base_url) && t.base_url.rfind("https://", 0) != 0 &&
      t.base_url.rfind("http://", 0) != 0)
    r.bad("base_url", "must start with https:// (or http:// for a local test server)");
  while (!t.base_url.empty() && t.base_url.back() == '/') t.base_url.pop_back();
  r.integer("timeout_ms", t.timeout_ms, 100, 600'000);
}

void read_email(const Section& r, EmailConfig& e) {
  e.configured = true;
  if (!r.line("host", e.host)) r.bad("host", "is required");
  r.integer("port", e.port, 1, 65535);
  r.line("user", e.user);
  if (!r.line("from", e.from)) r.bad("from", "is required");
  if (e.from.find('@') == std::string::npos || e.from.find_first_of("<> ") != std::string::npos)
    r.bad("from", "must be an address like bot@example.com");
  r.line("from_name", e.from_name);
  r.strings("recipients", e.recipients);
  if (e.recipients.empty()) r.bad("recipients", "must list at least one address");
  for (const auto& a : e.recipients)
    if (a.find('@') == std::string::npos || a.find_first_of("<>, \r\n") != std::string::npos)
      r.bad("recipients", "has '" + a + "', which is not an address");
  if (r.line("tls", e.tls) && e.tls != "starttls" && e.tls != "none")
    r.bad("tls", "must be \"starttls\" or \"none\", got \"" + e.tls + "\"");
  const bool loopback = e.host == "localhost" || e.host == "::1" || e.host.rfind("127.", 0) == 0;
  if (e.tls == "none" && !loopback)
    r.bad("tls", "= \"none\" is only allowed for a loopback host (127.0.0.1, ::1, localhost), not \"" + e.host + "\"");
  r.integer("timeout_ms", e.timeout_ms, 100, 600'000);
}

// Event type -> channels. The router matches types exactly (no prefixes),
// so a key that is not a type a notification is made of would route
// nothing, silently: refused, naming the key and the valid ones.
void read_routes(const Section& r, std::map<std::string, std::vector<std::string>>& routes) {
  for (auto&& [k, v] : r.table()) {
    const std::string type(k.str());
    if (!is_notifiable(type))
      r.bad_entry(type, v, "\"" + type + "\" is not an event type notifications are sent for; the types are " +
                               notifiable_list());
    std::vector<std::string> channels;
    r.strings(type, channels);
    for (const auto& ch : channels) {
      bool known = false;
      for (const auto& n : notify_channel_names()) known = known || n == ch;
      if (!known) r.bad(type, "names channel \"" + ch + "\"; the channels are telegram, email, log");
    }
    routes[type] = std::move(channels);
  }
}

}  // namespace

void read_notify(const Section& top, NotifyConfig& c) {
  if (!top.node("notify")) return;
  const Section n =
      top.section("notify", {"telegram", "email", "routes", "backoff_initial_ms", "backoff_max_ms"});
  n.integer("backoff_initial_ms", c.backoff_initial_ms, 1, 3'600'000);
  n.integer("backoff_max_ms", c.backoff_max_ms, 1, 86'400'000);
  if (c.backoff_max_ms < c.backoff_initial_ms) n.bad("backoff_max_ms", "must be >= backoff_initial_ms");
  if (n.node("telegram")) read_telegram(n.section("telegram", {"base_url", "timeout_ms"}), c.telegram);
  if (n.node("email"))
    read_email(n.section("email", {"host", "port", "user", "from", "from_name", "recipients", "tls",
                                   "timeout_ms"}),
               c.email);
  if (n.node("routes")) read_routes(n.section("routes"), c.routes);
}

}  // namespace config_detail

std::string process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  return v ? v : "";
}

ChannelPlan plan_channels(const NotifyConfig& c, const EnvLookup& env) {
  ChannelPlan p;
  p.on.push_back("log");
  if (!c.telegram.configured)
    p.off.push_back("channel telegram off: no [notify.telegram] in the config");
  else if (env("TELEGRAM_BOT_TOKEN").empty())
    p.off.push_back("channel telegram off: TELEGRAM_BOT_TOKEN is not set");
  else if (env("TELEGRAM_CHAT_ID").empty())
    p.off.push_back("channel telegram off: TELEGRAM_CHAT_ID is not set");
  else
    p.on.push_back("telegram");
  if (!c.email.configured)
    p.off.push_back("channel email off: no [notify.email] in the config");
  else if (!c.email.user.empty() && env("SMTP_PASSWORD").empty())
    p.off.push_back("channel email off: [notify.email] user is set but SMTP_PASSWORD is not");
  else
    p.on.push_back("email");
  return p;
}

const std::vector<std::string>& default_route_types() {
  static const std::vector<std::string> types = {
      topic::node_start,     topic::signals_found,    topic::trade_fill, topic::trade_rejected,
      topic::portfolio_status, topic::data_error, topic::node_stop};
  return types;
}

std::vector<std::string> routed_types(const NotifyConfig& c) {
  if (c.routes.empty()) return default_route_types();
  std::vector<std::string> out;
  for (const auto& [type, _] : c.routes) out.push_back(type);
  return out;
}

std::vector<std::string> route_for(const NotifyConfig& c, const std::vector<std::string>& on,
                                   const std::string& type) {
  std::vector<std::string> out;
  if (c.routes.empty()) {
    const auto& d = default_route_types();
    if (std::find(d.begin(), d.end(), type) == d.end()) return out;
    for (const auto& ch : on)
      if (ch != "log") out.push_back(ch);
    return out;
  }
  auto it = c.routes.find(type);
  if (it == c.routes.end()) return out;
  for (const auto& ch : it->second) {
    if (ch == "log") continue;  // the log channel reads the event log itself
    for (const auto& o : on)
      if (o == ch) out.push_back(ch);
  }
  return out;
}

}  // namespace tn
