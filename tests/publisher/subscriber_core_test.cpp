#define BOOST_TEST_MODULE publisher_subscriber_core
#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <vector>

#include <msgpack.hpp>
#include <nlohmann/json.hpp>

#include "control/subscriber.hpp"
#include "messages/codec.hpp"
#include "messages/envelope.hpp"
#include "messages/events.hpp"

using tn::SubscriberCore;
using tn::SubscriberOutput;
using Frames = std::vector<std::string_view>;

namespace {

std::string envelope(uint64_t seq, const std::string& node = "n1",
                     const std::string& type = tn::topic::trade_fill) {
  tn::TradeEvent t;
  t.order_id = "ord-" + std::to_string(seq);
  t.symbol = "ETHUSDT";
  t.side = "SELL";
  t.price = 2500.25;
  t.quantity = "1.50000000";
  tn::EnvelopeHeader h;
  h.seq = seq;
  h.ts_ns = 1700000000123456789;
  h.node = node;
  h.type = type;
  return tn::encode_envelope(h, tn::encode(t));
}

// A msgpack map with the given header fields; body optional; v chosen.
std::string hand_made(bool with_body, uint32_t v) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_map(with_body ? 6 : 5);
  pk.pack("v"); pk.pack(v);
  pk.pack("seq"); pk.pack(uint64_t{1});
  pk.pack("ts_ns"); pk.pack(int64_t{1});
  pk.pack("node"); pk.pack(std::string("n"));
  pk.pack("type"); pk.pack(std::string("health"));
  if (with_body) {
    pk.pack("body");
    pk.pack_map(0);
  }
  return std::string(buf.data(), buf.size());
}

// The message was dropped with exactly one well-formed error line.
void require_error(const SubscriberOutput& o, const std::string& what) {
  BOOST_TEST_CONTEXT(what) {
    BOOST_TEST(o.out.empty());
    BOOST_REQUIRE_EQUAL(o.err.size(), 1u);
    BOOST_TEST(o.err[0].find('\n') == std::string::npos);
    auto j = nlohmann::json::parse(o.err[0]);  // throws (fails) if not JSON
    BOOST_TEST(j.contains("error"));
    BOOST_TEST(j.contains("topic"));
    BOOST_TEST(!j["error"].get<std::string>().empty());
  }
}

std::string bytes(std::initializer_list<unsigned> b) {
  std::string s;
  for (unsigned c : b) s += static_cast<char>(c);
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(real_envelope_becomes_one_json_line_with_body_fields) {
  SubscriberCore core;
  const auto env = envelope(5);
  auto o = core.handle(Frames{"trade.fill", env});
  BOOST_TEST(o.err.empty());
  BOOST_REQUIRE(!o.out.empty());
  BOOST_TEST(o.out.find('\n') == std::string::npos);
  auto j = nlohmann::json::parse(o.out);
  BOOST_TEST(j["v"] == 1);
  BOOST_TEST(j["seq"] == 5);
  BOOST_TEST(j["node"] == "n1");
  BOOST_TEST(j["type"] == "trade.fill");
  BOOST_TEST(j["ts_ns"] == 1700000000123456789);
  BOOST_TEST(j["body"]["order_id"] == "ord-5");
  BOOST_TEST(j["body"]["symbol"] == "ETHUSDT");
  BOOST_TEST(j["body"]["quantity"] == "1.50000000");
  BOOST_TEST(j["body"]["price"] == 2500.25);
  BOOST_TEST(core.events() == 1u);
}

BOOST_AUTO_TEST_CASE(wrong_frame_counts) {
  SubscriberCore core;
  const auto env = envelope(1);
  require_error(core.handle(Frames{"trade.fill"}), "one frame");
  require_error(core.handle(Frames{"trade.fill", env, "extra"}), "three frames");
  require_error(core.handle(Frames{}), "no frame");
  // A caller that keeps only the first frames still reports the real count.
  auto many = core.handle(Frames{"t", env, "x"}, 100000);
  require_error(many, "many frames");
  BOOST_TEST(nlohmann::json::parse(many.err[0])["frames"] == 100000);
  BOOST_TEST(core.events() == 0u);
  BOOST_TEST(core.errors() == 4u);
}

BOOST_AUTO_TEST_CASE(hostile_envelopes_give_error_lines) {
  SubscriberCore core;
  require_error(core.handle(Frames{"trade.fill", ""}), "empty envelope");
  require_error(core.handle(Frames{"t", hand_made(false, 1)}), "map without body");
  require_error(core.handle(Frames{"t", hand_made(true, 2)}), "version 2");
  require_error(core.handle(Frames{"t", bytes({0xdd, 0xff, 0xff, 0xff, 0xff})}), "huge array");
  require_error(core.handle(Frames{"t", bytes({0xdf, 0xff, 0xff, 0xff, 0xff})}), "huge map");
  require_error(core.handle(Frames{"t", bytes({0xdb, 0xff, 0xff, 0xff, 0xff, 'a'})}), "huge str");
  require_error(core.handle(Frames{"t", bytes({0xc1})}), "never-used byte");
  require_error(core.handle(Frames{"t", tn::encode(std::string("just a string"))}), "not a map");
  require_error(core.handle(Frames{"t", envelope(1) + "x"}), "trailing byte");
  // A version-2 envelope names the version problem.
  auto v2 = core.handle(Frames{"t", hand_made(true, 2)});
  BOOST_TEST(v2.err[0].find("version") != std::string::npos);
  // Hostile topic bytes (invalid UTF-8, very long) still give valid JSON.
  const std::string bad_topic = std::string("\xff\xfe\xc3", 3) + std::string(10000, 'a');
  auto o = core.handle(Frames{bad_topic});
  require_error(o, "bad topic");
  BOOST_TEST(o.err[0].size() < 1000u);
  BOOST_TEST(core.events() == 0u);
}

BOOST_AUTO_TEST_CASE(every_truncation_of_a_valid_envelope_is_an_error) {
  SubscriberCore core;
  const auto env = envelope(9);
  for (size_t n = 1; n < env.size(); ++n)
    require_error(core.handle(Frames{"trade.fill", std::string_view(env).substr(0, n)}),
                  "truncated to " + std::to_string(n));
  BOOST_TEST(core.events() == 0u);
}

BOOST_AUTO_TEST_CASE(random_bytes_never_crash) {
  SubscriberCore core;
  std::mt19937 rng(12345);  // fixed seed: reproducible
  std::uniform_int_distribution<int> len(0, 64), byte(0, 255);
  for (int i = 0; i < 5000; ++i) {
    std::string junk(static_cast<size_t>(len(rng)), '\0');
    for (auto& c : junk) c = static_cast<char>(byte(rng));
    auto o = core.handle(Frames{"junk", junk});
    BOOST_REQUIRE(o.out.empty());
    BOOST_REQUIRE_EQUAL(o.err.size(), 1u);
    BOOST_REQUIRE(nlohmann::json::accept(o.err[0]));
  }
  // Flipping single bytes of a valid envelope: either an error line or a
  // valid event line, never a crash or a non-JSON line.
  const auto env = envelope(3);
  for (size_t i = 0; i < env.size(); ++i) {
    std::string m = env;
    m[i] = static_cast<char>(m[i] ^ 0x5a);
    auto o = core.handle(Frames{"t", m});
    BOOST_REQUIRE(!o.out.empty() || !o.err.empty());  // never silent
    if (!o.out.empty()) BOOST_REQUIRE(nlohmann::json::accept(o.out));
    for (const auto& l : o.err) BOOST_REQUIRE(nlohmann::json::accept(l));
  }
}

BOOST_AUTO_TEST_CASE(gap_detection_per_node) {
  SubscriberCore core;
  const auto e1 = envelope(1), e2 = envelope(2), e4 = envelope(4), e5 = envelope(5);
  BOOST_TEST(core.handle(Frames{"t", e1}).err.empty());  // baseline
  BOOST_TEST(core.handle(Frames{"t", e2}).err.empty());
  auto g = core.handle(Frames{"t", e4});
  BOOST_TEST(!g.out.empty());  // the event itself is still printed
  BOOST_REQUIRE_EQUAL(g.err.size(), 1u);
  auto w = nlohmann::json::parse(g.err[0]);
  BOOST_TEST(w["warning"] == "gap");
  BOOST_TEST(w["node"] == "n1");
  BOOST_TEST(w["expected"] == 3);
  BOOST_TEST(w["got"] == 4);
  BOOST_TEST(core.handle(Frames{"t", e5}).err.empty());  // resynchronised
  BOOST_TEST(core.gaps() == 1u);

  // Another node has its own sequence; joining late at 100 is no gap.
  const auto b100 = envelope(100, "n2"), b101 = envelope(101, "n2");
  BOOST_TEST(core.handle(Frames{"t", b100}).err.empty());
  BOOST_TEST(core.handle(Frames{"t", b101}).err.empty());

  // Going backwards (node restart, duplicate) is reported, then tracked.
  auto back = core.handle(Frames{"t", e1});
  BOOST_REQUIRE_EQUAL(back.err.size(), 1u);
  BOOST_TEST(nlohmann::json::parse(back.err[0])["warning"] == "seq_back");
  BOOST_TEST(core.handle(Frames{"t", e2}).err.empty());
  BOOST_TEST(core.gaps() == 1u);
  BOOST_TEST(core.events() == 8u);
}

// With a topic filter the core still sees every event: the hidden ones
// advance seq, so only events really lost make a gap.
BOOST_AUTO_TEST_CASE(a_topic_filter_hides_events_without_calling_them_gaps) {
  SubscriberCore core(false, {"trade."});
  const std::vector<std::pair<uint64_t, std::string>> stream = {
      {1, tn::topic::trade_fill}, {2, tn::topic::portfolio_status}, {3, tn::topic::signal_buy},
      {4, tn::topic::trade_rejected}, {5, tn::topic::portfolio_status}, {6, tn::topic::trade_fill}};
  size_t printed = 0;
  for (const auto& [seq, type] : stream) {
    const auto env = envelope(seq, "n1", type);
    const auto o = core.handle(Frames{type, env});
    BOOST_TEST(o.err.empty(), "seq " << seq << ": " << (o.err.empty() ? "" : o.err[0]));
    BOOST_TEST(o.out.empty() == (type.rfind("trade.", 0) != 0));
    printed += !o.out.empty();
  }
  BOOST_TEST(printed == 3u);
  BOOST_TEST(core.events() == 3u);
  BOOST_TEST(core.hidden() == 3u);
  BOOST_TEST(core.gaps() == 0u);

  // Events 7 and 8 lost (of whatever type), then a hidden one: a gap, 7 to 9.
  const auto e9 = envelope(9, "n1", tn::topic::portfolio_status);
  const auto g = core.handle(Frames{tn::topic::portfolio_status, e9});
  BOOST_TEST(g.out.empty());
  BOOST_REQUIRE_EQUAL(g.err.size(), 1u);
  const auto w = nlohmann::json::parse(g.err[0]);
  BOOST_TEST(w["warning"] == "gap");
  BOOST_TEST(w["expected"] == 7);
  BOOST_TEST(w["got"] == 9);
  // Then a lost one right before a shown event.
  const auto e11 = envelope(11, "n1", tn::topic::trade_fill);
  const auto g2 = core.handle(Frames{tn::topic::trade_fill, e11});
  BOOST_TEST(!g2.out.empty());
  BOOST_REQUIRE_EQUAL(g2.err.size(), 1u);
  BOOST_TEST(nlohmann::json::parse(g2.err[0])["expected"] == 10);
  BOOST_TEST(core.gaps() == 2u);

  // A hidden message that cannot be read is dropped without a word.
  const auto h = core.handle(Frames{"market.bar", "\xdd\xff"});
  BOOST_TEST(h.out.empty());
  BOOST_TEST(h.err.empty());
  BOOST_TEST(core.errors() == 0u);
  // The same bytes under a shown topic are an error, as ever.
  require_error(core.handle(Frames{"trade.fill", "\xdd\xff"}), "shown topic, bad envelope");
}

BOOST_AUTO_TEST_CASE(node_table_is_bounded) {
  SubscriberCore core;
  for (size_t i = 0; i < tn::kMaxTrackedNodes + 10; ++i) {
    const auto e = envelope(1, "node-" + std::to_string(i));
    BOOST_REQUIRE(core.handle(Frames{"t", e}).err.empty());
  }
  // An untracked node never warns (it has no baseline).
  const auto late = envelope(50, "node-" + std::to_string(tn::kMaxTrackedNodes + 5));
  BOOST_TEST(core.handle(Frames{"t", late}).err.empty());
}

BOOST_AUTO_TEST_CASE(raw_mode_prints_hex_without_decoding) {
  SubscriberCore core(/*raw=*/true);
  auto o = core.handle(Frames{"trade.fill", bytes({0xdd, 0xff, 0x00})});
  BOOST_TEST(o.err.empty());
  auto j = nlohmann::json::parse(o.out);
  BOOST_TEST(j["topic"] == "trade.fill");
  BOOST_TEST(j["bytes"] == 3);
  BOOST_TEST(j["hex"] == "ddff00");
  require_error(core.handle(Frames{"only-one"}), "raw one frame");
}
