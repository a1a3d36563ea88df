#define BOOST_TEST_MODULE integration_notify_node
// The running node's notifications: a real `tradernode run` replay with
// [notify.email] on a loopback aiosmtpd capture server (tests/notify/
// smtp_capture.py) and trade.fill routed to email. Fills arrive as emails,
// one per fill, in order; with the server down the outbox holds them
// (traderctl status shows it), and after a SIGKILL and a restart with the
// server back every one arrives once.
#include <boost/test/unit_test.hpp>

#include <stdlib.h>

#include <filesystem>
#include <set>

#include "tests/integration/node_common.hpp"
#include "tests/notify/bot_api_server.hpp"
#include "tests/notify/smtp_server.hpp"

using namespace tn;
using namespace tn::test;

namespace {

// Wide thresholds: dozens of fills, not hundreds (each is one SMTP session).
std::vector<StreamSpec> daily(const std::vector<std::string>& symbols) {
  std::vector<StreamSpec> out;
  for (const auto& s : symbols) out.push_back({s, "1d", data_dir() + "/binance/" + s + "-1d.csv", 20, -20, 20});
  return out;
}

// [notify] for the capture server: AUTH as bot/secret (SMTP_PASSWORD), no TLS
// (loopback only), fills to email, nothing else routed.
void add_email(const NodeSetup& n, int port) {
  std::ofstream(n.config, std::ios::app)
      << "\n[notify]\nbackoff_initial_ms = 200\nbackoff_max_ms = 1000\n"
      << "[notify.email]\nhost = \"127.0.0.1\"\nport = " << port
      << "\nuser = \"bot\"\nfrom = \"bot@example.com\"\nfrom_name = \"test node\"\n"
      << "recipients = [\"me@example.com\"]\ntls = \"none\"\ntimeout_ms = 5000\n"
      << "[notify.routes]\n\"trade.fill\" = [\"email\"]\n";
}

std::string header(const std::string& mail, const std::string& name) {
  const size_t at = mail.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  const size_t from = at + name.size() + 4;
  return mail.substr(from, mail.find("\r\n", from) - from);
}

// Every trade.fill of the log has its email, in log order, once (test
// messages from send-test-email aside).
void check_one_email_per_fill(const std::vector<LoggedEvent>& log, std::vector<std::string> mails) {
  std::erase_if(mails, [](const std::string& m) { return header(m, "Subject") == "tradernode test message"; });
  std::vector<const LoggedEvent*> fills;
  for (const auto& e : log)
    if (e.type == "trade.fill") fills.push_back(&e);
  BOOST_TEST(fills.size() > 5u);
  BOOST_REQUIRE_EQUAL(mails.size(), fills.size());
  std::set<std::string> ids;
  uint64_t last_ref = 0;
  for (size_t i = 0; i < fills.size(); ++i) {
    const auto& b = fills[i]->body;
    const std::string subject = header(mails[i], "Subject");
    std::string want = "Trade executed: ", symbol = " ";
    want += b["side"].get<std::string>();
    symbol += b["symbol"].get<std::string>();
    symbol += " @ ";
    BOOST_TEST(subject.rfind(want, 0) == 0u, i << ": " << subject);
    BOOST_TEST(subject.find(symbol) != std::string::npos, i << ": " << subject);
    ids.insert(header(mails[i], "Message-ID"));
    const uint64_t ref = std::stoull(header(mails[i], "X-Tradernode-Ref"));
    BOOST_TEST(ref > last_ref);  // outbox order
    last_ref = ref;
  }
  BOOST_TEST(ids.size() == fills.size());
}

struct Env {
  Env() { setenv("SMTP_PASSWORD", "secret", 1); }
  ~Env() { unsetenv("SMTP_PASSWORD"); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(every_fill_of_a_replay_arrives_as_one_email_in_order) {
  Env env;
  TempDir t;
  std::filesystem::create_directories(t.path() + "/mail");
  SmtpServer smtp(t.path() + "/mail");
  NodeSetup n = make_node(t.path(), daily({"BTCUSDT", "ETHUSDT"}), 0);
  add_email(n, smtp.port());
  auto run = wait_process(start_node(n), std::chrono::seconds(120));
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.output);
  BOOST_TEST(run.output.find("channel email off") == std::string::npos, run.output);
  // The node delivers what it can before it stops (a bounded last drain).
  const auto mails = smtp.messages();
  check_one_email_per_fill(read_log(n.db), mails);
  BOOST_TEST(header(mails.front(), "From") == "\"test node\" <bot@example.com>");
  BOOST_TEST(header(mails.front(), "To") == "me@example.com");
}

BOOST_AUTO_TEST_CASE(fills_made_while_the_server_is_down_survive_a_kill_and_arrive_once) {
  Env env;
  TempDir t;
  const std::string mail = t.path() + "/mail";
  std::filesystem::create_directories(mail);
  int port = 0;
  {  // a port nobody listens on, until the server comes back on it
    SmtpServer gone(mail);
    port = gone.port();
  }
  NodeSetup n = make_node(t.path(), daily({"BTCUSDT", "ETHUSDT"}), 5);
  add_email(n, port);
  Child node = start_node(n);
  BOOST_REQUIRE(wait_control(n));
  // Wait (bounded) for fills to pile up in the outbox; status shows them.
  uint64_t depth = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (depth < 10 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto s = ctl(n, {"status"});
    if (s.exit_code != 0) continue;
    auto j = nlohmann::json::parse(s.output);
    for (const auto& o : j["outbox"]) {
      BOOST_TEST(o["channel"] == "email");
      BOOST_TEST(o["oldest_ms"].get<int64_t>() > 0);
      depth = o["depth"];
    }
  }
  BOOST_REQUIRE_MESSAGE(depth >= 10u, "outbox depth " << depth);
  auto test_mail = ctl(n, {"send-test-email"});
  BOOST_TEST(test_mail.exit_code != 0);
  BOOST_TEST(test_mail.output.find("test email not sent") != std::string::npos, test_mail.output);
  kill(node.pid, SIGKILL);
  BOOST_TEST(wait_process(node, std::chrono::seconds(10)).exit_code == -1);
  BOOST_TEST(std::filesystem::is_empty(mail));

  // Server back on the same port; the node restarts and replays to the end.
  SmtpServer smtp(mail, {}, port);
  Child restarted = start_node(n);
  BOOST_REQUIRE(wait_control(n));
  test_mail = ctl(n, {"send-test-email"});
  BOOST_TEST(test_mail.exit_code == 0, test_mail.output);
  BOOST_TEST(test_mail.output.find("test email accepted by 127.0.0.1:") != std::string::npos, test_mail.output);
  auto again = wait_process(restarted, std::chrono::seconds(120));
  BOOST_REQUIRE_MESSAGE(again.exit_code == 0, again.output);
  const auto mails = smtp.messages();
  size_t tests = 0;
  for (const auto& m : mails) tests += header(m, "Subject") == "tradernode test message";
  BOOST_TEST(tests == 1u);
  check_one_email_per_fill(read_log(n.db), mails);
}

BOOST_AUTO_TEST_CASE(a_channel_without_its_secret_is_off_says_so_and_queues_nothing) {
  TempDir t;
  std::filesystem::create_directories(t.path() + "/mail");
  SmtpServer smtp(t.path() + "/mail");
  unsetenv("SMTP_PASSWORD");
  NodeSetup n = make_node(t.path(), daily({"BTCUSDT"}), 0);
  add_email(n, smtp.port());
  auto run = wait_process(start_node(n), std::chrono::seconds(120));
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.output);
  // A warning (shown under --quiet): configured, but the secret is missing.
  BOOST_TEST(run.output.find("notify: channel email off: [notify.email] user is set but SMTP_PASSWORD is not") !=
                 std::string::npos,
             run.output);
  BOOST_TEST(smtp.messages().empty());
  storage::OpenOptions o;
  o.path = n.db;
  o.durable = false;
  auto store = storage::Store::open(o);
  BOOST_REQUIRE(store.ok());
  auto depth = (*store)->outbox().depth();
  BOOST_REQUIRE(depth.ok());
  BOOST_TEST(depth->empty());  // a channel that is off gets no rows
}

// No [notify.routes]: a Telegram channel that is on gets the hourly
// daemon's messages, in log order: the start, one "signals found" per check
// that had signals, every trade executed, every status, the stop; and no
// per-signal message.
BOOST_AUTO_TEST_CASE(without_routes_telegram_gets_the_daemons_messages) {
  TempDir t;
  BotApiServer bot;
  setenv("TELEGRAM_BOT_TOKEN", "42:defaults", 1);
  setenv("TELEGRAM_CHAT_ID", "7", 1);
  // Stays up after the data: every message is delivered before the stop.
  NodeSetup n = make_node(t.path(), daily({"BTCUSDT"}), 0, "at_end = \"stay\"\n");
  std::ofstream(n.config, std::ios::app) << "\n[backtest]\nstatus_interval = \"30d\"\n"
                                         << "[notify]\n[notify.telegram]\nbase_url = \"" << bot.url() << "\"\n";
  Child node = start_node(n);
  require_control(n, node);
  BOOST_REQUIRE(wait_events(n, 0, "replay.summary").size() == 1u);
  // The outbox empties as the bot answers.
  BOOST_REQUIRE_MESSAGE(wait_for(
      [&] {
        auto st = ctl(n, {"status"});
        return st.exit_code == 0 && nlohmann::json::parse(st.output)["outbox"].empty();
      },
      std::chrono::seconds(60)), "the outbox did not drain in 60 s");
  BOOST_REQUIRE(ctl(n, {"stop"}).exit_code == 0);
  auto run = wait_process(std::move(node), std::chrono::seconds(60));
  unsetenv("TELEGRAM_BOT_TOKEN");
  unsetenv("TELEGRAM_CHAT_ID");
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.output);
  // The subjects expected from the log, in its order.
  std::vector<std::string> want;
  for (const auto& e : read_log(n.db)) {
    if (e.type == "node.start") want.push_back("Node started");
    if (e.type == "signals.found") want.push_back("Signals found: " + std::to_string(e.body["signals"].size()));
    if (e.type == "trade.fill") want.push_back("Trade executed: ");
    if (e.type == "trade.rejected") want.push_back("Trade failed: ");
    if (e.type == "portfolio.status") want.push_back("Portfolio: ");
    if (e.type == "node.stop") want.push_back("Node stopping");
  }
  const auto got = bot.requests();
  BOOST_REQUIRE_EQUAL(got.size(), want.size());
  size_t found = 0, statuses = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const std::string text = got[i]["text"].get<std::string>();
    BOOST_TEST(text.find("<b>" + want[i]) == 0u, i << ": " << text.substr(0, 80));
    found += want[i].rfind("Signals found", 0) == 0;
    statuses += want[i] == "Portfolio: ";
  }
  BOOST_TEST(want.front() == "Node started");
  BOOST_TEST(want.back() == "Node stopping");
  BOOST_TEST(found > 3u);
  BOOST_TEST(statuses > 3u);
}
