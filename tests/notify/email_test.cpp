#define BOOST_TEST_MODULE notify_email
#include <boost/test/unit_test.hpp>

#include "notify/email.hpp"
#include "notify/reports.hpp"
#include "notify/render.hpp"
#include "messages/codec.hpp"
#include "smtp_server.hpp"

using namespace tn;
using namespace tn::notify;
using tn::test::SmtpServer;
using tn::test::TempDir;

namespace {

EmailOptions options(int port) {
  EmailOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.user = "bot";
  o.password = "secret";
  o.from = "bot@example.com";
  o.from_name = "Trader \"Bot\"";
  o.recipients = {"alice@example.com", "bob@example.org"};
  o.tls = "none";
  o.timeout_ms = 5000;
  o.node = "node-a";
  return o;
}

std::string unbase64(const std::string& in) {
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (char c : in) {
    const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char* p = c ? std::strchr(k, c) : nullptr;
    if (!p) continue;
    buf = (buf << 6) | static_cast<uint32_t>(p - k);
    if ((bits += 6) >= 8) out += static_cast<char>((buf >> (bits -= 8)) & 0xff);
  }
  return out;
}

// The header block and the decoded text/plain and text/html parts.
struct Mail {
  std::string headers, text, html;
};
Mail parse(const std::string& raw) {
  Mail m;
  const size_t end = raw.find("\r\n\r\n");
  BOOST_REQUIRE(end != std::string::npos);
  m.headers = raw.substr(0, end + 2);
  for (auto [type, out] : {std::pair{"text/plain", &m.text}, std::pair{"text/html", &m.html}}) {
    const size_t at = raw.find(std::string("Content-Type: ") + type);
    BOOST_REQUIRE(at != std::string::npos);
    const size_t body = raw.find("\r\n\r\n", at) + 4;
    *out = unbase64(raw.substr(body, raw.find("--=_tn_alt_", body) - body));
  }
  return m;
}

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

Message trade_message(uint64_t id) {
  storage::OutboxEntry e;
  e.id = id;
  e.type = kTestMessageType;
  e.queued_ms = 1'767'103'200'000;
  e.content = encode(TestMessage{"BUY 0.5 BTCUSDT <now> & 🚀"});
  return **render_entry(e);
}

}  // namespace

BOOST_AUTO_TEST_CASE(headers_and_both_parts_arrive) {
  TempDir dir;
  SmtpServer smtp(dir.path());
  EmailChannel ch(options(smtp.port()));
  const auto r = ch.send(trade_message(42));
  BOOST_REQUIRE_MESSAGE(r.kind == SendResult::Kind::accepted, r.error);
  const auto msgs = smtp.messages();
  BOOST_REQUIRE_EQUAL(msgs.size(), 1u);
  const Mail m = parse(msgs[0]);
  BOOST_CHECK(has(m.headers, "From: \"Trader \\\"Bot\\\"\" <bot@example.com>\r\n"));
  BOOST_CHECK(has(m.headers, "To: alice@example.com, bob@example.org\r\n"));
  BOOST_CHECK(has(m.headers, "Subject: tradernode test message\r\n"));
  BOOST_CHECK(has(m.headers, "Date: Tue, 30 Dec 2025 14:00:00 +0000\r\n"));
  BOOST_CHECK(has(m.headers, "Message-ID: <tn.42.node-a@example.com>\r\n"));
  BOOST_CHECK(has(m.headers, "Content-Type: multipart/alternative;"));
  BOOST_CHECK(has(m.text, "Message: BUY 0.5 BTCUSDT <now> & 🚀"));
  BOOST_CHECK(has(m.html, "BUY 0.5 BTCUSDT &lt;now&gt; &amp; 🚀"));
  BOOST_CHECK(has(m.html, "<!DOCTYPE html>"));
}

BOOST_AUTO_TEST_CASE(daily_report_mail_has_subject_table_summary_and_chart) {
  TempDir dir;
  SmtpServer smtp(dir.path());
  DailyReport r;
  r.time_ms = 1'767'052'800'000;
  r.recommendations = {{"BTCUSDT", "BUY", 0.7, 87000, 84000, 93000, "300 USDT", "breakout"},
                       {"ETHUSDT", "SELL", 0.5, 2950, 3050, 2800, "150 USDT", "fading"},
                       {"SOLUSDT", "BUY", 0.6, 190, 182, 210, "100 USDT", "trend"}};
  r.market_summary = "Crypto up 2% on the week; Ümlaut ok.";
  r.portfolio = {r.time_ms, "USDT", "9000.00000000", "10500.00000000", {}};
  r.equity = {{r.time_ms - 86'400'000, 10000}, {r.time_ms, 10500}};
  storage::OutboxEntry e;
  e.id = 9;
  e.type = kDailyReportType;
  e.content = encode(r);
  EmailChannel ch(options(smtp.port()));
  BOOST_REQUIRE(ch.send(**render_entry(e)).kind == SendResult::Kind::accepted);
  const Mail m = parse(smtp.messages().at(0));
  BOOST_CHECK(has(m.headers, "Subject: Trading Signals for Dec 30 - 3 Recommendations\r\n"));
  BOOST_CHECK(has(m.html, ">Reasoning<"));
  BOOST_CHECK(has(m.html, "<b>SOLUSDT</b>"));
  BOOST_CHECK(has(m.html, "<svg"));
  BOOST_CHECK(has(m.html, "Ümlaut"));
  BOOST_CHECK(has(m.text, "- SELL ETHUSDT (conviction 50%)"));
  BOOST_CHECK(has(m.text, "Portfolio: 10500.00 USDT (9000.00 USDT available)"));
}

BOOST_AUTO_TEST_CASE(refused_login_is_permanent_and_never_shows_the_password) {
  TempDir dir;
  SmtpServer smtp(dir.path(), {"--refuse-login"});
  EmailChannel ch(options(smtp.port()));
  const auto r = ch.send(trade_message(1));
  BOOST_CHECK(r.kind == SendResult::Kind::permanent);
  BOOST_CHECK_MESSAGE(has(r.error, "login refused"), r.error);
  BOOST_CHECK(!has(r.error, "secret"));
  BOOST_CHECK(smtp.messages().empty());
}

BOOST_AUTO_TEST_CASE(connection_dropped_mid_message_is_retried_and_then_delivered_once) {
  TempDir dir;
  SmtpServer smtp(dir.path(), {"--drop", "1"});
  EmailChannel ch(options(smtp.port()));
  const auto first = ch.send(trade_message(3));
  BOOST_CHECK(first.kind == SendResult::Kind::retry);
  BOOST_TEST_MESSAGE(first.error);
  BOOST_CHECK(ch.send(trade_message(3)).kind == SendResult::Kind::accepted);
  const auto msgs = smtp.messages();
  BOOST_REQUIRE_EQUAL(msgs.size(), 1u);
  BOOST_CHECK(has(msgs[0], "Message-ID: <tn.3.node-a@example.com>"));
}

BOOST_AUTO_TEST_CASE(server_down_is_retried) {
  TempDir dir;
  int port = 0;
  { SmtpServer gone(dir.path()); port = gone.port(); }
  EmailChannel ch(options(port));
  const auto r = ch.send(trade_message(1));
  BOOST_CHECK(r.kind == SendResult::Kind::retry);
  BOOST_CHECK(has(r.error, "SMTP delivery failed"));
}

BOOST_AUTO_TEST_CASE(starttls_required_but_not_offered_is_permanent) {
  TempDir dir;
  SmtpServer smtp(dir.path());
  EmailOptions o = options(smtp.port());
  o.tls = "starttls";
  EmailChannel ch(o);
  const auto r = ch.send(trade_message(1));
  BOOST_CHECK(r.kind == SendResult::Kind::permanent);
  BOOST_CHECK_MESSAGE(has(r.error, "STARTTLS"), r.error);
  BOOST_CHECK(smtp.messages().empty());
}

BOOST_AUTO_TEST_CASE(send_test_email_reports_success_or_the_servers_error) {
  TempDir dir;
  {
    SmtpServer smtp(dir.path());
    BOOST_CHECK(send_test_email(options(smtp.port())));
    BOOST_CHECK(has(smtp.messages().at(0), "Subject: tradernode test message"));
  }
  TempDir dir2;
  SmtpServer refusing(dir2.path(), {"--refuse-login"});
  const Status s = send_test_email(options(refusing.port()));
  BOOST_REQUIRE(!s);
  BOOST_CHECK(has(s.error().message, "login refused"));
  BOOST_CHECK(has(s.error().message, "535"));  // the server's own reply code
}

BOOST_AUTO_TEST_CASE(bad_options_are_refused_before_any_connection) {
  EmailOptions o = options(25);
  o.host = "smtp.example.com";  // tls none off loopback
  BOOST_CHECK(!check_email_options(o));
  BOOST_CHECK(has(check_email_options(o).error().message, "loopback"));
  o.tls = "starttls";
  BOOST_CHECK(check_email_options(o));
  o.tls = "ssl";
  BOOST_CHECK(!check_email_options(o));
  o = options(25);
  o.recipients = {"eve@example.com\r\nBcc: all@example.com"};
  BOOST_CHECK(!check_email_options(o));
  o = options(25);
  o.recipients.clear();
  BOOST_CHECK(!check_email_options(o));
  o = options(25);
  o.from = "not-an-address";
  BOOST_CHECK(!check_email_options(o));
  BOOST_CHECK(is_loopback_host("localhost") && is_loopback_host("127.0.0.2") && is_loopback_host("::1"));
  BOOST_CHECK(!is_loopback_host("smtp.example.com") && !is_loopback_host("10.0.0.1"));
  // A subject with CR/LF cannot inject headers; non-ASCII is RFC 2047 encoded.
  Message m = trade_message(5);
  m.subject = "Hi\r\nBcc: all@example.com 🚀";
  const std::string mime = build_mime(m, options(25));
  BOOST_CHECK(!has(mime, "\r\nBcc:"));
  BOOST_CHECK(has(mime, "Subject: =?UTF-8?B?"));
}
