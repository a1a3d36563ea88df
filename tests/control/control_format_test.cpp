#define BOOST_TEST_MODULE control_format
#include <boost/test/unit_test.hpp>

// What traderctl prints: tables for people, JSON for programs.
#include <string>

#include <nlohmann/json.hpp>

#include "control/format.hpp"
#include "messages/codec.hpp"
#include "messages/envelope.hpp"
#include "tests/control/control_test_util.hpp"

using namespace tn;

namespace {

constexpr int64_t kNow = 1704153612000;  // 2024-01-02 00:00:12Z
// A wall clock years after sample_status()'s simulated one.
constexpr int64_t kWallNow = 1971522420000;  // 2032-06-22 13:07:00Z

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(table_alignment) {
  const auto t = render_table({"NAME", "N"}, {{"a", "1"}, {"longer", "100"}}, {false, true});
  BOOST_TEST(t == "NAME      N\n"
                  "a         1\n"
                  "longer  100\n");
  // Short rows are padded; no trailing spaces.
  BOOST_TEST(render_table({"A", "B"}, {{"x"}}) == "A  B\nx\n");
}

BOOST_AUTO_TEST_CASE(times_durations_prices) {
  BOOST_TEST(format_duration(45) == "45s");
  BOOST_TEST(format_duration(185) == "3m 05s");
  BOOST_TEST(format_duration(3723) == "1h 02m 03s");
  BOOST_TEST(format_duration(2 * 86400 + 3600) == "2d 01h 00m 00s");
  BOOST_TEST(format_duration(-5) == "0s");
  BOOST_TEST(format_utc_ms(0) == "never");
  BOOST_TEST(format_utc_ms(1704153600000) == "2024-01-02 00:00:00Z");
  BOOST_TEST(format_age(1704153600000, kNow) == "12s ago");
  BOOST_TEST(format_age(kNow + 5000, kNow) == "just now");
  BOOST_TEST(format_price(42000.5) == "42000.5");
  BOOST_TEST(format_price(0.00001234) == "0.00001234");
  BOOST_TEST(format_price(3) == "3");
  BOOST_TEST(format_next(0, kNow) == "none");
  BOOST_TEST(format_next(kNow, kNow) == "now");
  BOOST_TEST(format_next(kNow - 1, kNow) == "now");
  BOOST_TEST(format_next(kNow + 1, kNow) == "in 1s");  // never "in 0s"
  BOOST_TEST(format_next(kNow + 3600000, kNow) == "in 1h 00m 00s");
}

BOOST_AUTO_TEST_CASE(status_table) {
  const auto s = format_status(test::sample_status(), kNow);
  BOOST_TEST_MESSAGE(s);
  BOOST_TEST(has(s, "node           test-node (replay)\n"));
  BOOST_TEST(has(s, "state          running\n"));
  BOOST_TEST(has(s, "uptime         1h 02m 03s\n"));
  BOOST_TEST(has(s, "portfolio      10234.50000000 USDT\n"));
  BOOST_TEST(has(s, "run trades     0 executed, 0 failed, 100.0% success\n"));
  BOOST_TEST(has(s, "ledger trades  14 executed, 1 failed, 93.3% success\n"));
  BOOST_TEST(has(s, "clock          2024-01-02 00:00:12Z (simulated)\n"));
  BOOST_TEST(has(s, "free USDT      5234.50000000 USDT\n"));
  BOOST_TEST(has(s,
      "STREAM      STATE       LAST BAR (OPEN)         PRICE        MA  DISTANCE  LAST CHECK  NEXT CHECK      CHECKS\n"
      "BTCUSDT:1d  ok          2024-01-01 00:00:00Z  42000.5  44000.25    -4.54%  12s ago     in 23h 59m 48s      40\n"
      "ETHUSDT:4h  warming up  -                           -         -         -  never       now                  0\n"
      "SOLUSDT:1h  warming up  2024-01-01 23:00:00Z   101.25         -         -  12s ago     in 59m 48s           3\n"));
  BOOST_TEST(has(s, "CHANNEL   WAITING  OLDEST                AGE\n"));
  BOOST_TEST(has(s, "email           3  2024-01-02 00:00:00Z  12s ago\n"));
  BOOST_TEST(has(s, "telegram        1  2024-01-02 00:01:00Z  just now\n"));
  auto paused = test::sample_status();
  paused.paused = true;
  paused.pause_mode = pause_mode::entries_only;
  BOOST_TEST(has(format_status(paused, kNow), "paused (entries only"));
  paused.watchlist.clear();
  paused.outbox.clear();
  BOOST_TEST(has(format_status(paused, kNow), "(empty watchlist)"));
  BOOST_TEST(has(format_status(paused, kNow), "(no notifications waiting)"));
}

// A replay's status read years after its simulated time: the streams'
// ages and next checks are against the node's clock, not traderctl's wall
// clock (once "3099d 21h ago"); the outbox's times are wall times, so their
// ages stay against the wall clock.
BOOST_AUTO_TEST_CASE(status_ages_are_in_the_nodes_clock) {
  auto body = test::sample_status();
  body.outbox = {{"email", 1, kWallNow - 90'000}};
  const auto s = format_status(body, kWallNow);
  BOOST_TEST_MESSAGE(s);
  BOOST_TEST(has(s, "BTCUSDT:1d  ok          2024-01-01 00:00:00Z  42000.5  44000.25    -4.54%  12s ago     in 23h 59m 48s"));
  BOOST_TEST(!has(s, "3099d"));
  BOOST_TEST(has(s, "email          1  2032-06-22 13:05:30Z  1m 30s ago\n"));
  // uptime is the process's, wall time, whatever the clock.
  BOOST_TEST(has(s, "uptime         1h 02m 03s\n"));

  // A node that sends no clock (older than now_ms): live, the wall clock.
  body.now_ms = 0;
  const auto old = format_status(body, kNow + 60'000);
  BOOST_TEST(!has(old, "clock "));
  BOOST_TEST(has(old, "BTCUSDT:1d  ok          2024-01-01 00:00:00Z  42000.5  44000.25    -4.54%  1m 12s ago"));
}

BOOST_AUTO_TEST_CASE(status_states_warm_up_finished_and_live_clock) {
  WatchEntry w;
  BOOST_TEST(stream_state_text(w) == "ok");
  w.warming_up = true;
  BOOST_TEST(stream_state_text(w) == "warming up");

  auto body = test::sample_status();
  body.state = run_state::finished;
  for (auto& e : body.watchlist) e.next_check_ms = 0;  // the replay's last check was sent
  auto s = format_status(body, kWallNow);
  BOOST_TEST(has(s, "state          finished (end of the recorded data, deciding nothing more)\n"));
  BOOST_TEST(has(s, "  in 23h") == false);
  BOOST_TEST(has(s, "12s ago     none            40\n"));
  body.paused = true;
  body.pause_mode = pause_mode::paused;
  BOOST_TEST(has(format_status(body, kWallNow), "deciding nothing more); paused\n"));

  // Live: the node's clock is the wall clock, not labelled simulated.
  body = test::sample_status();
  body.mode = "live";
  s = format_status(body, kWallNow);
  BOOST_TEST(has(s, "clock          2024-01-02 00:00:12Z\n"));
  // No free quote from an older node: no line rather than an empty one.
  body.free_quote.clear();
  BOOST_TEST(!has(format_status(body, kWallNow), "free USDT"));
}

BOOST_AUTO_TEST_CASE(status_shows_each_streams_data_state) {
  auto live = test::sample_status();
  live.mode = "live";
  live.watchlist[0].data_state = "late";
  live.watchlist[0].data_reason = "bar 2024-01-01 00:00:00Z due 2024-01-02 00:00:00Z, 2 answers without it";
  live.watchlist[1].data_state = "ok";
  const auto s = format_status(live, kNow);
  BOOST_TEST_MESSAGE(s);
  // STATE says late; the reason follows the table.
  BOOST_TEST(has(s, "BTCUSDT:1d  late  "));
  BOOST_TEST(has(s, "\nBTCUSDT:1d  late: bar 2024-01-01 00:00:00Z due 2024-01-02 00:00:00Z, 2 answers without it\n"));
  BOOST_TEST(has(s, "ETHUSDT:4h  warming up  "));  // data ok: its own state
  BOOST_TEST(!has(s, "ETHUSDT:4h  ok"));
  auto j = to_json_value(live);
  BOOST_TEST(j["watchlist"][0]["data_state"] == "late");
  BOOST_TEST(j["watchlist"][0]["data_reason"].get<std::string>().rfind("bar 2024-01-01", 0) == 0);
  BOOST_TEST(j["watchlist"][1]["data_reason"] == "");
  // On the wire too: a client decodes both fields back.
  auto back = decode<StatusBody>(encode(live));
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(back->watchlist[0].data_state == "late");
}

BOOST_AUTO_TEST_CASE(other_tables) {
  PositionsBody p{"USDT", {{"BTCUSDT", "BTC", "0.50000000", 42000.5, "21000.25000000",
                           "20000.00000000", "1000.25000000"}}};
  const auto pt = format_positions(p);
  BOOST_TEST(pt ==
             "SYMBOL   ASSET    QUANTITY    PRICE    VALUE (USDT)     COST (USDT)  UNREALIZED (USDT)\n"
             "BTCUSDT  BTC    0.50000000  42000.5  21000.25000000  20000.00000000      1000.25000000\n");
  BOOST_TEST(format_positions(PositionsBody{}) == "(no open positions)\n");

  ProfitBody pr{"USDT", {{"BTCUSDT", "10.00000000", "-2.50000000", "7.50000000"}},
                "10.00000000", "-2.50000000", "7.50000000"};
  BOOST_TEST(format_profit(pr) == "SYMBOL   REALIZED (USDT)  UNREALIZED (USDT)  TOTAL (USDT)\n"
                                  "BTCUSDT      10.00000000        -2.50000000    7.50000000\n"
                                  "TOTAL        10.00000000        -2.50000000    7.50000000\n");

  DailyBody d{"USDT", {{"2024-01-01", "1.00000000", "100.00000000"}}};
  BOOST_TEST(format_daily(d) == "DATE (UTC)  PNL (USDT)  EQUITY END (USDT)\n"
                                "2024-01-01  1.00000000       100.00000000\n");
  BOOST_TEST(format_daily(DailyBody{}) == "(no days recorded)\n");

  HealthBody h{kNow, {{"fetcher", 3, kNow - 2000}, {"notifier", 0, 0}}};
  BOOST_TEST(format_health(h) == "ACTOR     MAILBOX  LAST ACTIVITY\n"
                                 "fetcher         3  2s ago\n"
                                 "notifier        0  never\n");

  VerifyBody v{120, true, 7, false, {"order o-1: off by 0.00000001"}};
  const auto vt = format_verify(v);
  BOOST_TEST(has(vt, "120 events, hash chain ok"));
  BOOST_TEST(has(vt, "7 orders, DOES NOT RECONCILE"));
  BOOST_TEST(has(vt, "  - order o-1: off by 0.00000001\n"));
  BOOST_TEST(format_ack(AckBody{"paused"}) == "paused\n");
  BOOST_TEST(format_ack(AckBody{}) == "ok\n");
}

BOOST_AUTO_TEST_CASE(json_mirrors_wire_names) {
  auto j = to_json_value(test::sample_status());
  BOOST_TEST(j["node"] == "test-node");
  BOOST_TEST(j["paused"] == false);
  BOOST_TEST(j["pause_mode"] == "running");
  BOOST_TEST(j["watchlist"][0]["stream"] == "BTCUSDT:1d");
  BOOST_TEST(j["watchlist"][0]["last_check_ms"] == 1704153600000);
  BOOST_TEST(j["watchlist"][0]["warming_up"] == false);
  BOOST_TEST(j["watchlist"][0]["last_bar_ms"] == 1704067200000);
  BOOST_TEST(j["watchlist"][0]["price"] == 42000.5);
  BOOST_TEST(j["watchlist"][0]["ma"] == 44000.25);
  BOOST_TEST(j["watchlist"][0]["distance"] == -4.5449);
  BOOST_TEST(j["watchlist"][0]["next_check_ms"] == 1704240000000);
  BOOST_TEST(j["watchlist"][2]["warming_up"] == true);
  BOOST_TEST(j["watchlist"][2]["price"] == 101.25);
  BOOST_TEST(j["now_ms"] == 1704153612000);
  BOOST_TEST(j["state"] == "running");
  BOOST_TEST(j["free_quote"] == "5234.50000000");
  // No MA yet: null in the JSON text (NaN is not JSON).
  const auto text = nlohmann::json::parse(format_reply_body(control_cmd::status, encode(test::sample_status()),
                                                            true, kNow).value());
  BOOST_TEST(text["watchlist"][2]["ma"].is_null());
  BOOST_TEST(text["watchlist"][2]["distance"].is_null());
  BOOST_TEST(text["watchlist"][1]["price"].is_null());
  BOOST_TEST(j["trades_executed"] == 14);
  BOOST_TEST(j["portfolio_value"] == "10234.50000000");
  BOOST_TEST(j["outbox"][0]["channel"] == "email");
  BOOST_TEST(j["outbox"][0]["depth"] == 3);
  BOOST_TEST(j["outbox"][1]["oldest_ms"] == 1704153660000);
  auto h = to_json_value(HealthBody{1, {{"a", 2, 3}}});
  BOOST_TEST(h["actors"][0]["mailbox"] == 2);
  BOOST_TEST(to_json_value(AckBody{"ok"})["message"] == "ok");
}

BOOST_AUTO_TEST_CASE(reply_bodies_by_command) {
  const std::string status = encode(test::sample_status());
  auto table = format_reply_body(control_cmd::status, status, false, kNow);
  BOOST_REQUIRE(table.ok());
  BOOST_TEST(has(*table, "STREAM"));
  auto json = format_reply_body(control_cmd::status, status, true, kNow);
  BOOST_REQUIRE(json.ok());
  BOOST_TEST(nlohmann::json::parse(*json)["node"] == "test-node");

  BOOST_TEST(format_reply_body(control_cmd::resume, "", false, kNow).value() == "ok\n");
  BOOST_TEST(format_reply_body(control_cmd::resume, "", true, kNow).value() == "{}\n");
  BOOST_TEST(format_reply_body(control_cmd::pause, encode(AckBody{"paused"}), false, kNow).value() ==
             "paused\n");
  // A body that is not what the command promises.
  BOOST_TEST(!format_reply_body(control_cmd::status, "", false, kNow).ok());
  BOOST_TEST(!format_reply_body(control_cmd::status, "\xc1", false, kNow).ok());
  BOOST_TEST(!format_reply_body(control_cmd::health, encode(std::string("x")), true, kNow).ok());

  // Replay: one JSON line per envelope, or one JSON array.
  EnvelopeHeader hdr;
  hdr.seq = 7;
  hdr.node = "n";
  hdr.type = "node.stop";
  const auto body = encode_replay_body({encode_envelope(hdr, encode(AckBody{"x"}))});
  auto lines = format_reply_body(control_cmd::replay, body, false, kNow);
  BOOST_REQUIRE(lines.ok());
  BOOST_TEST(nlohmann::json::parse(*lines)["seq"] == 7);
  auto arr = format_reply_body(control_cmd::replay, body, true, kNow);
  BOOST_REQUIRE(arr.ok());
  BOOST_TEST(nlohmann::json::parse(*arr)[0]["type"] == "node.stop");
}
