#define BOOST_TEST_MODULE storage_ledger_import
// Ledger::import_history: a whole account written in one transaction, into
// an empty ledger only, and only when its history reconciles.
#include <boost/test/unit_test.hpp>

#include "messages/codec.hpp"
#include "messages/envelope.hpp"
#include "storage/reconcile.hpp"
#include "test_util.hpp"

using namespace tn;
using namespace tn::storage;
using tn::storage::test::open_store;
using tn::storage::test::TempDir;
using tn::storage::test::why;

namespace {

constexpr Amount kUnit = kAmountScale;

OrderResult fill(const std::string& id, const std::string& side, Amount qty, Amount value, Amount quote_after,
                 Amount base_after) {
  OrderResult r;
  r.request.order_id = id;
  r.request.account = "acct-1";
  r.request.symbol = "BTCUSDT";
  r.request.base = "BTC";
  r.request.quote = "USDT";
  r.request.side = side;
  r.request.price = 100;
  r.request.decided_at_ms = 1'709'251'200'000;
  r.filled = true;
  r.quantity = qty;
  r.value = value;
  r.quote_after = quote_after;
  r.base_after = base_after;
  return r;
}

// 1000 USDT, BUY 2 BTC for 200, SELL 1 for 100: 900 USDT and 1 BTC.
LedgerImport plan() {
  LedgerImport p;
  p.account = "acct-1";
  p.quote = "USDT";
  p.starting_capital = 1000 * kUnit;
  p.history.emplace_back(EventLog::Draft{"import.transaction", encode(std::string("deposit")), 5});
  p.history.emplace_back(fill("sqlite:1", kBuy, 2 * kUnit, 200 * kUnit, 800 * kUnit, 2 * kUnit));
  p.history.emplace_back(fill("sqlite:2", kSell, kUnit, 100 * kUnit, 900 * kUnit, kUnit));
  p.balances = {{"USDT", 900 * kUnit}, {"BTC", kUnit}};
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_import_writes_the_account_its_journal_and_events_that_verify) {
  TempDir t;
  auto s = open_store(t.path);
  Status st = s->ledger().import_history(plan());
  BOOST_REQUIRE_MESSAGE(st.ok(), why(st));
  BOOST_TEST(s->ledger().starting_capital("acct-1").value() == 1000 * kUnit);
  BOOST_TEST(s->ledger().balance("acct-1", "BTC").value() == kUnit);
  auto orders = s->ledger().orders("acct-1").value();
  BOOST_REQUIRE_EQUAL(orders.size(), 2u);
  BOOST_TEST(orders[0].event_seq == 2u);  // the draft is seq 1
  BOOST_TEST(orders[1].event_seq == 3u);
  BOOST_TEST(s->ledger().find_order("sqlite:2").value()->value == 100 * kUnit);
  auto events = s->events().read_from(1, 10).value();
  BOOST_REQUIRE_EQUAL(events.size(), 3u);
  auto second = decode_envelope(events[1].second).value();
  BOOST_TEST(second.header.type == "trade.fill");
  BOOST_TEST(second.header.ts_ns == 1'709'251'200'000'000'000);  // the order's time
  BOOST_TEST(second.body.get().as<TradeEvent>().order_id == "sqlite:1");
  auto rec = reconcile(s->ledger(), "acct-1").value();
  BOOST_TEST(rec.ok);
  BOOST_TEST(rec.fills == 2u);
  BOOST_TEST(s->events().verify_chain().value().ok);
}

BOOST_AUTO_TEST_CASE(a_second_import_is_refused_and_changes_nothing) {
  TempDir t;
  auto s = open_store(t.path);
  BOOST_REQUIRE(s->ledger().import_history(plan()).ok());
  LedgerImport other = plan();
  other.account = "acct-2";  // another account, still not an empty ledger
  for (auto& e : other.history)
    if (auto* o = std::get_if<OrderResult>(&e)) o->request.account = "acct-2", o->request.order_id += "b";
  Status again = s->ledger().import_history(other);
  BOOST_REQUIRE(!again.ok());
  BOOST_TEST((again.error().code == Errc::invalid_input));
  BOOST_TEST(again.error().message.find("is not empty") != std::string::npos, again.error().message);
  BOOST_TEST(s->events().last_seq().value() == 3u);
  BOOST_TEST(!s->ledger().starting_capital("acct-2").ok());
  BOOST_TEST(!s->ledger().import_history(plan()).ok());  // the same import twice
  BOOST_TEST(s->ledger().orders("acct-1").value().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_ledger_a_node_has_used_is_not_empty) {
  TempDir t;
  auto s = open_store(t.path);
  BOOST_REQUIRE(s->ledger().init_account("acct-9", "USDT", 10 * kUnit).ok());
  BOOST_TEST(!s->ledger().import_history(plan()).ok());
  TempDir t2;
  auto s2 = open_store(t2.path);
  BOOST_REQUIRE(s2->events().append({"node.start", encode(std::string("x")), 1}).ok());
  Status st = s2->ledger().import_history(plan());
  BOOST_REQUIRE(!st.ok());
  BOOST_TEST(st.error().message.find("(it has events)") != std::string::npos, st.error().message);
}

BOOST_AUTO_TEST_CASE(a_history_that_does_not_reconcile_is_refused_before_anything_is_written) {
  TempDir t;
  auto s = open_store(t.path);
  LedgerImport p = plan();
  p.balances["BTC"] = 2 * kUnit;  // the orders leave 1
  Status st = s->ledger().import_history(p);
  BOOST_REQUIRE(!st.ok());
  BOOST_TEST(st.error().message.find("does not reconcile") != std::string::npos, st.error().message);
  BOOST_TEST(st.error().message.find("balance BTC is 2.00000000, the order history gives 1.00000000") !=
                 std::string::npos,
             st.error().message);
  p = plan();
  std::get<OrderResult>(p.history[2]).request.order_id = "sqlite:1";  // journaled twice
  BOOST_TEST(!s->ledger().import_history(p).ok());
  p = plan();
  std::get<OrderResult>(p.history[1]).request.account = "acct-2";
  BOOST_TEST(!s->ledger().import_history(p).ok());
  BOOST_TEST(s->events().last_seq().value() == 0u);
  BOOST_TEST(!s->ledger().starting_capital("acct-1").ok());
  BOOST_TEST(s->ledger().import_history(plan()).ok());  // and the ledger is still empty
}
