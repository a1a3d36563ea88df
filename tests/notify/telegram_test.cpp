#define BOOST_TEST_MODULE notify_telegram
#include <boost/test/unit_test.hpp>

#include "notify/daily_report.hpp"
#include "notify/render.hpp"
#include "notify/telegram.hpp"
#include "bot_api_server.hpp"
#include "messages/codec.hpp"
#include "storage/store.hpp"

using namespace tn;
using namespace tn::notify;
using tn::test::BotApiServer;
using tn::test::Fault;
using tn::test::telegram_sample;

namespace {

const std::string kToken = "123456:SECRET-token";

TelegramOptions options(const std::string& url, int64_t timeout_ms = 3000) {
  TelegramOptions o;
  o.base_url = url;
  o.token = kToken;
  o.chat_id = "275808073";
  o.timeout_ms = timeout_ms;
  return o;
}

Message msg(uint64_t id, const std::string& text) {
  storage::OutboxEntry e;
  e.id = id;
  e.type = kTestMessageType;
  e.content = encode(TestMessage{text});
  auto m = render_entry(e);
  BOOST_REQUIRE(m && m->has_value());
  return **m;
}

size_t utf16_units(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) == 0x80 ? 0 : (c >= 0xF0 ? 2 : 1);
  return n;
}

bool valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

struct Fixture {
  test::TempDir dir;
  std::unique_ptr<storage::Store> store;
  Fixture() {
    storage::OpenOptions o;
    o.path = dir.path() + "/db";
    o.durable = false;
    o.map_size_bytes = 64u << 20;
    auto s = storage::Store::open(o);
    BOOST_REQUIRE(s);
    store = std::move(s.value());
  }
  Deliverer deliverer(const std::string& url, int64_t timeout_ms = 3000) {
    DeliveryOptions d;
    d.backoff_initial_ms = 5;
    d.backoff_max_ms = 40;
    Deliverer dl(store->outbox(), [](const storage::OutboxEntry& e) { return render_entry(e); }, d);
    dl.add_channel(std::make_unique<TelegramChannel>(options(url, timeout_ms)));
    return dl;
  }
  void enqueue(const std::string& text) {
    BOOST_REQUIRE(store->outbox().enqueue("telegram", kTestMessageType, encode(TestMessage{text})));
  }
  uint64_t depth() {
    auto d = store->outbox().depth();
    return d->empty() ? 0 : (*d)[0].depth;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(accepted_message_carries_html_mode_chat_id_and_the_token_in_the_path) {
  BotApiServer api;
  TelegramChannel ch(options(api.url()));
  const auto r = ch.send(msg(5, "hello"));
  BOOST_CHECK(r.kind == SendResult::Kind::accepted);
  auto reqs = api.requests();
  BOOST_REQUIRE_EQUAL(reqs.size(), 1u);
  BOOST_CHECK_EQUAL(reqs[0]["chat_id"], "275808073");
  BOOST_CHECK_EQUAL(reqs[0]["parse_mode"], "HTML");
  BOOST_CHECK(reqs[0]["text"].get<std::string>().find("ref #5") != std::string::npos);
  BOOST_CHECK_EQUAL(api.tokens()[0], kToken);
}

BOOST_AUTO_TEST_CASE(bad_chat_id_400_is_permanent_halts_the_channel_and_keeps_the_message) {
  BotApiServer api;
  api.push({400, telegram_sample("sendMessage-error-400-chat-not-found.json")});
  Fixture f;
  f.enqueue("one");
  f.enqueue("two");
  auto dl = f.deliverer(api.url());
  auto rep = dl.drain(1000);
  BOOST_CHECK_EQUAL(rep.delivered, 0u);
  BOOST_CHECK_EQUAL(rep.next_wake_ms, -1);
  BOOST_REQUIRE_EQUAL(rep.warnings.size(), 1u);
  BOOST_CHECK(rep.warnings[0].find("chat not found") != std::string::npos);
  BOOST_CHECK(rep.warnings[0].find("SECRET") == std::string::npos);
  BOOST_CHECK(dl.states()[0].halted);
  BOOST_CHECK_EQUAL(f.depth(), 2u);
  dl.drain(100000);  // halted: no more attempts
  BOOST_CHECK_EQUAL(api.calls(), 1);
}

BOOST_AUTO_TEST_CASE(bot_blocked_403_is_permanent) {
  BotApiServer api;
  api.push({403, telegram_sample("sendMessage-error-403-bot-blocked.json")});
  TelegramChannel ch(options(api.url()));
  const auto r = ch.send(msg(1, "x"));
  BOOST_CHECK(r.kind == SendResult::Kind::permanent);
  BOOST_CHECK(r.error.find("bot was blocked") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(flood_429_waits_the_retry_after_the_api_asks_for) {
  BotApiServer api;
  api.push({429, telegram_sample("error-429-too-many-requests.json")});
  TelegramChannel ch(options(api.url()));
  const auto r = ch.send(msg(1, "x"));
  BOOST_CHECK(r.kind == SendResult::Kind::retry);
  BOOST_CHECK_EQUAL(r.retry_after_ms, 2282 * 1000);
  // Through the deliverer: nothing before retry_after, delivered after it.
  api.push({429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}})"});
  Fixture f;
  f.enqueue("later");
  auto dl = f.deliverer(api.url());
  auto rep = dl.drain(10'000);
  BOOST_CHECK_EQUAL(rep.next_wake_ms, 11'000);
  BOOST_CHECK_EQUAL(dl.drain(10'999).delivered, 0u);
  BOOST_CHECK_EQUAL(dl.drain(11'000).delivered, 1u);
  BOOST_CHECK_EQUAL(f.depth(), 0u);
}

BOOST_AUTO_TEST_CASE(server_errors_and_silence_are_retried_with_backoff_until_delivered) {
  BotApiServer api;
  api.push({500, R"({"ok":false,"error_code":500,"description":"Internal Server Error"})"});
  api.push({502, "<html>bad gateway</html>"});
  api.push({200, "", 1500});  // no answer within the client's 300 ms
  Fixture f;
  f.enqueue("persist");
  auto dl = f.deliverer(api.url(), 300);
  int64_t now = 0;
  std::vector<std::string> warnings;
  for (int i = 0; i < 10 && f.depth() > 0; ++i) {
    auto rep = dl.drain(now);
    warnings.insert(warnings.end(), rep.warnings.begin(), rep.warnings.end());
    now = rep.next_wake_ms < 0 ? now : rep.next_wake_ms;
  }
  BOOST_CHECK_EQUAL(f.depth(), 0u);
  BOOST_REQUIRE_EQUAL(warnings.size(), 3u);
  BOOST_CHECK(warnings[0].find("answered 500") != std::string::npos);
  BOOST_CHECK(warnings[1].find("answered 502") != std::string::npos);
  BOOST_CHECK(warnings[2].find("Timeout") != std::string::npos);
  BOOST_CHECK(warnings[2].find("retry in 20 ms") != std::string::npos);  // 5, 10, 20
  BOOST_CHECK_EQUAL(dl.states()[0].delivered, 1u);
}

BOOST_AUTO_TEST_CASE(api_down_is_retried) {
  std::string url;
  { BotApiServer gone; url = gone.url(); }
  TelegramChannel ch(options(url, 500));
  const auto r = ch.send(msg(1, "x"));
  BOOST_CHECK(r.kind == SendResult::Kind::retry);
  BOOST_CHECK(r.error.find("unreachable") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(special_characters_emoji_and_10000_chars_arrive_intact_in_parts) {
  BotApiServer api;
  std::string text = "<script>alert('x')</script> & \"quotes\" 🚀📈 ü\n";
  while (text.size() < 10000) text += "BTC & ETH <up> 🚀 ";
  text.resize(10000);
  while ((static_cast<unsigned char>(text.back()) & 0xC0) == 0x80 || static_cast<unsigned char>(text.back()) >= 0xC0)
    text.pop_back();  // no half emoji at the end of the test input itself
  const Message m = msg(7, text);
  TelegramChannel ch(options(api.url()));
  BOOST_REQUIRE(ch.send(m).kind == SendResult::Kind::accepted);
  std::string joined;
  for (const auto& r : api.requests()) {
    const std::string part = r["text"];
    BOOST_CHECK(utf16_units(part) <= 4096);
    BOOST_CHECK(valid_utf8(part));
    joined += part;
  }
  BOOST_CHECK(api.requests().size() >= 3);
  BOOST_CHECK(joined == m.chat_html);
  BOOST_CHECK(joined.find("&lt;script&gt;alert('x')&lt;/script&gt; &amp; &quot;quotes&quot; 🚀📈 ü") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(split_never_cuts_inside_entities_tags_or_characters_and_reopens_tags) {
  std::string amp;
  for (int i = 0; i < 3000; ++i) amp += "&amp;";
  for (const auto& p : split_telegram_html(amp, 4096)) {
    BOOST_CHECK(utf16_units(p) <= 4096);
    BOOST_CHECK_EQUAL(p.size() % 5, 0u);
  }
  const std::string emoji = [] { std::string s; for (int i = 0; i < 5000; ++i) s += "🚀"; return s; }();
  size_t total = 0;
  for (const auto& p : split_telegram_html(emoji, 4096)) {
    BOOST_CHECK(valid_utf8(p));
    BOOST_CHECK(utf16_units(p) <= 4096);
    total += p.size();
  }
  BOOST_CHECK_EQUAL(total, emoji.size());
  const std::string bold = "<b>" + std::string(9000, 'x') + "</b>";
  const auto parts = split_telegram_html(bold, 4096);
  BOOST_REQUIRE_EQUAL(parts.size(), 3u);
  for (const auto& p : parts) {
    BOOST_CHECK(p.rfind("<b>", 0) == 0);
    BOOST_CHECK(p.size() >= 4 && p.substr(p.size() - 4) == "</b>");
  }
  BOOST_CHECK(split_telegram_html("", 4096).empty());
  BOOST_CHECK_EQUAL(split_telegram_html("short", 4096).size(), 1u);
  // A single tag longer than the limit is kept whole rather than broken.
  const std::string huge = "<a href=\"" + std::string(5000, 'h') + "\">x</a>";
  std::string j;
  for (const auto& p : split_telegram_html(huge, 4096)) j += p;
  BOOST_CHECK(j.find(std::string(5000, 'h')) != std::string::npos);
}
