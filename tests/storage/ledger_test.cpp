#define BOOST_TEST_MODULE storage_ledger
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>

#include "messages/codec.hpp"
#include "messages/envelope.hpp"
#include "messages/events.hpp"
#include "storage/paper_broker.hpp"
#include "test_util.hpp"

using namespace tn;
using namespace tn::storage;
using tn::storage::test::open_store;
using tn::storage::test::order;
using tn::storage::test::TempDir;
using tn::storage::test::why;

namespace {

constexpr Amount kUsdt = kAmountScale;  // 1 USDT in ledger units
const LedgerRules kRules{10 * kUsdt, 0.001};

TradeEvent event_at(Store& s, uint64_t seq, std::string* type = nullptr) {
  auto got = s.events().read_from(seq, 1);
  BOOST_REQUIRE(got.ok());
  BOOST_REQUIRE_EQUAL(got->size(), 1u);
  BOOST_REQUIRE_EQUAL((*got)[0].first, seq);
  auto env = decode_envelope((*got)[0].second);
  BOOST_REQUIRE_MESSAGE(env.ok(), why(env));
  BOOST_CHECK_EQUAL(env->header.seq, seq);
  if (type) *type = env->header.type;
  TradeEvent e;
  env->body.get().convert(e);
  return e;
}

}  // namespace

BOOST_AUTO_TEST_CASE(init_account_is_idempotent_and_records_starting_capital) {
  TempDir dir;
  auto s = open_store(dir.path);
  Ledger& l = s->ledger();
  BOOST_CHECK(l.init_account("acct", "USDT", 1000 * kUsdt).ok());
  BOOST_CHECK(l.init_account("acct", "USDT", 5 * kUsdt).ok());  // no change
  BOOST_CHECK_EQUAL(*l.balance("acct", "USDT"), 1000 * kUsdt);
  BOOST_CHECK_EQUAL(*l.starting_capital("acct"), 1000 * kUsdt);
  BOOST_CHECK_EQUAL(*l.balance("acct", "BTC"), 0);
  auto other_quote = l.init_account("acct", "EUR", 1);
  BOOST_CHECK(!other_quote.ok() && other_quote.error().code == Errc::invalid_input);
  auto unknown = l.starting_capital("nobody");
  BOOST_CHECK(!unknown.ok() && unknown.error().code == Errc::not_found);
  BOOST_CHECK(!l.init_account("", "USDT", 1).ok());
  BOOST_CHECK(!l.init_account(std::string("a\0b", 3), "USDT", 1).ok());
  BOOST_CHECK(!l.init_account("acct2", "USDT", -1).ok());
}

BOOST_AUTO_TEST_CASE(buy_then_sell_updates_balances_exactly) {
  TempDir dir;
  auto s = open_store(dir.path);
  Ledger& l = s->ledger();
  BOOST_REQUIRE(l.init_account("acct", "USDT", 1000 * kUsdt).ok());

  // BUY 100 USDT at 50000: fee 0.1 USDT, quantity 100e8 / 50000 = 200000 sat.
  auto buy = l.apply(order("acct", kBuy, 1000, 50000.0, 100 * kUsdt), kRules, 111);
  BOOST_REQUIRE_MESSAGE(buy.ok(), why(buy));
  BOOST_CHECK(buy->filled);
  BOOST_CHECK(!buy->duplicate);
  BOOST_CHECK_EQUAL(buy->quantity, 200'000);
  BOOST_CHECK_EQUAL(buy->value, 10'000'000'000);
  BOOST_CHECK_EQUAL(buy->fee, 10'000'000);
  BOOST_CHECK_EQUAL(buy->quote_after, 89'990'000'000);  // 1000 - 100 - 0.1
  BOOST_CHECK_EQUAL(buy->base_after, 200'000);
  BOOST_CHECK_EQUAL(buy->event_seq, 1u);
  BOOST_CHECK_EQUAL(*l.balance("acct", "USDT"), 89'990'000'000);
  BOOST_CHECK_EQUAL(*l.balance("acct", "BTC"), 200'000);

  // SELL all at 60000: value 200000 * 60000 = 120 USDT, fee 0.12 USDT.
  auto sell = l.apply(order("acct", kSell, 2000, 60000.0), kRules, 222);
  BOOST_REQUIRE(sell.ok());
  BOOST_CHECK(sell->filled);
  BOOST_CHECK_EQUAL(sell->quantity, 200'000);
  BOOST_CHECK_EQUAL(sell->value, 12'000'000'000);
  BOOST_CHECK_EQUAL(sell->fee, 12'000'000);
  BOOST_CHECK_EQUAL(sell->quote_after, 101'978'000'000);  // 899.9 + 120 - 0.12
  BOOST_CHECK_EQUAL(sell->base_after, 0);
  BOOST_CHECK_EQUAL(sell->event_seq, 2u);

  auto all = l.balances("acct");
  BOOST_REQUIRE(all.ok());
  BOOST_CHECK_EQUAL(all->size(), 2u);
  BOOST_CHECK_EQUAL(all->at("USDT"), 101'978'000'000);
  BOOST_CHECK_EQUAL(all->at("BTC"), 0);

  // The events carry the same numbers as decimals.
  std::string type;
  TradeEvent e = event_at(*s, 1, &type);
  BOOST_CHECK_EQUAL(type, topic::trade_fill);
  BOOST_CHECK_EQUAL(e.order_id, buy->request.order_id);
  BOOST_CHECK_EQUAL(e.side, "BUY");
  BOOST_CHECK_EQUAL(e.quantity, "0.00200000");
  BOOST_CHECK_EQUAL(e.value, "100.00000000");
  BOOST_CHECK_EQUAL(e.fee, "0.10000000");
  BOOST_CHECK_EQUAL(e.quote_after, "899.90000000");
  BOOST_CHECK_EQUAL(e.base_after, "0.00200000");
  BOOST_CHECK_EQUAL(e.reject_reason, "");
  e = event_at(*s, 2);
  BOOST_CHECK_EQUAL(e.quote_after, "1019.78000000");
  BOOST_CHECK_EQUAL(e.fee, "0.12000000");
}

BOOST_AUTO_TEST_CASE(rounding_always_goes_down) {
  TempDir dir;
  auto s = open_store(dir.path);
  Ledger& l = s->ledger();
  BOOST_REQUIRE(l.init_account("acct", "USDT", 1000 * kUsdt).ok());
  const LedgerRules no_fee{10 * kUsdt, 0.0};
  // 100e8 / 30000 = 333333.33 -> 333333 sat; selling them back at 30000 gives
  // 9999990000, so 0.0001 USDT is lost to rounding, never created.
  auto buy = l.apply(order("acct", kBuy, 1, 30000.0, 100 * kUsdt), no_fee, 1);
  BOOST_REQUIRE(buy.ok());
  BOOST_CHECK_EQUAL(buy->quantity, 333'333);
  BOOST_CHECK_EQUAL(buy->fee, 0);
  auto sell = l.apply(order("acct", kSell, 2, 30000.0), no_fee, 2);
  BOOST_REQUIRE(sell.ok());
  BOOST_CHECK_EQUAL(sell->value, 9'999'990'000);
  BOOST_CHECK_EQUAL(*l.balance("acct", "USDT"), 99'999'990'000);
}

BOOST_AUTO_TEST_CASE(same_order_twice_is_a_no_op_returning_the_first_result) {
  TempDir dir;
  auto s = open_store(dir.path);
  Ledger& l = s->ledger();
  BOOST_REQUIRE(l.init_account("acct", "USDT", 1000 * kUsdt).ok());
  const auto req = order("acct", kBuy, 1000, 50000.0, 100 * kUsdt);
  auto first = l.apply(req, kRules, 1);
  BOOST_REQUIRE(first.ok());
  // A different price/amount under the same id must not matter: the id decides.
  auto again_req = req;
  again_req.price = 1.0;
  auto second = l.apply(again_req, kRules, 2);
  BOOST_REQUIRE(second.ok());
  BOOST_CHECK(second->duplicate);
  BOOST_CHECK(second->filled);
  BOOST_CHECK_EQUAL(second->request.price, 50000.0);
  BOOST_CHECK_EQUAL(second->quantity, first->quantity);
  BOOST_CHECK_EQUAL(second->quote_after, first->quote_after);
  BOOST_CHECK_EQUAL(second->event_seq, first->event_seq);
  BOOST_CHECK_EQUAL(*s->events().last_seq(), 1u);
  BOOST_CHECK_EQUAL(l.orders("acct")->size(), 1u);
  BOOST_CHECK_EQUAL(*l.balance("acct", "USDT"), 89'990'000'000);
  BOOST_CHECK_EQUAL(*l.balance("acct", "BTC"), 200'000);
  auto found = l.find_order(req.order_id);
  BOOST_REQUIRE(found.ok() && found->has_value());
  BOOST_CHECK(!(*found)->duplicate);  // stored as applied
  BOOST_CHECK(!l.find_order("no such id")->has_value());

  // Still a duplicate after a restart.
  s.reset();
  s = open_store(dir.path);
  auto third = s->ledger().apply(req, kRules, 3);
  BOOST_REQUIRE(third.ok());
  BOOST_CHECK(third->duplicate);
  BOOST_CHECK_EQUAL(*s->events().last_seq(), 1u);
}

BOOST_AUTO_TEST_CASE(events_before_an_order_share_its_transaction_and_its_idempotence) {
  TempDir dir;
  auto s = open_store(dir.path);
  Ledger& l = s->ledger();
  BOOST_REQUIRE(l.init_account("acct", "USDT", 1000 * kUsdt).ok());
  const std::vector<EventLog::Draft> signals{{"signal.buy", encode(SignalEvent{}), 7},
                                             {"signal.dropped", encode(SignalEvent{}), 7}};
  const auto req = order("acct", kBuy, 1000, 50000.0, 100 * kUsdt);
  auto first = l.apply(req, kRules, 9, signals);
  BOOST_REQUIRE_MESSAGE(first.ok(), why(first));
  // The signals come right before the trade event, in the order given.
  BOOST_CHECK_EQUAL(first->event_seq, 3u);
  std::string type;
  (void)event_at(*s, 3, &type);
  BOOST_CHECK_EQUAL(type, "trade.fill");
  auto logged = s->events().read_from(1, 10);
  BOOST_REQUIRE(logged.ok());
  BOOST_REQUIRE_EQUAL(logged->size(), 3u);
  BOOST_CHECK_EQUAL(decode_envelope((*logged)[0].second)->header.type, "signal.buy");
  BOOST_CHECK_EQUAL(decode_envelope((*logged)[1].second)->header.type, "signal.dropped");
  // The same order again (a restart re-deciding its instant): nothing new,
  // neither the trade nor its signals.
  auto again = l.apply(req, kRules, 9, signals);
  BOOST_REQUIRE(again.ok());
  BOOST_CHECK(again->duplicate);
  BOOST_CHECK_EQUAL(*s->events().last_seq(), 3u);
  // A draft the log refuses fails the whole order: no trade, no signal.
  const auto req2 = order("acct", kBuy, 2000, 50000.0, 100 * kUsdt);
  auto bad = l.apply(req2, kRules, 10, {{"", "x", 1}});
  BOOST_CHECK(!bad.ok());
  BOOST_CHECK_EQUAL(*s->events().last_seq(), 3u);
  BOOST_CHECK(!l.find_order(req2.order_id)->has_value());
  BOOST_CHECK_EQUAL(l.orders("acct")->size(), 1u);
}

BOOST_AUTO_TEST_CASE(rejections_are_recorded_with_their_event_and_idempotent) {
  TempDir dir;
  auto s = open_store(dir.path);
  Ledger& l = s->ledger();
  BOOST_REQUIRE(l.init_account("acct", "USDT", 1000 * kUsdt).ok());
  struct Case {
    OrderRequest req;
    std::string reason;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<Case> cases = {
      {order("acct", kBuy, 1, 50000.0, 5 * kUsdt),
       "below minimum trade value (5.00000000 < 10.00000000 USDT)"},
      {order("acct", kBuy, 2, 50000.0, 1000 * kUsdt),  // + 1 USDT fee
       "insufficient balance (need 1001.00000000, have 1000.00000000 USDT)"},
      {order("acct", kSell, 3, 50000.0), "no position in BTC"},
      {order("acct", kBuy, 4, nan, 100 * kUsdt), "invalid price"},
      {order("acct", kBuy, 5, 0.0, 100 * kUsdt), "invalid price"},
      {order("acct", kSell, 6, -3.0), "invalid price"},
      {order("acct", kBuy, 7, inf, 100 * kUsdt), "invalid price"},
      {order("acct", kBuy, 8, 1e13, 10 * kUsdt), "quantity rounds to zero"},
  };
  uint64_t seq = 0;
  for (const auto& c : cases) {
    ++seq;
    auto r = l.apply(c.req, kRules, 10);
    BOOST_REQUIRE_MESSAGE(r.ok(), why(r));
    BOOST_CHECK(!r->filled);
    BOOST_CHECK_EQUAL(r->reject_reason, c.reason);
    BOOST_CHECK_EQUAL(r->event_seq, seq);
    BOOST_CHECK_EQUAL(r->quantity, 0);
    BOOST_CHECK_EQUAL(r->quote_after, 1000 * kUsdt);
    std::string type;
    TradeEvent e = event_at(*s, seq, &type);
    BOOST_CHECK_EQUAL(type, topic::trade_rejected);
    BOOST_CHECK_EQUAL(e.reject_reason, c.reason);
    BOOST_CHECK_EQUAL(e.order_id, c.req.order_id);
    // Replaying gives the same rejection and writes nothing.
    auto again = l.apply(c.req, kRules, 11);
    BOOST_REQUIRE(again.ok());
    BOOST_CHECK(again->duplicate);
    BOOST_CHECK_EQUAL(again->reject_reason, c.reason);
    BOOST_CHECK_EQUAL(*s->events().last_seq(), seq);
  }
  BOOST_CHECK_EQUAL(*l.balance("acct", "USDT"), 1000 * kUsdt);
  BOOST_CHECK_EQUAL(*l.balance("acct", "BTC"), 0);
  auto orders = l.orders("acct");
  BOOST_REQUIRE(orders.ok());
  BOOST_REQUIRE_EQUAL(orders->size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i)
    BOOST_CHECK_EQUAL((*orders)[i].request.order_id, cases[i].req.order_id);
}

BOOST_AUTO_TEST_CASE(orders_come_back_in_applied_order_per_account) {
  TempDir dir;
  auto s = open_store(dir.path);
  Ledger& l = s->ledger();
  BOOST_REQUIRE(l.init_account("a", "USDT", 1000 * kUsdt).ok());
  BOOST_REQUIRE(l.init_account("ab", "USDT", 1000 * kUsdt).ok());  // "a" is its prefix
  // Bar times deliberately out of order: the journal keeps application order.
  const int64_t bars[] = {500, 100, 300};
  for (int64_t b : bars) {
    BOOST_REQUIRE(l.apply(order("a", kBuy, b, 100.0, 20 * kUsdt), kRules, b).ok());
    BOOST_REQUIRE(l.apply(order("ab", kBuy, b, 100.0, 20 * kUsdt), kRules, b).ok());
  }
  for (const char* acct : {"a", "ab"}) {
    auto o = l.orders(acct);
    BOOST_REQUIRE(o.ok());
    BOOST_REQUIRE_EQUAL(o->size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
      BOOST_CHECK_EQUAL((*o)[i].request.account, acct);
      BOOST_CHECK_EQUAL((*o)[i].request.bar_open_time_ms, bars[i]);
    }
  }
  BOOST_CHECK(l.orders("nobody")->empty());
  BOOST_CHECK_EQUAL(l.balances("a")->size(), 2u);
  BOOST_CHECK(l.balances("nobody")->empty());
}

BOOST_AUTO_TEST_CASE(malformed_requests_and_rules_are_errors_and_store_nothing) {
  TempDir dir;
  auto s = open_store(dir.path);
  Ledger& l = s->ledger();
  BOOST_REQUIRE(l.init_account("acct", "USDT", 1000 * kUsdt).ok());
  auto no_id = order("acct", kBuy, 1, 100.0, 20 * kUsdt);
  no_id.order_id.clear();
  auto same_assets = order("acct", kBuy, 2, 100.0, 20 * kUsdt);
  same_assets.base = "USDT";
  for (const auto& req : {no_id, same_assets}) {
    auto r = l.apply(req, kRules, 1);
    BOOST_REQUIRE(!r.ok());
    BOOST_CHECK(r.error().code == Errc::invalid_input);
  }
  for (double bad_fee : {-0.1, 1.0, std::nan("")}) {
    auto r = l.apply(order("acct", kBuy, 3, 100.0, 20 * kUsdt), LedgerRules{0, bad_fee}, 1);
    BOOST_REQUIRE(!r.ok());
    BOOST_CHECK(r.error().code == Errc::invalid_input);
  }
  BOOST_CHECK_EQUAL(*s->events().last_seq(), 0u);
  BOOST_CHECK(l.orders("acct")->empty());
  // An unknown side has an id: it is recorded as a rejection.
  auto odd = order("acct", "HOLD", 4, 100.0, 20 * kUsdt);
  auto r = l.apply(odd, kRules, 1);
  BOOST_REQUIRE(r.ok());
  BOOST_CHECK_EQUAL(r->reject_reason, "unknown side 'HOLD'");
}

BOOST_AUTO_TEST_CASE(fee_math_is_integer_and_rounds_down) {
  BOOST_CHECK_EQUAL(fee_for(100, 0.7), 70);  // 100 * 0.7 in double is 69.999...
  BOOST_CHECK_EQUAL(fee_for(999, 0.001), 0);
  BOOST_CHECK_EQUAL(fee_for(1000, 0.001), 1);
  BOOST_CHECK_EQUAL(fee_for(10'000'000'000, 0.00075), 7'500'000);
  BOOST_CHECK_EQUAL(fee_for(0, 0.5), 0);
  BOOST_CHECK_EQUAL(fee_for(std::numeric_limits<Amount>::max(), 0.5),
                    std::numeric_limits<Amount>::max() / 2);
  // The broker rule alone, without storage: a BUY that exactly fits with its fee.
  OrderResult r = evaluate_order(order("x", kBuy, 1, 100.0, 100 * kUsdt), kRules,
                                 100 * kUsdt + 10'000'000, 0);
  BOOST_CHECK(r.filled);
  BOOST_CHECK_EQUAL(r.quote_after, 0);
  BOOST_CHECK_EQUAL(r.base_after, kAmountScale);  // 1 BTC
  r = evaluate_order(order("x", kBuy, 1, 100.0, 100 * kUsdt), kRules, 100 * kUsdt + 9'999'999, 0);
  BOOST_CHECK(!r.filled);
  // Absurd amounts are rejected, never overflowed.
  r = evaluate_order(order("x", kBuy, 1, 1e-12, 100 * kUsdt), kRules, 1000 * kUsdt, 0);
  BOOST_CHECK_EQUAL(r.reject_reason, "quantity out of range");
  r = evaluate_order(order("x", kSell, 1, 1e300), kRules, 0, 5);
  BOOST_CHECK_EQUAL(r.reject_reason, "value out of range");
  r = evaluate_order(order("x", kBuy, 1, 100.0, std::numeric_limits<Amount>::max()), kRules,
                     std::numeric_limits<Amount>::max(), 0);
  BOOST_CHECK(!r.filled);
}

BOOST_AUTO_TEST_CASE(ledger_survives_reopen) {
  TempDir dir;
  {
    auto s = open_store(dir.path);
    BOOST_REQUIRE(s->ledger().init_account("acct", "USDT", 1000 * kUsdt).ok());
    BOOST_REQUIRE(s->ledger().apply(order("acct", kBuy, 1, 50000.0, 100 * kUsdt), kRules, 1).ok());
  }
  auto s = open_store(dir.path);
  Ledger& l = s->ledger();
  BOOST_CHECK_EQUAL(*l.balance("acct", "USDT"), 89'990'000'000);
  BOOST_CHECK_EQUAL(*l.balance("acct", "BTC"), 200'000);
  BOOST_CHECK_EQUAL(*l.starting_capital("acct"), 1000 * kUsdt);
  BOOST_CHECK_EQUAL(l.orders("acct")->size(), 1u);
  auto sell = l.apply(order("acct", kSell, 2, 60000.0), kRules, 2);
  BOOST_REQUIRE(sell.ok());
  BOOST_CHECK_EQUAL(sell->event_seq, 2u);
  BOOST_CHECK_EQUAL(sell->quote_after, 101'978'000'000);
}
