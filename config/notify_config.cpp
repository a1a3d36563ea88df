#include <cstdlib>
#include <set>

#include "config/notify_config.hpp"
#include "config/notify_config_parse.hpp"

namespace tn {

namespace {

struct Bad {
  std::string message;
};

// Reads one table strictly: unknown keys and wrong types throw Bad naming
// the full key and its line.
class Reader {
 public:
  Reader(const std::string& file, const toml::table& t, std::string path,
         std::set<std::string> known)
      : file_(file), t_(t), path_(std::move(path)) {
    for (auto&& [k, v] : t_)
      if (!known.empty() && !known.count(std::string(k.str())))
        fail(&v, "unknown key '" + key(k.str()) + "'");
  }
  std::string key(std::string_view k) const { return path_ + "." + std::string(k); }
  [[noreturn]] void fail(const toml::node* at, const std::string& what) const {
    std::string m = file_ + ": " + what;
    if (at && at->source().begin.line > 0) m += " (line " + std::to_string(at->source().begin.line) + ")";
    throw Bad{m};
  }
  [[noreturn]] void bad(std::string_view k, const std::string& what) const {
    fail(t_.get(k), "key '" + key(k) + "' " + what);
  }
  bool str(std::string_view k, std::string& out) const {
    const toml::node* n = t_.get(k);
    if (!n) return false;
    if (!n->is_string()) bad(k, "must be a string");
    out = n->as_string()->get();
    if (out.empty()) bad(k, "must not be empty");
    if (out.find_first_of("\r\n") != std::string::npos) bad(k, "must be one line");
    return true;
  }
  template <class T>
  bool integer(std::string_view k, T& out, int64_t lo, int64_t hi) const {
    const toml::node* n = t_.get(k);
    if (!n) return false;
    if (!n->is_integer()) bad(k, "must be an integer");
    const int64_t v = n->as_integer()->get();
    if (v < lo || v > hi) bad(k, "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    out = static_cast<T>(v);
    return true;
  }
  std::vector<std::string> strings(std::string_view k) const {
    const toml::node* n = t_.get(k);
    std::vector<std::string> out;
    if (!n) return out;
    if (!n->is_array()) bad(k, "must be an array of strings");
    for (auto&& e : *n->as_array()) {
      if (!e.is_string() || e.as_string()->get().empty()) bad(k, "must be an array of non-empty strings");
      out.push_back(e.as_string()->get());
    }
    return out;
  }
  const toml::table* sub(std::string_view k) const {
    const toml::node* n = t_.get(k);
    if (!n) return nullptr;
    if (!n->is_table()) bad(k, "must be a table");
    return n->as_table();
  }
  const toml::table& table() const { return t_; }

 private:
  const std::string& file_;
  const toml::table& t_;
  std::string path_;
};

bool is_type_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_')) return false;
  return true;
}

void read_email(const Reader& r, EmailConfig& e) {
  e.configured = true;
  if (!r.str("host", e.host)) r.fail(nullptr, "key '" + r.key("host") + "' is required");
  r.integer("port", e.port, 1, 65535);
  r.str("user", e.user);
  if (!r.str("from", e.from)) r.fail(nullptr, "key '" + r.key("from") + "' is required");
  if (e.from.find('@') == std::string::npos || e.from.find_first_of("<> ") != std::string::npos)
    r.bad("from", "must be an address like bot@example.com");
  r.str("from_name", e.from_name);
  e.recipients = r.strings("recipients");
  if (e.recipients.empty()) r.fail(r.table().get("recipients"), "key '" + r.key("recipients") + "' must list at least one address");
  for (const auto& a : e.recipients)
    if (a.find('@') == std::string::npos || a.find_first_of("<>, \r\n") != std::string::npos)
      r.bad("recipients", "has '" + a + "', which is not an address");
  if (r.str("tls", e.tls) && e.tls != "starttls" && e.tls != "none")
    r.bad("tls", "must be \"starttls\" or \"none\", got \"" + e.tls + "\"");
  const bool loopback = e.host == "localhost" || e.host == "::1" || e.host.rfind("127.", 0) == 0;
  if (e.tls == "none" && !loopback)
    r.bad("tls", "= \"none\" is only allowed for a loopback host (127.0.0.1, ::1, localhost), not \"" + e.host + "\"");
  r.integer("timeout_ms", e.timeout_ms, 100, 600'000);
}

}  // namespace

std::optional<std::string> parse_notify(const toml::table& t, const std::string& file, NotifyConfig& c) {
  try {
    const Reader top(file, t, "notify", {"telegram", "email", "routes", "backoff_initial_ms", "backoff_max_ms"});
    top.integer("backoff_initial_ms", c.backoff_initial_ms, 1, 3'600'000);
    top.integer("backoff_max_ms", c.backoff_max_ms, 1, 86'400'000);
    if (c.backoff_max_ms < c.backoff_initial_ms) top.bad("backoff_max_ms", "must be >= backoff_initial_ms");
    if (const toml::table* tg = top.sub("telegram")) {
      const Reader r(file, *tg, "notify.telegram", {"base_url", "timeout_ms"});
      c.telegram.configured = true;
      if (r.str("base_url", c.telegram.base_url) &&
          c.telegram.base_url.rfind("https://", 0) != 0 && c.telegram.base_url.rfind("http://", 0) != 0)
        r.bad("base_url", "must start with https:// (or http:// for a local test server)");
      while (!c.telegram.base_url.empty() && c.telegram.base_url.back() == '/') c.telegram.base_url.pop_back();
      r.integer("timeout_ms", c.telegram.timeout_ms, 100, 600'000);
    }
    if (const toml::table* em = top.sub("email"))
      read_email(Reader(file, *em, "notify.email",
                        {"host", "port", "user", "from", "from_name", "recipients", "tls", "timeout_ms"}),
                 c.email);
    if (const toml::table* routes = top.sub("routes")) {
      const Reader r(file, *routes, "notify.routes", {});
      for (auto&& [k, v] : *routes) {
        const std::string type(k.str());
        if (!is_type_name(type)) r.fail(&v, "key '" + r.key(type) + "': not an event type like \"trade.fill\"");
        auto channels = r.strings(type);
        for (const auto& ch : channels) {
          bool known = false;
          for (const auto& n : notify_channel_names()) known = known || n == ch;
          if (!known) r.bad(type, "names channel \"" + ch + "\"; the channels are telegram, email, log");
        }
        c.routes[type] = std::move(channels);
      }
    }
  } catch (const Bad& b) {
    return b.message;
  }
  return std::nullopt;
}

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

std::vector<std::string> route_for(const NotifyConfig& c, const std::vector<std::string>& on,
                                   const std::string& type) {
  std::vector<std::string> out;
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
