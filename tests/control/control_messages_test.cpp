#define BOOST_TEST_MODULE control_messages
#include <boost/test/unit_test.hpp>

// The control protocol's bytes: every message round-trips, the reply body
// travels as bin, and hostile requests decode to errors, never throws.
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "messages/codec.hpp"
#include "messages/control.hpp"
#include "tests/control/control_test_util.hpp"

using namespace tn;

namespace {

template <class T>
T round_trip(const T& v) {
  auto r = decode<T>(encode(v));
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().to_string()));
  return r.value();
}

std::string bytes(std::initializer_list<unsigned> b) {
  std::string s;
  for (unsigned c : b) s += static_cast<char>(c);
  return s;
}

// A map with the given keys and msgpack-packed values, built by hand.
std::string request_map(bool with_v, bool with_command, uint32_t v = 1) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_map((with_v ? 1 : 0) + (with_command ? 1 : 0) + 1);
  pk.pack("id");
  pk.pack(std::string("abc"));
  if (with_v) { pk.pack("v"); pk.pack(v); }
  if (with_command) { pk.pack("command"); pk.pack(std::string("status")); }
  return std::string(buf.data(), buf.size());
}

void require_invalid(std::string_view in, const std::string& what, Errc code = Errc::invalid_input) {
  BOOST_TEST_CONTEXT(what) {
    auto r = decode_control_request(in);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().code == code);
    BOOST_TEST(!r.error().message.empty());
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(request_round_trip) {
  ControlRequest r;
  r.id = "42-1";
  r.command = control_cmd::pause;
  r.args = {{control_arg::entries_only, "1"}};
  auto d = decode_control_request(encode(r));
  BOOST_REQUIRE(d.ok());
  BOOST_TEST(d->v == kControlVersion);
  BOOST_TEST(d->id == "42-1");
  BOOST_TEST(d->command == "pause");
  BOOST_TEST(d->args.at("entries_only") == "1");
}

BOOST_AUTO_TEST_CASE(reply_round_trip_with_binary_body_sent_as_bin) {
  ControlReply r;
  r.id = "x";
  r.ok = true;
  r.body = bytes({0x00, 0xff, 0xc1, 0x80, 'a'});  // not UTF-8: must be bin on the wire
  const std::string wire = encode(r);
  auto oh = msgpack::unpack(wire.data(), wire.size());
  const auto& m = oh.get();
  BOOST_REQUIRE(m.type == msgpack::type::MAP);
  bool body_is_bin = false;
  for (uint32_t i = 0; i < m.via.map.size; ++i)
    if (m.via.map.ptr[i].key.as<std::string>() == "body")
      body_is_bin = m.via.map.ptr[i].val.type == msgpack::type::BIN;
  BOOST_TEST(body_is_bin);
  auto back = round_trip(r);
  BOOST_TEST(back.v == kControlVersion);
  BOOST_TEST(back.id == "x");
  BOOST_TEST(back.ok);
  BOOST_TEST(back.body == r.body);

  auto err = round_trip(make_error_reply("y", "nope"));
  BOOST_TEST(!err.ok);
  BOOST_TEST(err.error == "nope");
  BOOST_TEST(err.body.empty());
}

BOOST_AUTO_TEST_CASE(every_body_round_trips) {
  auto s = round_trip(test::sample_status());
  BOOST_TEST(s.node == "test-node");
  BOOST_TEST(s.pause_mode == "running");
  BOOST_REQUIRE(s.watchlist.size() == 3u);
  BOOST_TEST(s.watchlist[0].last_check_ms == 1704153600000);
  BOOST_TEST(!s.watchlist[0].warming_up);
  BOOST_TEST(s.watchlist[0].last_bar_ms == 1704067200000);
  BOOST_TEST(s.watchlist[0].ma == 44000.25);
  BOOST_TEST(s.watchlist[0].next_check_ms == 1704240000000);
  BOOST_TEST(s.watchlist[1].warming_up);
  BOOST_TEST(std::isnan(s.watchlist[1].ma));  // NaN survives msgpack
  BOOST_TEST(s.now_ms == 1704153612000);
  BOOST_TEST(s.state == "running");
  BOOST_TEST(s.free_quote == "5234.50000000");
  BOOST_TEST(s.trades_failed == 1u);
  BOOST_TEST(s.portfolio_value == "10234.50000000");
  BOOST_REQUIRE(s.outbox.size() == 2u);
  BOOST_TEST(s.outbox[1].channel == "telegram");
  BOOST_TEST(s.outbox[0].depth == 3u);
  BOOST_TEST(s.outbox[0].oldest_ms == 1704153600000);

  PositionsBody p{"USDT", {{"BTCUSDT", "BTC", "0.50000000", 42000.5, "21000.25000000",
                           "20000.00000000", "1000.25000000"}}};
  auto p2 = round_trip(p);
  BOOST_REQUIRE(p2.positions.size() == 1u);
  BOOST_TEST(p2.positions[0].price == 42000.5);
  BOOST_TEST(p2.positions[0].unrealized_pnl == "1000.25000000");

  ProfitBody pr{"USDT", {{"BTCUSDT", "10.00000000", "-2.50000000", "7.50000000"}},
                "10.00000000", "-2.50000000", "7.50000000"};
  auto pr2 = round_trip(pr);
  BOOST_TEST(pr2.symbols[0].unrealized == "-2.50000000");
  BOOST_TEST(pr2.total == "7.50000000");

  DailyBody d{"USDT", {{"2024-01-01", "1.00000000", "100.00000000"},
                       {"2024-01-02", "-3.00000000", "97.00000000"}}};
  auto d2 = round_trip(d);
  BOOST_REQUIRE(d2.days.size() == 2u);
  BOOST_TEST(d2.days[1].date == "2024-01-02");

  HealthBody h{1700000000000, {{"fetcher", 3, 1699999999000}}};
  auto h2 = round_trip(h);
  BOOST_TEST(h2.actors[0].mailbox == 3u);
  BOOST_TEST(h2.now_ms == 1700000000000);

  VerifyBody v{120, true, 7, false, {"order o-1: balance off by 0.00000001"}};
  auto v2 = round_trip(v);
  BOOST_TEST(v2.chain_ok);
  BOOST_TEST(!v2.ledger_ok);
  BOOST_TEST(v2.problems.size() == 1u);

  BOOST_TEST(round_trip(AckBody{"paused"}).message == "paused");
}

namespace old_wire {
// The status body as nodes sent it before the stream views, node clock,
// state and free quote were added.
struct WatchEntry {
  std::string stream;
  int64_t last_check_ms = 0;
  uint64_t signal_checks = 0;
  MSGPACK_DEFINE_MAP(stream, last_check_ms, signal_checks);
};
struct StatusBody {
  std::string mode, node;
  std::vector<WatchEntry> watchlist;
  std::string portfolio_value;
  MSGPACK_DEFINE_MAP(mode, node, watchlist, portfolio_value);
};
}  // namespace old_wire

// Fields are added to the status body's maps: an old reader (traderctl, a
// Python script) reads a new node's status, and a new one an old node's.
BOOST_AUTO_TEST_CASE(status_fields_added_keep_old_readers_and_old_nodes_working) {
  auto old = decode<old_wire::StatusBody>(encode(test::sample_status()));
  BOOST_REQUIRE(old.ok());
  BOOST_TEST(old->node == "test-node");
  BOOST_REQUIRE(old->watchlist.size() == 3u);
  BOOST_TEST(old->watchlist[0].stream == "BTCUSDT:1d");
  BOOST_TEST(old->watchlist[0].signal_checks == 40u);
  BOOST_TEST(old->portfolio_value == "10234.50000000");

  old_wire::StatusBody from_old{"live", "old-node", {{"BTCUSDT:1d", 1704153600000, 9}}, "1.00000000"};
  auto now = decode<StatusBody>(encode(from_old));
  BOOST_REQUIRE(now.ok());
  BOOST_TEST(now->node == "old-node");
  BOOST_TEST(now->watchlist[0].last_check_ms == 1704153600000);
  BOOST_TEST(now->watchlist[0].last_bar_ms == 0);  // defaults: nothing known
  BOOST_TEST(!now->watchlist[0].warming_up);
  BOOST_TEST(now->now_ms == 0);
  BOOST_TEST(now->state == "running");
  BOOST_TEST(now->free_quote.empty());
}

BOOST_AUTO_TEST_CASE(replay_body_keeps_binary_envelopes) {
  const std::vector<std::string> envs{bytes({0x86, 0xa1, 'v', 0x01}), std::string(),
                                      bytes({0xff, 0x00, 0xfe})};
  auto back = decode_replay_body(encode_replay_body(envs));
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(back.value() == envs);
  BOOST_TEST(!decode_replay_body(bytes({0x93, 0xc4})).ok());   // truncated
  BOOST_TEST(!decode_replay_body(bytes({0x01})).ok());         // not an array
}

BOOST_AUTO_TEST_CASE(hostile_requests_are_errors) {
  require_invalid("", "empty");
  require_invalid(bytes({0xc1}), "never-used byte");
  require_invalid("hello, node", "text");
  const std::string good = test::request_bytes("status");
  for (size_t n = 1; n < good.size(); ++n) require_invalid(good.substr(0, n), "truncated");
  require_invalid(good + "x", "trailing byte");
  require_invalid(encode(std::string("status")), "not a map");
  require_invalid(bytes({0xdd, 0x00, 0xff, 0xff, 0xff}), "array claiming 16M elements");
  require_invalid(bytes({0xdf, 0x7f, 0xff, 0xff, 0xff}), "map claiming 2G pairs");
  require_invalid(bytes({0xdb, 0x7f, 0xff, 0xff, 0xff, 'a'}), "str claiming 2 GB");
  require_invalid(std::string(200, '\x91') + '\x01', "nested 200 deep");
  require_invalid(request_map(false, true), "no v");
  require_invalid(request_map(true, false), "no command");
  require_invalid(request_map(true, true, 99), "v=99", Errc::schema_version);
  // A field of the wrong type: command is an integer.
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_map(2);
  pk.pack("v"); pk.pack(1);
  pk.pack("command"); pk.pack(7);
  require_invalid(std::string(buf.data(), buf.size()), "command is a number");
  require_invalid(test::request_bytes(""), "empty command");
  // Over the limit, even if well formed.
  ControlRequest big;
  big.command = "status";
  big.args["pad"] = std::string(kMaxControlRequestBytes, 'x');
  require_invalid(encode(big), "over 64 KiB");
  auto v99 = decode_control_request(test::request_bytes("status", "id-9", 99));
  BOOST_REQUIRE(!v99.ok());
  BOOST_TEST(v99.error().message.find("99") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(peek_id_of_bad_requests) {
  BOOST_TEST(peek_request_id(test::request_bytes("status", "id-9", 99)) == "id-9");
  BOOST_TEST(peek_request_id(request_map(false, true)) == "abc");
  BOOST_TEST(peek_request_id("garbage").empty());
  BOOST_TEST(peek_request_id(bytes({0xc1})).empty());
  BOOST_TEST(peek_request_id(encode(std::string("x"))).empty());
}

BOOST_AUTO_TEST_CASE(arg_helpers) {
  ControlRequest r;
  r.args = {{"days", "30"}, {"bad", "3x"}, {"neg", "-1"}, {"empty", ""}, {"on", "1"},
            {"off", "false"}, {"odd", "yes"}};
  BOOST_TEST(control_arg_u64(r, "days", 7, 100).value() == 30u);
  BOOST_TEST(control_arg_u64(r, "missing", 7, 100).value() == 7u);
  BOOST_TEST(!control_arg_u64(r, "days", 7, 10).ok());
  BOOST_TEST(!control_arg_u64(r, "bad", 7, 100).ok());
  BOOST_TEST(!control_arg_u64(r, "neg", 7, 100).ok());
  BOOST_TEST(!control_arg_u64(r, "empty", 7, 100).ok());
  BOOST_TEST(control_arg_flag(r, "on").value());
  BOOST_TEST(!control_arg_flag(r, "off").value());
  BOOST_TEST(!control_arg_flag(r, "missing").value());
  BOOST_TEST(!control_arg_flag(r, "odd").ok());
}

BOOST_AUTO_TEST_CASE(mutated_requests_never_throw) {
  // Deterministic fuzz: flip, cut and splice bytes of real requests. Every
  // outcome must be a value or an Error; a crash or an escape fails the test.
  ControlRequest base;
  base.id = "fuzz";
  base.command = control_cmd::daily;
  base.args = {{control_arg::days, "30"}, {control_arg::entries_only, "1"}};
  const std::string good = encode(base);
  std::mt19937 rng(20240102);
  size_t ok = 0, bad = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string m = good;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 3) {
        case 0: m[rng() % m.size()] = static_cast<char>(rng()); break;
        case 1: m.resize(rng() % (m.size() + 1)); break;
        default: m.insert(rng() % (m.size() + 1), 1, static_cast<char>(rng())); break;
      }
      if (m.empty()) m = good;
    }
    auto r = decode_control_request(m);
    (r.ok() ? ok : bad) += 1;
    (void)peek_request_id(m);
  }
  BOOST_TEST(bad > 0u);
  BOOST_TEST_MESSAGE(ok << " decoded, " << bad << " refused");
}
