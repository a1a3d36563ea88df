#define BOOST_TEST_MODULE control_operator
#include <boost/test/unit_test.hpp>

// The operator's commands on the wire and on screen: close, trades and
// balance args decode strictly (hostile values are errors naming the arg),
// times parse as a person types them, and the bodies render as tables and
// JSON with their wire names.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/civil_date.hpp"
#include "control/format.hpp"
#include "messages/codec.hpp"
#include "messages/control.hpp"

using namespace tn;

namespace {

ControlRequest request(const std::string& command, std::map<std::string, std::string> args) {
  ControlRequest r;
  r.command = command;
  r.args = std::move(args);
  return r;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The error message of a failed decode ("" when it did not fail).
template <class T>
std::string error_of(const Result<T>& r) {
  return r.ok() ? std::string() : r.error().message;
}

constexpr int64_t k2021 = 1'609'459'200'000;  // 2021-01-01T00:00:00Z

}  // namespace

BOOST_AUTO_TEST_CASE(times_parse_as_unix_ms_or_utc_dates_and_times) {
  BOOST_TEST(parse_utc_time("1609459200000").value() == k2021);
  BOOST_TEST(parse_utc_time("0").value() == 0);
  BOOST_TEST(parse_utc_time("2021-01-01").value() == k2021);
  BOOST_TEST(parse_utc_time("2021-01-01T12:30").value() == k2021 + 12 * 3'600'000 + 30 * 60'000);
  BOOST_TEST(parse_utc_time("2021-01-01 12:30:15").value() == k2021 + 45'015'000);
  BOOST_TEST(parse_utc_time("2021-01-01T12:30:15.25Z").value() == k2021 + 45'015'250);
  BOOST_TEST(parse_utc_time("9999-12-31T23:59:59.999Z").value() == kMaxUtcTimeMs);
  for (const char* bad : {"", "x", "2021-02-30", "2021-01-01T", "2021-01-01T24:00", "2021-01-01T12",
                          "2021-01-01T12:30+01:00", "2021-01-01T12:30:15.1234", "2021-01-01Z", "-5",
                          "1969-12-31", "99999999999999999999", "253402300800000", " 1", "1e9"}) {
    auto r = parse_utc_time(bad);
    BOOST_TEST(!r.ok(), "accepted '" << bad << "'");
    if (!r.ok()) BOOST_TEST(r.error().code == Errc::invalid_input);
  }
  BOOST_TEST(has(error_of(parse_utc_time("yesterday")), "\"yesterday\" is not a time"));
}

BOOST_AUTO_TEST_CASE(close_needs_a_watchlist_style_symbol_and_takes_a_request_time) {
  auto ok = decode_close_args(request("close", {{"symbol", "BTCUSDT"}, {"at_ms", "1700000000000"}}));
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->symbol == "BTCUSDT");
  BOOST_TEST(ok->at_ms == 1700000000000);
  BOOST_TEST(decode_close_args(request("close", {{"symbol", "ETHUSDT"}})).value().at_ms == 0);

  BOOST_TEST(has(error_of(decode_close_args(request("close", {}))), "needs arg 'symbol'"));
  for (const std::string& bad : std::vector<std::string>{"", "btcusdt", "BTC USDT", "BTC/USDT", "BTCUSDT\n", std::string(33, 'A'),
                                std::string("BTC\0USDT", 8), "\xff\xfe", "../../etc"}) {
    const std::string why = error_of(decode_close_args(request("close", {{"symbol", bad}})));
    BOOST_TEST(has(why, "arg 'symbol' must be"), "accepted symbol '" << bad << "'");
  }
  // A huge symbol is cut in the message, not echoed whole.
  BOOST_TEST(error_of(decode_close_args(request("close", {{"symbol", std::string(5000, 'a')}}))).size() < 200u);
  for (const char* bad : {"-1", "x", "", "1.5", "253402300800000", "99999999999999999999999"})
    BOOST_TEST(has(error_of(decode_close_args(request("close", {{"symbol", "BTCUSDT"}, {"at_ms", bad}}))),
                   "arg 'at_ms'"), "accepted at_ms '" << bad << "'");
}

BOOST_AUTO_TEST_CASE(trades_args_are_optional_and_bounded) {
  auto all = decode_trades_args(request("trades", {}));
  BOOST_REQUIRE(all.ok());
  BOOST_TEST(all->symbol.empty());
  BOOST_TEST(all->since_ms == 0);
  BOOST_TEST(all->limit == kDefaultTradesLimit);

  auto q = decode_trades_args(
      request("trades", {{"symbol", "SOLUSDT"}, {"since", "2021-01-01T00:00Z"}, {"limit", "10000"}}));
  BOOST_REQUIRE(q.ok());
  BOOST_TEST(q->symbol == "SOLUSDT");
  BOOST_TEST(q->since_ms == k2021);
  BOOST_TEST(q->limit == kMaxTradesLimit);
  BOOST_TEST(decode_trades_args(request("trades", {{"since", "1609459200000"}})).value().since_ms == k2021);

  BOOST_TEST(has(error_of(decode_trades_args(request("trades", {{"symbol", "sol"}}))), "arg 'symbol'"));
  BOOST_TEST(has(error_of(decode_trades_args(request("trades", {{"since", "last tuesday"}}))), "arg 'since'"));
  BOOST_TEST(has(error_of(decode_trades_args(request("trades", {{"since", std::string(100000, '9')}}))),
                 "arg 'since'"));
  for (const char* huge : {"10001", "18446744073709551615", "18446744073709551616", "1e6", "-1"})
    BOOST_TEST(has(error_of(decode_trades_args(request("trades", {{"limit", huge}}))), "arg 'limit'"),
               "accepted limit " << huge);
  BOOST_TEST(has(error_of(decode_trades_args(request("trades", {{"limit", "0"}}))), "at least 1"));
}

BOOST_AUTO_TEST_CASE(the_bodies_round_trip_and_render) {
  CloseBody c;
  c.message = "sold 0.5 BTC (BTCUSDT) at 42000 for 21000 USDT (fee 21); 31000 USDT free";
  c.order_id = "acct:1700000000000:BTCUSDT:manual:SELL";
  c.symbol = "BTCUSDT";
  c.quote = "USDT";
  c.price = 42000;
  c.decided_at_ms = k2021;
  c.quantity = "0.50000000";
  c.duplicate = true;
  const auto close_text = format_reply_body(control_cmd::close, encode(c), false, 0);
  BOOST_REQUIRE(close_text.ok());
  BOOST_TEST(*close_text == c.message + "\norder " + c.order_id + " at 2021-01-01 00:00:00Z\n");
  const auto close_json = nlohmann::json::parse(format_reply_body(control_cmd::close, encode(c), true, 0).value());
  BOOST_TEST(close_json["order_id"] == c.order_id);
  BOOST_TEST(close_json["duplicate"] == true);
  BOOST_TEST(close_json["quantity"] == "0.50000000");

  TradesBody t;
  t.quote = "USDT";
  t.matched = 3;
  t.trades = {{k2021, "BTCUSDT", "1d", "BUY", 40000, "0.50000000", "20000.00000000", "20.00000000", "",
               "acct:1:BTCUSDT:1d:BUY", true, ""},
              {k2021 + 86'400'000, "BTCUSDT", "manual", "SELL", 42000, "0.50000000", "21000.00000000",
               "21.00000000", "959.00000000", "acct:2:BTCUSDT:manual:SELL", true, ""}};
  const std::string trades = format_reply_body(control_cmd::trades, encode(t), false, 0).value();
  BOOST_TEST(has(trades, "TIME (UTC)"));
  BOOST_TEST(has(trades, "REALIZED (USDT)"));
  BOOST_TEST(has(trades, "2021-01-02 00:00:00Z  BTCUSDT  manual  SELL"));
  BOOST_TEST(has(trades, "959.00000000  filled  acct:2:BTCUSDT:manual:SELL"));
  BOOST_TEST(has(trades, "(the last 2 of 3 matching trades"));
  BOOST_TEST(trades.find("BUY") < trades.find("SELL"));  // oldest first
  const auto trades_json = nlohmann::json::parse(format_reply_body(control_cmd::trades, encode(t), true, 0).value());
  BOOST_TEST(trades_json["matched"] == 3);
  BOOST_TEST(trades_json["trades"][1]["realized_pnl"] == "959.00000000");
  BOOST_TEST(trades_json["trades"][0]["time_ms"] == k2021);
  BOOST_TEST(format_reply_body(control_cmd::trades, encode(TradesBody{}), false, 0).value() == "(no trades)\n");

  BalanceBody b{"USDT", "31000.00000000", "4200.00000000", "35200.00000000",
                {{"USDT", "31000.00000000", "0.00000000", 1, "31000.00000000"},
                 {"BTC", "0.00000000", "0.10000000", 42000, "4200.00000000"}}};
  const std::string balance = format_reply_body(control_cmd::balance, encode(b), false, 0).value();
  BOOST_TEST(has(balance, "ASSET  "));
  BOOST_TEST(has(balance, "BTC        0.00000000    0.10000000         42000   4200.00000000\n"));
  BOOST_TEST(has(balance, "free USDT     31000.00000000\n"));
  BOOST_TEST(has(balance, "total         35200.00000000\n"));
  const auto balance_json = nlohmann::json::parse(format_reply_body(control_cmd::balance, encode(b), true, 0).value());
  BOOST_TEST(balance_json["free_quote"] == "31000.00000000");
  BOOST_TEST(balance_json["assets"][1]["in_positions"] == "0.10000000");

  // A body that is not the command's.
  BOOST_TEST(!format_reply_body(control_cmd::trades, "", false, 0).ok());
  BOOST_TEST(!format_reply_body(control_cmd::balance, encode(std::string("x")), true, 0).ok());
}
