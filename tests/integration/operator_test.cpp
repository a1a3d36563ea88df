#define BOOST_TEST_MODULE integration_operator
// The operator's actions on a running node: traderctl close sells a
// position through the arbiter and the ledger (a trade.fill and a
// control.action on the stream, the position gone, the quote up, the
// ledger still reconciling), once; trades lists it; balance shows it.
#include <string>

#include <boost/test/unit_test.hpp>

#include "messages/codec.hpp"
#include "tests/integration/node_common.hpp"

using namespace tn;
using namespace tn::test;

namespace {

nlohmann::json ctl_json(const NodeSetup& n, const std::vector<std::string>& args) {
  auto r = ctl(n, args);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  return nlohmann::json::parse(r.output);
}

double decimal(const nlohmann::json& j) { return std::stod(j.get<std::string>()); }

// One close request sent as a script would, at a chosen request time.
Result<ControlReply> raw_close(const NodeSetup& n, const std::string& symbol, const std::string& at_ms) {
  ControlRequest req;
  req.id = new_request_id();
  req.command = control_cmd::close;
  req.args = {{control_arg::symbol, symbol}, {control_arg::at_ms, at_ms}};
  return call(n.control, req, std::chrono::seconds(5));
}

}  // namespace

BOOST_AUTO_TEST_CASE(close_sells_a_position_once_and_trades_and_balance_show_it) {
  TempDir t;
  std::vector<StreamSpec> streams;
  for (const char* s : {"BTCUSDT", "ETHUSDT", "SOLUSDT"})
    streams.push_back({s, "1d", data_dir() + "/binance/" + s + "-1d.csv"});
  NodeSetup n = make_node(t.path(), streams, 0, "at_end = \"stay\"\ndb_durable = false\n");
  Child node = start_node(n);
  require_control(n, node);
  // The data decided to its end: the node serves on, deciding nothing more.
  const auto summary = wait_events(n, 0, "replay.summary");
  BOOST_REQUIRE(summary.size() == 1u);
  const uint64_t end_seq = summary[0]["seq"];

  const auto positions = ctl_json(n, {"positions"})["positions"];
  // The data ends with all three held (deterministic): one for traderctl, one for a script.
  BOOST_REQUIRE_MESSAGE(positions.size() >= 2u, "fewer than two open positions at the end of the data");
  BOOST_TEST_MESSAGE("open at the end: " << positions.dump());
  const std::string symbol = positions[0]["symbol"];
  const std::string quantity = positions[0]["quantity"];
  const auto before = ctl_json(n, {"balance"});
  const auto trades_before = ctl_json(n, {"trades", "--symbol", symbol});

  // A full pause stops the strategy, not the operator.
  BOOST_REQUIRE(ctl(n, {"pause"}).exit_code == 0);
  const auto closed = ctl_json(n, {"close", symbol});
  BOOST_TEST(closed["symbol"] == symbol);
  BOOST_TEST(closed["quantity"] == quantity);  // the whole position
  BOOST_TEST(closed["duplicate"] == false);
  const std::string order_id = closed["order_id"];
  BOOST_TEST(order_id.find(":" + symbol + ":manual:SELL") != std::string::npos);

  // Published like any trade, and as the operator's action.
  const auto fill = wait_events(n, end_seq, "trade.fill");
  BOOST_REQUIRE(fill.size() == 1u);
  BOOST_TEST(fill[0]["body"]["order_id"] == order_id);
  BOOST_TEST(fill[0]["body"]["side"] == "SELL");
  BOOST_TEST(fill[0]["body"]["timeframe"] == "manual");
  BOOST_TEST(fill[0]["body"]["quantity"] == quantity);
  BOOST_TEST(fill[0]["body"]["base_after"] == "0.00000000");
  const auto actions = wait_events(n, end_seq, "control.action", 2);  // pause, close
  BOOST_REQUIRE(actions.size() == 2u);
  BOOST_TEST(actions[1]["body"]["command"] == "close");
  BOOST_TEST(actions[1]["body"]["ok"] == true);
  BOOST_TEST(actions[1]["body"]["args"]["symbol"] == symbol);
  BOOST_TEST(actions[1]["body"]["message"] == closed["message"]);

  // The position is gone, the history has the close, the quote went up.
  const auto open_after = ctl_json(n, {"positions"});  // kept: the loop refers into it
  for (const auto& p : open_after["positions"]) BOOST_TEST(p["symbol"] != symbol);
  const auto trades = ctl_json(n, {"trades", "--symbol", symbol, "--limit", "3"});
  BOOST_TEST(trades["matched"] == trades_before["matched"].get<uint64_t>() + 1);
  BOOST_REQUIRE(trades["trades"].size() == 3u);
  const auto& last = trades["trades"][2];
  BOOST_TEST(last["order_id"] == order_id);
  BOOST_TEST(last["side"] == "SELL");
  BOOST_TEST(last["filled"] == true);
  BOOST_TEST(last["quantity"] == quantity);
  BOOST_TEST(!last["realized_pnl"].get<std::string>().empty());
  for (const auto& e : trades["trades"]) BOOST_TEST(e["symbol"] == symbol);
  const auto after = ctl_json(n, {"balance"});
  BOOST_TEST(decimal(after["free_quote"]) > decimal(before["free_quote"]));
  BOOST_TEST(after["free_quote"] == closed["quote_after"]);
  for (const auto& a : after["assets"]) BOOST_TEST(a["asset"].get<std::string>() + "USDT" != symbol);
  const auto verify = ctl_json(n, {"verify"});
  BOOST_TEST(verify["chain_ok"] == true);
  BOOST_TEST(verify["ledger_ok"] == true);

  // Closing again: a clear error, nothing sold.
  auto again = ctl(n, {"close", symbol});
  BOOST_TEST(again.exit_code == 1);
  BOOST_TEST(again.output.find("no open position in " + symbol) != std::string::npos, again.output);
  auto unknown = ctl(n, {"close", "DOGEUSDT"});
  BOOST_TEST(unknown.exit_code == 1);
  BOOST_TEST(unknown.output.find("unknown symbol DOGEUSDT") != std::string::npos, unknown.output);
  // The same request sent twice (a script retrying after a lost reply):
  // the second answers with the first one's result and sells nothing.
  const std::string other = positions[1]["symbol"];
  auto first = raw_close(n, other, "1700000000000");
  BOOST_REQUIRE(first.ok());
  BOOST_REQUIRE_MESSAGE(first->ok, first->error);
  auto second = raw_close(n, other, "1700000000000");
  BOOST_REQUIRE(second.ok());
  BOOST_REQUIRE_MESSAGE(second->ok, second->error);
  const CloseBody sold = decode<CloseBody>(first->body).value(), repeated = decode<CloseBody>(second->body).value();
  BOOST_TEST(!sold.duplicate);
  BOOST_TEST(repeated.duplicate);
  BOOST_TEST(repeated.order_id == sold.order_id);
  BOOST_TEST(repeated.quantity == sold.quantity);
  // Hostile args: errors naming them; the node goes on.
  auto bad = raw_close(n, "btc usdt", "1");
  BOOST_REQUIRE(bad.ok());
  BOOST_TEST(!bad->ok);
  BOOST_TEST(bad->error.find("arg 'symbol'") != std::string::npos, bad->error);
  BOOST_TEST(ctl(n, {"trades", "--since", "last week"}).exit_code == 2);
  BOOST_TEST(ctl(n, {"trades", "--limit", "100000000"}).exit_code == 2);
  BOOST_TEST(ctl(n, {"trades", "--since", "2021-01-01"}).exit_code == 0);

  BOOST_TEST(ctl(n, {"stop"}).exit_code == 0);
  auto end = wait_process(node, std::chrono::seconds(30));
  BOOST_REQUIRE_MESSAGE(end.exit_code == 0, end.output);
  // One manual SELL per close that sold: the retried request wrote nothing.
  size_t manual = 0;
  for (const auto& e : read_log(n.db))
    if (e.type == "trade.fill" && e.body["timeframe"] == "manual") ++manual;
  BOOST_TEST(manual == 2u);
  verify_offline(n.db, "acct-1");
}
