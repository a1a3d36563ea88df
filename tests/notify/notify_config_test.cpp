#define BOOST_TEST_MODULE notify_config
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include <map>

#include "config/config.hpp"
#include "messages/events.hpp"

using namespace tn;

namespace {

const std::string kBase = "[watchlist.BTCUSDT.1d]\nma_period = 20\n";

Result<Config> parse(const std::string& notify) { return parse_config(kBase + notify, "n.toml"); }

std::string error_of(const std::string& notify) {
  auto c = parse(notify);
  return c ? std::string("(no error)") : c.error().message;
}

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& n) {
    auto it = vars.find(n);
    return it == vars.end() ? std::string() : it->second;
  };
}

const std::string kFull = R"(
[notify]
backoff_initial_ms = 500
backoff_max_ms = 60000
[notify.telegram]
base_url = "http://127.0.0.1:8081/"
[notify.email]
host = "smtp.example.com"
port = 587
user = "bot@example.com"
from = "bot@example.com"
from_name = "Trader Bot"
recipients = ["me@example.com", "you@example.org"]
tls = "starttls"
[notify.routes]
"trade.fill" = ["telegram", "email"]
"portfolio.status" = ["telegram"]
"node.stop" = ["log", "email"]
)";

}  // namespace

BOOST_AUTO_TEST_CASE(full_notify_section_is_read) {
  auto c = parse(kFull);
  BOOST_REQUIRE_MESSAGE(c, (c ? "" : c.error().message));
  const NotifyConfig& n = c->notify;
  BOOST_CHECK(n.telegram.configured);
  BOOST_CHECK_EQUAL(n.telegram.base_url, "http://127.0.0.1:8081");
  BOOST_CHECK(n.email.configured);
  BOOST_CHECK_EQUAL(n.email.port, 587);
  BOOST_CHECK_EQUAL(n.email.from_name, "Trader Bot");
  BOOST_CHECK_EQUAL(n.email.recipients.size(), 2u);
  BOOST_CHECK_EQUAL(n.backoff_initial_ms, 500);
  BOOST_CHECK((n.routes.at("trade.fill") == std::vector<std::string>{"telegram", "email"}));
}

BOOST_AUTO_TEST_CASE(no_notify_section_means_only_the_log_channel) {
  auto c = parse("");
  BOOST_REQUIRE(c);
  const ChannelPlan p = plan_channels(c->notify, env({}));
  BOOST_CHECK((p.on == std::vector<std::string>{"log"}));
  BOOST_REQUIRE_EQUAL(p.off.size(), 2u);
  BOOST_CHECK_EQUAL(p.off[0], "channel telegram off: no [notify.telegram] in the config");
  BOOST_CHECK_EQUAL(p.off[1], "channel email off: no [notify.email] in the config");
}

BOOST_AUTO_TEST_CASE(channels_need_their_secrets_from_the_environment) {
  auto c = parse(kFull);
  BOOST_REQUIRE(c);
  auto p = plan_channels(c->notify, env({{"TELEGRAM_BOT_TOKEN", "t"}}));
  BOOST_CHECK((p.on == std::vector<std::string>{"log"}));
  BOOST_CHECK_EQUAL(p.off[0], "channel telegram off: TELEGRAM_CHAT_ID is not set");
  BOOST_CHECK_EQUAL(p.off[1], "channel email off: [notify.email] user is set but SMTP_PASSWORD is not");
  p = plan_channels(c->notify, env({{"TELEGRAM_BOT_TOKEN", "t"}, {"TELEGRAM_CHAT_ID", "1"}, {"SMTP_PASSWORD", "p"}}));
  BOOST_CHECK((p.on == std::vector<std::string>{"log", "telegram", "email"}));
  BOOST_CHECK(p.off.empty());
  // Routes only reach channels that are on; "log" never gets outbox rows.
  BOOST_CHECK((route_for(c->notify, p.on, "trade.fill") == std::vector<std::string>{"telegram", "email"}));
  BOOST_CHECK((route_for(c->notify, {"log", "email"}, "trade.fill") == std::vector<std::string>{"email"}));
  BOOST_CHECK((route_for(c->notify, p.on, "node.stop") == std::vector<std::string>{"email"}));
  BOOST_CHECK(route_for(c->notify, p.on, "signal.dropped").empty());
}

// No [notify.routes]: every channel that is on gets the hourly daemon's
// messages, and nothing else; "log" never gets outbox rows.
BOOST_AUTO_TEST_CASE(without_routes_channels_that_are_on_get_the_daemons_messages) {
  NotifyConfig none;
  const std::vector<std::string> on{"log", "telegram", "email"};
  for (const std::string& type : {"node.start", "signals.found", "trade.fill", "trade.rejected",
                                  "portfolio.status", "data.error", "node.stop"})
    BOOST_CHECK_MESSAGE((route_for(none, on, type) == std::vector<std::string>{"telegram", "email"}), type);
  for (const std::string& type : {"signal.buy", "signal.dropped", "market.bar", "control.action"})
    BOOST_CHECK_MESSAGE(route_for(none, on, type).empty(), type);
  BOOST_CHECK(route_for(none, {"log"}, "trade.fill").empty());
  BOOST_CHECK((routed_types(none) == default_route_types()));
  // Configured routes replace the defaults entirely.
  auto c = parse(kFull);
  BOOST_REQUIRE(c);
  BOOST_CHECK(route_for(c->notify, on, "signals.found").empty());
  BOOST_CHECK(route_for(c->notify, on, "trade.rejected").empty());
  // Every default is a type a route may name.
  for (const auto& t : default_route_types())
    BOOST_CHECK_MESSAGE(std::count(tn::notifiable_event_types().begin(), tn::notifiable_event_types().end(), t) == 1, t);
}

// A route key the router would never match is a config error naming it and
// listing the valid ones: a misspelt type, a type no notification is made
// of, a prefix (types match exactly), a kind nothing routes.
BOOST_AUTO_TEST_CASE(route_keys_must_be_event_types_notifications_are_sent_for) {
  for (const char* key : {"trade.fil", "market.bar", "signal.dropped", "trade.", "trade", "report.daily", "TRADE.FILL"}) {
    BOOST_TEST_CONTEXT(key) {
      const std::string e = error_of(std::string("[notify.routes]\n\"") + key + "\" = [\"telegram\"]\n");
      BOOST_TEST(has(e, "n.toml"), e);
      BOOST_TEST(has(e, std::string("\"") + key + "\" is not an event type notifications are sent for"), e);
      BOOST_TEST(has(e, "the types are data.error, node.start, node.stop, portfolio.status, signal.buy, "
                        "signal.sell, signals.found, trade.fill, trade.rejected"), e);
      BOOST_TEST(has(e, "(line 4)"), e);  // the key's own line
    }
  }
  std::string all = "[notify.routes]\n";
  for (const auto& t : tn::notifiable_event_types()) all += "\"" + t + "\" = [\"email\"]\n";
  auto c = parse(all);
  BOOST_REQUIRE_MESSAGE(c, (c ? "" : c.error().message));
  BOOST_TEST(c->notify.routes.size() == tn::notifiable_event_types().size());
}

BOOST_AUTO_TEST_CASE(bad_notify_config_names_file_key_and_line) {
  BOOST_CHECK(has(error_of("[notify]\nbackof_ms = 3\n"), "n.toml: unknown key 'notify.backof_ms' (line 4)"));
  BOOST_CHECK(has(error_of("[notify.telegram]\ntoken = \"x\"\n"), "unknown key 'notify.telegram.token'"));
  BOOST_CHECK(has(error_of("[notify.telegram]\nbase_url = \"ftp://x\"\n"), "notify.telegram.base_url"));
  BOOST_CHECK(has(error_of("[notify.email]\nhost = \"smtp.example.com\"\nfrom = \"a@b.c\"\nrecipients = [\"x@y.z\"]\ntls = \"none\"\n"),
                  "only allowed for a loopback host"));
  BOOST_CHECK(has(error_of("[notify.email]\nhost = \"127.0.0.1\"\nfrom = \"a@b.c\"\nrecipients = [\"x@y.z\"]\ntls = \"ssl\"\n"),
                  "must be \"starttls\" or \"none\""));
  BOOST_CHECK(has(error_of("[notify.email]\nhost = \"h\"\nfrom = \"a@b.c\"\n"), "notify.email.recipients' must list"));
  BOOST_CHECK(has(error_of("[notify.email]\nfrom = \"a@b.c\"\nrecipients = [\"x@y.z\"]\n"), "notify.email.host' is required"));
  BOOST_CHECK(has(error_of("[notify.email]\nhost = \"h\"\nfrom = \"a@b.c\"\nrecipients = [\"x@y.z\\r\\nBcc: e@v.il\"]\n"), "not an address"));
  BOOST_CHECK(has(error_of("[notify.email]\nhost = \"h\"\nport = 70000\nfrom = \"a@b.c\"\nrecipients = [\"x@y.z\"]\n"), "notify.email.port"));
  BOOST_CHECK(has(error_of("[notify.routes]\n\"trade.fill\" = [\"sms\"]\n"), "names channel \"sms\""));
  BOOST_CHECK(has(error_of("[notify.routes]\n\"trade.fill\" = \"telegram\"\n"), "must be an array of strings"));
  BOOST_CHECK(has(error_of("[notify.routes]\n\"Trade Fill!\" = [\"telegram\"]\n"), "not an event type"));
  BOOST_CHECK(has(error_of("[notify]\nbackoff_initial_ms = 10\nbackoff_max_ms = 5\n"), "must be >= backoff_initial_ms"));
  BOOST_CHECK(has(error_of("[notify]\ntelegram = 3\n"), "notify.telegram' must be a table"));
  BOOST_CHECK(has(error_of("[notify.email]\nhost = \"h\\r\\nRCPT TO:<e@v.il>\"\nfrom = \"a@b.c\"\nrecipients = [\"x@y.z\"]\n"),
                  "n.toml: key 'notify.email.host' must be one line (line"));
  BOOST_CHECK(has(error_of("notify = 1\n"), "n.toml"));
}
