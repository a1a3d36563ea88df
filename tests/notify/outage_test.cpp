#define BOOST_TEST_MODULE notify_outage
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <set>

#include "bot_api_server.hpp"
#include "smtp_server.hpp"

using namespace tn::test;

namespace {

std::string driver() { return build_dir() + "/tests/notify/notify_outbox_driver"; }

}  // namespace

// Servers down, 100 notifications produced, the node SIGKILLed, servers
// back, node restarted: each channel gets exactly the 100, once, in order.
BOOST_AUTO_TEST_CASE(hundred_notifications_survive_an_outage_and_a_kill) {
  TempDir dir;
  const std::string db = dir.path() + "/db";
  std::filesystem::create_directories(dir.path() + "/mail");
  std::string down_url;
  int down_port = 0;
  {  // ports that nobody listens on
    BotApiServer gone;
    down_url = gone.url();
    SmtpServer gone_smtp(dir.path() + "/mail");
    down_port = gone_smtp.port();
  }
  Child producer = spawn_process({driver(), "produce", db, "100", down_url, std::to_string(down_port)});
  const std::string ready = read_first_line(producer.out_fd, 30'000);
  BOOST_REQUIRE_MESSAGE(ready.rfind("READY delivered=0 ", 0) == 0, ready);
  kill(producer.pid, SIGKILL);
  const ProcessResult killed = wait_process(producer, std::chrono::seconds(10));
  BOOST_CHECK_EQUAL(killed.exit_code, -1);

  BotApiServer api;
  SmtpServer smtp(dir.path() + "/mail");
  const ProcessResult r = run_process({driver(), "deliver", db, api.url(), std::to_string(smtp.port())},
                                      std::chrono::seconds(90));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  BOOST_CHECK_EQUAL(r.output, "DELIVERED 200\n");

  const auto reqs = api.requests();
  BOOST_REQUIRE_EQUAL(reqs.size(), 100u);
  const auto mails = smtp.messages();
  BOOST_REQUIRE_EQUAL(mails.size(), 100u);
  std::set<std::string> message_ids;
  for (size_t i = 0; i < 100; ++i) {
    char reason[32];
    std::snprintf(reason, sizeof reason, "msg-%03zu", i);
    const std::string text = reqs[i]["text"];
    BOOST_CHECK_MESSAGE(text.find(std::string("Reason: ") + reason) != std::string::npos, text);
    const size_t at = mails[i].find("Message-ID: ");
    BOOST_REQUIRE(at != std::string::npos);
    message_ids.insert(mails[i].substr(at, mails[i].find("\r\n", at) - at));
  }
  BOOST_CHECK_EQUAL(message_ids.size(), 100u);  // no duplicate among the mails
  // Mails in order: their outbox ids (the Message-ID) increase.
  uint64_t last = 0;
  for (const auto& m : mails) {
    const size_t at = m.find("X-Tradernode-Ref: ") + 18;
    const uint64_t id = std::stoull(m.substr(at, m.find("\r\n", at) - at));
    BOOST_CHECK(id > last);
    last = id;
  }
}
