// The daemon's account mapped onto the ledger (migrate/daemon_import.hpp):
// costs from BUY orders, statuses, time order, opening entries, the
// reconciliation the ledger will check, and each bad row named.
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <functional>

#include "common/time.hpp"
#include "messages/codec.hpp"
#include "migrate/daemon_import.hpp"
#include "storage/reconcile.hpp"

using namespace tn;
using namespace tn::migrate;

namespace {

constexpr Amount kUnit = kAmountScale;

Cell c(const std::string& text) { return {false, text}; }

// An orders row; created_at is 2024-03-01 at hour `hour`.
DaemonOrder order(const std::string& id, const std::string& side, const std::string& qty,
                  const std::string& price, int hour, const std::string& status = "FILLED",
                  const std::string& symbol = "BTCUSDT") {
  char t[32];
  std::snprintf(t, sizeof t, "2024-03-01 %02d:00:00", hour);
  return {c(id), c(symbol), c(side), c("MARKET"), c(qty), price.empty() ? Cell{} : c(price), c(status), c(t)};
}

DaemonBalance balance(const std::string& currency, const std::string& available, const std::string& reserved = "0") {
  return {c(currency), c(available), c(reserved)};
}

DaemonAccount account(std::vector<DaemonBalance> b, std::vector<DaemonOrder> o, std::vector<DaemonTransaction> t = {}) {
  return {"acct-1", std::move(b), std::move(o), std::move(t)};
}

ImportPlan plan_of(const DaemonAccount& a) {
  auto p = plan_import(a, {"USDT", "daemon.sqlite", 1'800'000'000'000});
  BOOST_REQUIRE_MESSAGE(p.ok(), (p.ok() ? std::string() : p.error().message));
  return std::move(*p);
}

std::string refusal(const DaemonAccount& a) {
  auto p = plan_import(a, {"USDT", "daemon.sqlite", 0});
  BOOST_REQUIRE_MESSAGE(!p.ok(), "imported what should be refused");
  return p.error().message;
}

std::vector<OrderResult> journal(const ImportPlan& p) {
  std::vector<OrderResult> out;
  for (const auto& e : p.ledger.history)
    if (const auto* o = std::get_if<OrderResult>(&e)) out.push_back(*o);
  return out;
}

// What `traderctl verify` will say of the ledger the plan writes.
void require_reconciles(const ImportPlan& p) {
  storage::LedgerSnapshot snap{p.ledger.starting_capital, journal(p), p.ledger.balances};
  const storage::Reconciliation r = storage::reconcile(snap);
  std::string problems;
  for (const auto& line : r.problems) problems += line + "\n";
  BOOST_REQUIRE_MESSAGE(r.ok, problems);
}

const ImportedHolding* holding(const ImportPlan& p, const std::string& asset) {
  for (const auto& h : p.summary.holdings)
    if (h.asset == asset) return &h;
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_positions_cost_is_the_average_of_its_buys_since_the_last_full_sell) {
  // BUY 1 @100, BUY 1 @200, SELL all @300 (cost back to 0), BUY 1 @400,
  // BUY 1 @600, SELL half @700: 1 BTC left at the average 500.
  const auto plan = plan_of(account({balance("USDT", "1000"), balance("BTC", "1")},
                                    {order("1", "BUY", "1", "100", 1), order("2", "BUY", "1", "200", 2),
                                     order("3", "SELL", "2", "300", 3), order("4", "BUY", "1", "400", 4),
                                     order("5", "BUY", "1", "600", 5), order("6", "SELL", "1", "700", 6)}));
  require_reconciles(plan);
  const auto j = journal(plan);
  BOOST_REQUIRE_EQUAL(j.size(), 6u);  // nothing held before the first order: no opening entry
  for (size_t i = 0; i < j.size(); ++i) {
    BOOST_TEST(j[i].request.order_id == "sqlite:" + std::to_string(i + 1));
    BOOST_TEST(j[i].filled);
    BOOST_TEST(j[i].fee == 0);
  }
  BOOST_TEST(j[2].quantity == 2 * kUnit);
  BOOST_TEST(j[2].value == 600 * kUnit);
  BOOST_TEST(plan.ledger.starting_capital == 1000 * kUnit);  // the orders' net quote flow is 0
  BOOST_TEST(j.back().quote_after == 1000 * kUnit);
  BOOST_TEST(j.back().base_after == 1 * kUnit);
  BOOST_TEST((plan.ledger.balances == std::map<std::string, Amount>{{"BTC", kUnit}, {"USDT", 1000 * kUnit}}));
  const auto* btc = holding(plan, "BTC");
  BOOST_REQUIRE(btc);
  BOOST_TEST(btc->quantity == "1.00000000");
  BOOST_TEST(btc->cost == "500.00000000");
  BOOST_TEST(btc->cost_from == "buys");
  BOOST_TEST(plan.summary.fills == 6u);
  BOOST_TEST(plan.summary.opening_entries == 0u);
}

BOOST_AUTO_TEST_CASE(only_filled_orders_move_balances_and_the_others_keep_their_status) {
  const auto plan = plan_of(account(
      {balance("USDT", "900", "50"), balance("BTC", "1")},
      {order("1", "BUY", "1", "100", 1, "filled"), order("2", "BUY", "3", "100", 2, "CANCELLED"),
       order("3", "SELL", "1", "120", 3, "Rejected"), order("4", "BUY", "0.5", "", 4, "PENDING"),
       order("5", "BUY", "1", "100", 5, "expired"), order("6", "SELL", "1", "90", 6, "open")}));
  require_reconciles(plan);
  const auto j = journal(plan);
  BOOST_REQUIRE_EQUAL(j.size(), 6u);
  BOOST_TEST(j[0].filled);
  for (size_t i = 1; i < j.size(); ++i) {
    BOOST_TEST(!j[i].filled, j[i].request.order_id);
    BOOST_TEST(j[i].quantity == 0);
    BOOST_TEST(j[i].quote_after == j[0].quote_after);  // unchanged by it
  }
  BOOST_TEST(j[1].reject_reason == "not filled in the hourly daemon (CANCELLED)");
  BOOST_TEST(j[3].reject_reason == "open in the hourly daemon, not carried over (PENDING)");
  BOOST_TEST(j[3].request.price == 0);  // an open market order without a price
  BOOST_TEST(j[1].request.reason.find("order 2 (MARKET, CANCELLED, quantity 3.00000000)") != std::string::npos,
             j[1].request.reason);
  // What the daemon reserved for its open orders is the account's again.
  BOOST_TEST(plan.ledger.balances.at("USDT") == 950 * kUnit);
  BOOST_TEST(plan.ledger.starting_capital == 1050 * kUnit);
  BOOST_TEST(plan.summary.orders == 6u);
  BOOST_TEST(plan.summary.fills == 1u);
}

BOOST_AUTO_TEST_CASE(orders_are_journaled_in_time_order_whatever_their_timestamp_format) {
  auto rows = account({balance("USDT", "100"), balance("BTC", "3")},
                      {order("10", "BUY", "1", "50", 3), order("9", "BUY", "1", "50", 5), order("11", "BUY", "1", "1", 1)});
  rows.orders[0].created_at = c("2024-03-01T02:00:00.500000");  // between 11 and 9
  rows.orders[2].created_at = c("2024-03-01T02:00:00.500+00:00");  // the same instant: id order
  rows.orders[2].price = c("50");
  rows.orders[2].symbol = c("btc/usdt");  // read as BTCUSDT
  const auto plan = plan_of(rows);
  const auto j = journal(plan);
  BOOST_REQUIRE_EQUAL(j.size(), 3u);
  BOOST_TEST(j[0].request.order_id == "sqlite:10");  // 10 before 11 at the same time: numerically
  BOOST_TEST(j[1].request.order_id == "sqlite:11");
  BOOST_TEST(j[2].request.order_id == "sqlite:9");
  BOOST_TEST(j[1].request.symbol == "BTCUSDT");
  BOOST_TEST(j[0].request.decided_at_ms == 1709251200000 + 2 * kHourMs + 500);
  require_reconciles(plan);
}

BOOST_AUTO_TEST_CASE(holdings_before_the_first_order_open_at_the_first_recorded_price) {
  // BTC: 2 held, 1 bought in the history: 1 held before, priced at the
  // first price recorded for BTCUSDT (80, a cancelled order's). ETH: held,
  // never traded: cost unknown (price 0). SOL: a balance of 0, no entry.
  const auto plan = plan_of(account({balance("USDT", "500"), balance("BTC", "2"), balance("ETH", "3"), balance("SOL", "0")},
                                    {order("1", "BUY", "5", "80", 1, "CANCELLED"), order("2", "BUY", "1", "100", 2)}));
  require_reconciles(plan);
  const auto j = journal(plan);
  BOOST_REQUIRE_EQUAL(j.size(), 4u);
  BOOST_TEST(j[0].request.order_id == "sqlite:opening:BTC");
  BOOST_TEST(j[0].request.side == "BUY");
  BOOST_TEST(j[0].quantity == kUnit);
  BOOST_TEST(j[0].request.price == 80);
  BOOST_TEST(j[0].value == 80 * kUnit);
  BOOST_TEST(j[1].request.order_id == "sqlite:opening:ETH");
  BOOST_TEST(j[1].value == 0);
  BOOST_TEST(j[1].request.reason.find("cost unknown") != std::string::npos);
  BOOST_TEST(j[0].request.decided_at_ms == j[2].request.decided_at_ms);  // at the first recorded time
  // The capital pays for the opening holdings: 500 + 100 (the BUY) + 80.
  BOOST_TEST(plan.ledger.starting_capital == 680 * kUnit);
  BOOST_TEST(!plan.ledger.balances.count("SOL"));
  BOOST_TEST(holding(plan, "BTC")->cost == "180.00000000");
  BOOST_TEST(holding(plan, "BTC")->cost_from.find("buys, and units held before the first order") == 0u);
  BOOST_TEST(holding(plan, "ETH")->cost == "0.00000000");
  BOOST_TEST(holding(plan, "ETH")->cost_from.find("unknown") == 0u);
  BOOST_TEST(plan.summary.opening_entries == 2u);
  BOOST_TEST(plan.summary.fills == 1u);
}

BOOST_AUTO_TEST_CASE(quote_lost_outside_the_orders_is_the_fee_of_the_last_fill) {
  // The daemon charged fees into its balance only: 50 USDT left although
  // BUY 1 @100 then SELL 1 @100 needs 100 at the start and gives it back.
  const auto plan = plan_of(account({balance("USDT", "50")},
                                    {order("1", "BUY", "1", "100", 1), order("2", "SELL", "1", "100", 2)}));
  require_reconciles(plan);
  const auto j = journal(plan);
  BOOST_REQUIRE_EQUAL(j.size(), 2u);
  BOOST_TEST(plan.ledger.starting_capital == 100 * kUnit);
  BOOST_TEST(j[0].fee == 0);
  BOOST_TEST(j[1].fee == 50 * kUnit);
  BOOST_TEST(j[1].quote_after == 50 * kUnit);
  BOOST_TEST(j[1].request.reason.find("fee 50.00000000") != std::string::npos, j[1].request.reason);
}

BOOST_AUTO_TEST_CASE(a_base_asset_the_orders_cannot_explain_is_refused) {
  // Bought 2 BTC, holds 1, never sold: 1 BTC left without an order.
  const std::string why = refusal(account({balance("USDT", "1000"), balance("BTC", "1")},
                                          {order("1", "BUY", "2", "100", 1)}));
  BOOST_TEST(why.find("orders and balances disagree on BTC") != std::string::npos, why);
  // Sold 2 then bought 2, holds 1: it held 1 before, the SELL needs 2.
  const std::string why2 = refusal(account({balance("USDT", "1000"), balance("BTC", "1")},
                                           {order("1", "SELL", "2", "100", 1), order("2", "BUY", "2", "100", 2)}));
  BOOST_TEST(why2.find("leaves 1.00000000 before the first order, but order 1 needs at least 2.00000000") !=
                 std::string::npos,
             why2);
}

BOOST_AUTO_TEST_CASE(transactions_are_kept_as_events_in_time_order_with_a_summary_last) {
  auto rows = account({balance("USDT", "900"), balance("BTC", "1")}, {order("1", "BUY", "1", "100", 2)},
                      {{c("1"), c("deposit"), c("1000"), c("usdt"), c("initial"), c("2024-03-01 01:00:00")},
                       {c("2"), c("buy"), c("-100"), c("USDT"), Cell{}, c("2024-03-01T02:00:00")},
                       {c("3"), c("fee"), c("-0.1"), c("USDT"), c("order 1"), c("2024-03-01T03:00:00Z")}});
  const auto plan = plan_of(rows);
  const auto& h = plan.ledger.history;
  BOOST_REQUIRE_EQUAL(h.size(), 5u);
  auto draft = [&](size_t i) { return std::get<storage::EventLog::Draft>(h.at(i)); };
  BOOST_TEST(draft(0).type == "import.transaction");
  BOOST_TEST(std::holds_alternative<OrderResult>(h[1]));  // the order before a transaction of its time
  BOOST_TEST(draft(2).type == "import.transaction");
  BOOST_TEST(draft(4).type == "import.summary");
  BOOST_TEST(draft(4).ts_ns == 1'800'000'000'000'000'000);  // the import's time
  auto t = decode<ImportTransactionEvent>(draft(0).body).value();
  BOOST_TEST(t.ref == "sqlite:1");
  BOOST_TEST(t.currency == "USDT");
  BOOST_TEST(t.amount == "1000.00000000");
  BOOST_TEST(t.time_ms == 1709251200000 + kHourMs);
  BOOST_TEST(decode<ImportTransactionEvent>(draft(3).body).value().amount == "-0.10000000");
  auto s = decode<ImportSummaryEvent>(draft(4).body).value();
  BOOST_TEST(s.transactions == 3u);
  BOOST_TEST(s.source == "daemon.sqlite");
  BOOST_TEST(s.quote_balance == "900.00000000");
}

BOOST_AUTO_TEST_CASE(each_bad_row_is_named_by_table_and_id) {
  const std::vector<DaemonBalance> ok_balances{balance("USDT", "1000")};
  struct Case {
    std::function<void(DaemonAccount&)> spoil;
    std::vector<std::string> said;
  };
  const std::vector<Case> cases{
      {[](DaemonAccount& a) { a.orders[1].side = c("HOLD"); }, {"orders id 7: side 'HOLD' is not BUY or SELL"}},
      {[](DaemonAccount& a) { a.orders[1].quantity = c("lots"); }, {"orders id 7: quantity 'lots' is not a number"}},
      {[](DaemonAccount& a) { a.orders[1].status = c("MAYBE"); }, {"orders id 7: status 'MAYBE' is not a status"}},
      {[](DaemonAccount& a) { a.orders[1].created_at = c("01/03/2024 12:00"); },
       {"orders id 7: created_at '01/03/2024 12:00' is not an ISO-8601"}},
      {[](DaemonAccount& a) { a.orders[1].created_at = c("1709294400"); }, {"orders id 7: created_at '1709294400'"}},
      {[](DaemonAccount& a) { a.orders[1].price = c("abc"); }, {"orders id 7: price 'abc' is not a number"}},
      {[](DaemonAccount& a) { a.orders[1].price = Cell{}; }, {"orders id 7: price of a filled order must be above 0"}},
      {[](DaemonAccount& a) { a.orders[1].quantity = c("-1"); }, {"orders id 7: quantity is negative"}},
      {[](DaemonAccount& a) { a.orders[1].symbol = c("ETHBTC"); }, {"orders id 7: symbol 'ETHBTC' is not quoted in USDT"}},
      {[](DaemonAccount& a) { a.orders[1].side = Cell{}; }, {"orders id 7: side is empty"}},
      {[](DaemonAccount& a) { a.orders[1].symbol = c("USDTUSDT"); }, {"orders id 7: symbol 'USDTUSDT' trades USDT against itself"}},
      {[](DaemonAccount& a) { a.orders[1].id = Cell{}; }, {"orders row 2: id is empty"}},
      {[](DaemonAccount& a) { a.orders[1].id = c("3"); }, {"orders id 3 appears twice"}},
      {[](DaemonAccount& a) { a.transactions[0].amount = c("ten"); }, {"transactions id 4: amount 'ten' is not a number"}},
      {[](DaemonAccount& a) { a.transactions[0].created_at = c("yesterday"); }, {"transactions id 4: created_at 'yesterday'"}},
      {[](DaemonAccount& a) { a.transactions[0].currency = Cell{}; }, {"transactions id 4: currency is empty"}},
      {[](DaemonAccount& a) { a.balances[1].available_amount = c("-5"); },
       {"balances currency 'SOL': available_amount is negative (-5)"}},
      {[](DaemonAccount& a) { a.balances[1].reserved_amount = c("-0.1"); }, {"balances currency 'SOL': reserved_amount is negative"}},
      {[](DaemonAccount& a) { a.balances[1].available_amount = c("x"); }, {"balances currency 'SOL': available_amount 'x' is not a number"}},
      {[](DaemonAccount& a) { a.balances[1].currency = c("usdt"); }, {"balances currency 'usdt' appears twice"}},
  };
  for (const Case& k : cases) {
    DaemonAccount a = account({balance("USDT", "1000"), balance("SOL", "0")},
                              {order("3", "BUY", "1", "100", 1, "CANCELLED"), order("7", "SELL", "1", "100", 2, "REJECTED")},
                              {{c("4"), c("deposit"), c("1000"), c("USDT"), c(""), c("2024-03-01 00:00:00")}});
    BOOST_REQUIRE(plan_import(a, {}).ok());
    k.spoil(a);
    if (k.said[0].find("price of a filled") != std::string::npos) a.orders[1].status = c("FILLED");
    const std::string why = refusal(a);
    for (const auto& s : k.said) BOOST_TEST(why.find(s) != std::string::npos, "'" << why << "' lacks '" << s << "'");
  }
}
