#define BOOST_TEST_MODULE core_operator
#include <boost/test/unit_test.hpp>

// The operator's actions as plain functions: a close is the whole position
// at the latest price with a request-derived id, sold by the broker's own
// rules; trades filter and cut the ledger's history and give each SELL its
// realised P&L; balance values the account at the last prices.
#include "actors/arbiter/manual_close.hpp"
#include "actors/portfolio/portfolio_views.hpp"
#include "actors/portfolio/trade_history.hpp"
#include "storage/paper_broker.hpp"

using namespace tn;

namespace {

constexpr int64_t H = 3'600'000;
constexpr int64_t D = 24 * H;
constexpr Amount U = kAmountScale;  // one unit
constexpr int64_t kAt = 1'700'000'000'123;  // a control request's time

// Streams: 0 BTC 1d, 1 BTC 1h, 2 ETH 1d.
std::vector<StreamMeta> streams() {
  auto m = [](std::string sym, std::string base, std::string tf, int64_t tf_ms) {
    return StreamMeta{sym, base, "USDT", tf, tf_ms, 20, -5.0, 5.0, 0.3};
  };
  return {m("BTCUSDT", "BTC", "1d", D), m("BTCUSDT", "BTC", "1h", H), m("ETHUSDT", "ETH", "1d", D)};
}

Book holding(Amount usdt, Amount btc) {
  Book b;
  b.quote = usdt;
  b.base["BTC"] = btc;
  return b;
}

// An order through the paper broker's rules, as the ledger would apply it.
struct Broker {
  storage::LedgerRules rules{10 * U, 0.001};
  Amount quote = 10'000 * U;
  std::map<std::string, Amount> base;
  OrderResult place(const std::string& symbol, const std::string& side, int64_t t, double price,
                    Amount spend = 0, const std::string& tf = "1d") {
    OrderRequest r;
    r.order_id = make_order_id("acct", t, symbol, tf, side);
    r.account = "acct";
    r.symbol = symbol;
    r.base = symbol.substr(0, 3);
    r.quote = "USDT";
    r.timeframe = tf;
    r.side = side;
    r.bar_open_time_ms = t - D;
    r.decided_at_ms = t;
    r.price = price;
    r.quote_amount = spend;
    OrderResult res = storage::evaluate_order(r, rules, quote, base[r.base]);
    if (res.filled) quote = res.quote_after, base[r.base] = res.base_after;
    return res;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(the_price_board_keeps_each_streams_latest_close) {
  ArbiterCore core(streams(), "acct");
  PriceBoard prices(core.stream_count());
  BOOST_TEST(!prices.latest(core, "BTCUSDT").has_value());
  prices.note({{0, D, 100}, {2, D, 10}, {7, 5 * D, 1}});  // stream 7 does not exist: ignored
  prices.note({{0, D - H, 90}});                          // older than what it has: ignored
  BOOST_TEST(prices.latest(core, "BTCUSDT")->price == 100);
  // The 1h stream's later close wins over the 1d's.
  prices.note({{1, D + 3 * H, 104}});
  BOOST_TEST(prices.latest(core, "BTCUSDT")->price == 104);
  BOOST_TEST(prices.latest(core, "BTCUSDT")->stream == 1u);
  BOOST_TEST(prices.latest(core, "ETHUSDT")->price == 10);
  BOOST_TEST(!prices.latest(core, "SOLUSDT").has_value());
}

BOOST_AUTO_TEST_CASE(a_close_sells_the_whole_position_at_the_latest_price_with_the_broker_rules) {
  ArbiterCore core(streams(), "acct");
  PriceBoard prices(core.stream_count());
  prices.note({{0, D, 20'000}, {1, D + 2 * H, 21'000.5}});
  const Amount held = 3 * U / 10 + 12'345;  // 0.30012345 BTC
  const Book book = holding(500 * U, held);

  auto order = plan_close(core, prices, book, {"BTCUSDT", kAt, D + 5 * H});
  BOOST_REQUIRE_MESSAGE(order.ok(), (order.ok() ? "" : order.error().message));
  BOOST_TEST(order->order_id == "acct:1700000000123:BTCUSDT:manual:SELL");
  BOOST_TEST(order->order_id == close_order_id("acct", "BTCUSDT", kAt));
  BOOST_TEST(order->order_id ==
             make_order_id("acct", order->bar_open_time_ms, order->symbol, order->timeframe, order->side));
  BOOST_TEST(order->side == kSell);
  BOOST_TEST(order->timeframe == kManualTimeframe);
  BOOST_TEST(order->account == "acct");
  BOOST_TEST(order->base == "BTC");
  BOOST_TEST(order->quote == "USDT");
  BOOST_TEST(order->price == 21'000.5);         // the 1h bar's, the latest
  BOOST_TEST(order->decided_at_ms == D + 5 * H);  // the node's now
  BOOST_TEST(order->reason.find("BTCUSDT 1h bar closed 1970-01-02 02:00Z") != std::string::npos);
  // Another request time: another order; the same one: the same id.
  BOOST_TEST(plan_close(core, prices, book, {"BTCUSDT", kAt + 1, 0}).value().order_id != order->order_id);
  BOOST_TEST(plan_close(core, prices, book, {"BTCUSDT", kAt, 0}).value().order_id == order->order_id);
  // A node clock behind the price (a restart's first check): the fill is not before its price.
  BOOST_TEST(plan_close(core, prices, book, {"BTCUSDT", kAt, D}).value().decided_at_ms == D + 2 * H);

  // Sold by the broker's rules: all of it, fee on the value.
  const storage::LedgerRules rules{10 * U, 0.001};
  const OrderResult r = storage::evaluate_order(*order, rules, book.quote, held);
  BOOST_REQUIRE(r.filled);
  BOOST_TEST(r.quantity == held);
  BOOST_TEST(r.value == value_at(held, 21'000.5));
  BOOST_TEST(r.value == 630'274'251'172);  // 0.30012345 x 21000.5 = 6302.742511725, floored
  BOOST_TEST(r.fee == r.value / 1000);
  BOOST_TEST(r.base_after == 0);
  BOOST_TEST(r.quote_after == book.quote + r.value - r.fee);

  const CloseBody body = close_body(r);
  BOOST_TEST(body.message == "sold 0.30012345 BTC (BTCUSDT) at 21000.5 for 6302.74251172 USDT (fee "
                             "6.30274251); 6796.43976921 USDT free");
  BOOST_TEST(body.quantity == "0.30012345");
  BOOST_TEST(body.quote_after == "6796.43976921");
  BOOST_TEST(!body.duplicate);
  OrderResult again = r;
  again.duplicate = true;
  BOOST_TEST(close_body(again).message.rfind("already done by this request (order acct:1700000000123:", 0) == 0);
  BOOST_TEST(close_body(again).duplicate);
}

BOOST_AUTO_TEST_CASE(a_close_that_cannot_be_placed_says_why) {
  ArbiterCore core(streams(), "acct");
  PriceBoard prices(core.stream_count());
  const Book book = holding(500 * U, U);

  auto unknown = plan_close(core, prices, book, {"DOGEUSDT", kAt, 0});
  BOOST_REQUIRE(!unknown.ok());
  BOOST_TEST(unknown.error().code == Errc::not_found);
  BOOST_TEST(unknown.error().message == "unknown symbol DOGEUSDT (the watchlist has BTCUSDT, ETHUSDT)");

  auto no_price = plan_close(core, prices, book, {"BTCUSDT", kAt, 0});
  BOOST_REQUIRE(!no_price.ok());
  BOOST_TEST(no_price.error().code == Errc::busy);
  BOOST_TEST(no_price.error().message.rfind("no price yet for BTCUSDT", 0) == 0);

  prices.note({{2, D, 10}});
  auto flat = plan_close(core, prices, book, {"ETHUSDT", kAt, 0});  // holds BTC only
  BOOST_REQUIRE(!flat.ok());
  BOOST_TEST(flat.error().code == Errc::rejected);
  BOOST_TEST(flat.error().message == "no open position in ETHUSDT: nothing to close");

  // Rejected by the broker (a price that is not a price): the operator reads why.
  OrderResult rejected;
  rejected.request.symbol = "BTCUSDT";
  rejected.reject_reason = "invalid price";
  BOOST_TEST(describe_close(rejected) == "close of BTCUSDT rejected: invalid price");
}

BOOST_AUTO_TEST_CASE(trades_filter_cut_to_the_newest_and_give_each_sell_its_realised_pnl) {
  Broker b;
  std::vector<OrderResult> orders{
      b.place("BTCUSDT", kBuy, 1 * D, 100, 1000 * U),   // 10 BTC for 1000 + fee 1
      b.place("ETHUSDT", kBuy, 2 * D, 10, 500 * U),     // 50 ETH for 500 + fee 0.5
      b.place("BTCUSDT", kBuy, 3 * D, 200, 5 * U),      // below the minimum: failed
      b.place("BTCUSDT", kSell, 4 * D, 150, 0),         // 1500 - fee 1.5 - cost 1001
      b.place("ETHUSDT", kSell, 5 * D, 8, 0, "manual"), // 400 - fee 0.4 - cost 500.5
  };
  BOOST_REQUIRE(!orders[2].filled);

  auto all = trades_body(orders, TradesQuery{}, "USDT");
  BOOST_TEST(all.quote == "USDT");
  BOOST_TEST(all.matched == 5u);
  BOOST_REQUIRE(all.trades.size() == 5u);
  BOOST_TEST(all.trades[0].time_ms == D);
  BOOST_TEST(all.trades[0].side == "BUY");
  BOOST_TEST(all.trades[0].quantity == "10.00000000");
  BOOST_TEST(all.trades[0].fee == "1.00000000");
  BOOST_TEST(all.trades[0].realized_pnl.empty());  // a BUY realises nothing
  BOOST_TEST(all.trades[0].filled);
  BOOST_TEST(!all.trades[2].filled);
  BOOST_TEST(all.trades[2].reject_reason.rfind("below minimum trade value", 0) == 0);
  BOOST_TEST(all.trades[2].realized_pnl.empty());
  BOOST_TEST(all.trades[3].realized_pnl == "497.50000000");
  BOOST_TEST(all.trades[4].realized_pnl == "-100.90000000");
  BOOST_TEST(all.trades[4].timeframe == "manual");
  BOOST_TEST(all.trades[4].order_id == orders[4].request.order_id);

  // By symbol, from a time on: the SELL's P&L still counts the BUY before `since`.
  auto btc = trades_body(orders, {"BTCUSDT", 3 * D, 100}, "USDT");
  BOOST_TEST(btc.matched == 2u);
  BOOST_REQUIRE(btc.trades.size() == 2u);
  BOOST_TEST(btc.trades[1].realized_pnl == "497.50000000");

  // A limit keeps the newest, oldest first; matched tells how many there were.
  auto last2 = trades_body(orders, {"", 0, 2}, "USDT");
  BOOST_TEST(last2.matched == 5u);
  BOOST_REQUIRE(last2.trades.size() == 2u);
  BOOST_TEST(last2.trades[0].time_ms == 4 * D);
  BOOST_TEST(last2.trades[1].time_ms == 5 * D);

  BOOST_TEST(trades_body(orders, {"SOLUSDT", 0, 100}, "USDT").matched == 0u);
  BOOST_TEST(trades_body(orders, {"", 6 * D, 100}, "USDT").trades.empty());
  BOOST_TEST(trades_body({}, {}, "USDT").trades.empty());
}

BOOST_AUTO_TEST_CASE(balance_shows_free_quote_and_each_held_asset_at_its_last_price) {
  PortfolioCore core(streams(), "USDT", 10'000 * U, 6 * H, D);
  Broker b;
  core.apply_window({b.place("ETHUSDT", kBuy, D, 10, 500 * U), b.place("BTCUSDT", kBuy, D, 100, 1000 * U)},
                    {{0, 2 * D, 120}, {2, 2 * D, 12}}, 2 * D + 1, false);
  const BalanceBody bal = balance_body(core, "USDT");
  BOOST_TEST(bal.quote == "USDT");
  BOOST_TEST(bal.free_quote == "8498.50000000");  // 10000 - 1001 - 500.5
  BOOST_REQUIRE(bal.assets.size() == 3u);
  BOOST_TEST(bal.assets[0].asset == "USDT");
  BOOST_TEST(bal.assets[0].free == "8498.50000000");
  BOOST_TEST(bal.assets[0].in_positions == "0.00000000");
  BOOST_TEST(bal.assets[0].price == 1);
  BOOST_TEST(bal.assets[1].asset == "BTC");
  BOOST_TEST(bal.assets[1].free == "0.00000000");
  BOOST_TEST(bal.assets[1].in_positions == "10.00000000");
  BOOST_TEST(bal.assets[1].price == 120);
  BOOST_TEST(bal.assets[1].value == "1200.00000000");
  BOOST_TEST(bal.assets[2].asset == "ETH");
  BOOST_TEST(bal.assets[2].value == "600.00000000");
  BOOST_TEST(bal.positions_value == "1800.00000000");
  BOOST_TEST(bal.total_value == "10298.50000000");
  BOOST_TEST(bal.total_value == format_amount(core.total_value()));

  // Sold out: the asset leaves the table, its value goes to the free quote.
  core.apply_fill(b.place("BTCUSDT", kSell, 3 * D, 120, 0));
  const BalanceBody after = balance_body(core, "USDT");
  BOOST_REQUIRE(after.assets.size() == 2u);
  BOOST_TEST(after.assets[1].asset == "ETH");
  BOOST_TEST(after.free_quote == "9697.30000000");  // + 1200 - fee 1.2
}
