// The fault matrix, notification servers down: a replaying node routes
// every trade.fill to Telegram and email while neither server listens. The
// fills pile up in the durable outbox (status shows both channels' depth),
// trading goes on, and when both servers come back on their ports — the
// node still running — every fill arrives on each channel once, in order.
// (Down across a SIGKILL and a restart: integration_notify_node.)
#include <boost/test/unit_test.hpp>

#include <stdlib.h>

#include <filesystem>

#include "tests/integration/fault_matrix_common.hpp"
#include "tests/notify/bot_api_server.hpp"
#include "tests/notify/smtp_server.hpp"

using namespace tn;
using namespace tn::test;

namespace {

struct Secrets {
  Secrets() {
    setenv("SMTP_PASSWORD", "secret", 1);
    setenv("TELEGRAM_BOT_TOKEN", "42:fault-matrix", 1);
    setenv("TELEGRAM_CHAT_ID", "7", 1);
  }
  ~Secrets() {
    for (const char* k : {"SMTP_PASSWORD", "TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID"}) unsetenv(k);
  }
};

std::map<std::string, uint64_t> outbox_depths(const NodeSetup& n) {
  std::map<std::string, uint64_t> out;
  auto r = ctl(n, {"status"});
  if (r.exit_code != 0) return out;
  const auto status = nlohmann::json::parse(r.output);  // kept: the loop refers into it
  for (const auto& o : status["outbox"]) out[o["channel"].get<std::string>()] = o["depth"].get<uint64_t>();
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(fills_wait_in_the_outbox_while_smtp_and_telegram_are_down_and_arrive_once_after) {
  Secrets secrets;
  TempDir t;
  const std::string mail = t.path() + "/mail";
  std::filesystem::create_directories(mail);
  int smtp_port = 0, bot_port = 0;
  {  // ports nobody listens on, until the servers come back on them
    SmtpServer gone_smtp(mail);
    BotApiServer gone_bot;
    smtp_port = gone_smtp.port();
    bot_port = std::stoi(gone_bot.url().substr(gone_bot.url().rfind(':') + 1));
  }
  // Wide thresholds: dozens of fills, each one email and one Telegram message.
  std::vector<StreamSpec> streams;
  for (const char* s : {"BTCUSDT", "ETHUSDT"})
    streams.push_back({s, "1d", data_dir() + "/binance/" + s + "-1d.csv", 20, -20, 20});
  NodeSetup n = make_node(t.path(), streams, 3, "db_durable = false\n");
  std::ofstream(n.config, std::ios::app)
      << "\n[notify]\nbackoff_initial_ms = 100\nbackoff_max_ms = 500\n"
      << "[notify.telegram]\nbase_url = \"http://127.0.0.1:" << bot_port << "\"\ntimeout_ms = 2000\n"
      << "[notify.email]\nhost = \"127.0.0.1\"\nport = " << smtp_port
      << "\nuser = \"bot\"\nfrom = \"bot@example.com\"\nrecipients = [\"me@example.com\"]\n"
      << "tls = \"none\"\ntimeout_ms = 2000\n"
      << "[notify.routes]\n\"trade.fill\" = [\"telegram\", \"email\"]\n";
  Child node = start_and_wait(n);
  std::map<std::string, uint64_t> depth;
  BOOST_REQUIRE_MESSAGE(wait_for(
      [&] {
        depth = outbox_depths(n);
        return depth["telegram"] >= 5 && depth["email"] >= 5;
      },
      std::chrono::seconds(30)), "outbox: email " << depth["email"] << ", telegram " << depth["telegram"]);
  BOOST_TEST(node_status(n)["trades_executed"].get<int>() >= 5);  // trading goes on

  // Both servers back, the node still replaying: the outbox drains.
  SmtpServer smtp(mail, {}, smtp_port);
  BotApiServer bot(bot_port);
  auto end = wait_process(node, std::chrono::seconds(60));
  BOOST_REQUIRE_MESSAGE(end.exit_code == 0, end.output);

  const auto log = read_log(n.db);
  std::vector<const LoggedEvent*> fills;
  for (const auto& e : log)
    if (e.type == "trade.fill") fills.push_back(&e);
  BOOST_TEST(fills.size() > 10u);
  const auto mails = smtp.messages();
  const auto texts = bot.requests();
  BOOST_REQUIRE_EQUAL(mails.size(), fills.size());
  BOOST_REQUIRE_EQUAL(texts.size(), fills.size());
  for (size_t i = 0; i < fills.size(); ++i) {  // in log order, each once
    const std::string symbol = fills[i]->body["symbol"];
    BOOST_TEST(mails[i].find(symbol) != std::string::npos, i);
    BOOST_TEST(texts[i]["text"].get<std::string>().find(symbol) != std::string::npos, i);
  }
  storage::OpenOptions o;
  o.path = n.db;
  o.durable = false;
  auto store = storage::Store::open(o);
  BOOST_REQUIRE(store.ok());
  auto left = (*store)->outbox().depth();
  BOOST_REQUIRE(left.ok());
  for (const auto& d : *left) BOOST_TEST(d.depth == 0u, d.channel);
}
