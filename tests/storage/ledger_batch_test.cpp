#define BOOST_TEST_MODULE storage_ledger_batch
// Group commit: Ledger::apply_batch applies an instant's orders in one
// transaction, each against the balances the ones before it left.
#include <boost/test/unit_test.hpp>

#include "messages/codec.hpp"
#include "messages/envelope.hpp"
#include "messages/events.hpp"
#include "test_util.hpp"

using namespace tn;
using namespace tn::storage;
using tn::storage::test::open_store;
using tn::storage::test::order;
using tn::storage::test::TempDir;
using tn::storage::test::why;

namespace {

constexpr Amount kUsdt = kAmountScale;
const LedgerRules kRules{10 * kUsdt, 0.0};

OrderRequest eth_order(const std::string& side, int64_t bar_ms, double price, Amount quote) {
  OrderRequest r = order("acct", side, bar_ms, price, quote);
  r.symbol = "ETHUSDT";
  r.base = "ETH";
  r.order_id = make_order_id(r.account, bar_ms, r.symbol, r.timeframe, side);
  return r;
}

std::vector<std::string> logged_types(Store& s) {
  auto got = s.events().read_from(1, 100);
  BOOST_REQUIRE(got.ok());
  std::vector<std::string> types;
  for (const auto& [seq, bytes] : *got) types.push_back(decode_envelope(bytes)->header.type);
  return types;
}

}  // namespace

BOOST_AUTO_TEST_CASE(each_order_of_a_batch_sees_the_balances_the_ones_before_it_left) {
  TempDir dir;
  auto s = open_store(dir.path);
  Ledger& l = s->ledger();
  BOOST_REQUIRE(l.init_account("acct", "USDT", 1000 * kUsdt).ok());
  const std::vector<EventLog::Draft> signals{{"signal.buy", encode(SignalEvent{}), 7},
                                             {"signal.buy", encode(SignalEvent{}), 7}};
  // 600 + 600 from 1000: the second is over what the first left.
  const std::vector<OrderRequest> batch{order("acct", kBuy, 1000, 100.0, 600 * kUsdt),
                                        eth_order(kBuy, 1000, 10.0, 600 * kUsdt)};
  auto r = l.apply_batch(batch, kRules, 9, signals);
  BOOST_REQUIRE_MESSAGE(r.ok(), why(r));
  BOOST_REQUIRE_EQUAL(r->size(), 2u);
  BOOST_CHECK((*r)[0].filled);
  BOOST_CHECK_EQUAL((*r)[0].quote_after, 400 * kUsdt);
  BOOST_CHECK(!(*r)[1].filled);
  BOOST_CHECK(!(*r)[1].reject_reason.empty());
  BOOST_CHECK_EQUAL((*r)[1].quote_after, 400 * kUsdt);
  // The signals once, ahead of the first trade event; then each order's own.
  BOOST_CHECK_EQUAL((*r)[0].event_seq, 3u);
  BOOST_CHECK_EQUAL((*r)[1].event_seq, 4u);
  const std::vector<std::string> want{"signal.buy", "signal.buy", "trade.fill", "trade.rejected"};
  BOOST_CHECK(logged_types(*s) == want);
  BOOST_CHECK_EQUAL(*l.balance("acct", "USDT"), 400 * kUsdt);
  BOOST_CHECK_EQUAL(*l.balance("acct", "BTC"), 6 * kAmountScale);

  // The same batch again (a restart re-deciding its instant): all
  // duplicates with the first results, nothing new logged.
  auto again = l.apply_batch(batch, kRules, 9, signals);
  BOOST_REQUIRE(again.ok());
  for (size_t k = 0; k < 2; ++k) {
    BOOST_CHECK((*again)[k].duplicate);
    BOOST_CHECK_EQUAL((*again)[k].filled, (*r)[k].filled);
    BOOST_CHECK_EQUAL((*again)[k].event_seq, (*r)[k].event_seq);
  }
  BOOST_CHECK_EQUAL(*s->events().last_seq(), 4u);
  BOOST_CHECK_EQUAL(l.orders("acct")->size(), 2u);
}

BOOST_AUTO_TEST_CASE(a_sell_then_a_buy_in_one_batch_spends_what_the_sell_brought) {
  TempDir dir;
  auto s = open_store(dir.path);
  Ledger& l = s->ledger();
  BOOST_REQUIRE(l.init_account("acct", "USDT", 100 * kUsdt).ok());
  BOOST_REQUIRE(l.apply(order("acct", kBuy, 0, 10.0, 100 * kUsdt), kRules, 1).ok());
  // All USDT is in BTC; the SELL at 20 brings 200, the BUY spends 150 of it.
  auto r = l.apply_batch({order("acct", kSell, 1000, 20.0), eth_order(kBuy, 1000, 5.0, 150 * kUsdt)},
                         kRules, 2);
  BOOST_REQUIRE_MESSAGE(r.ok(), why(r));
  BOOST_CHECK((*r)[0].filled && (*r)[1].filled);
  BOOST_CHECK_EQUAL(*l.balance("acct", "USDT"), 50 * kUsdt);
  BOOST_CHECK_EQUAL(*l.balance("acct", "BTC"), 0);
  BOOST_CHECK_EQUAL(*l.balance("acct", "ETH"), 30 * kAmountScale);
}

BOOST_AUTO_TEST_CASE(a_bad_request_or_draft_in_a_batch_keeps_nothing_of_it) {
  TempDir dir;
  auto s = open_store(dir.path);
  Ledger& l = s->ledger();
  BOOST_REQUIRE(l.init_account("acct", "USDT", 1000 * kUsdt).ok());
  auto no_id = eth_order(kBuy, 1000, 10.0, 20 * kUsdt);
  no_id.order_id.clear();
  auto bad = l.apply_batch({order("acct", kBuy, 1000, 100.0, 20 * kUsdt), no_id}, kRules, 1);
  BOOST_REQUIRE(!bad.ok());
  BOOST_CHECK(bad.error().code == Errc::invalid_input);
  auto bad_draft = l.apply_batch({order("acct", kBuy, 1000, 100.0, 20 * kUsdt)}, kRules, 1, {{"", "x", 1}});
  BOOST_CHECK(!bad_draft.ok());
  BOOST_CHECK_EQUAL(*s->events().last_seq(), 0u);
  BOOST_CHECK(l.orders("acct")->empty());
  BOOST_CHECK_EQUAL(*l.balance("acct", "USDT"), 1000 * kUsdt);
}

BOOST_AUTO_TEST_CASE(an_oversized_batch_is_refused_and_an_empty_one_writes_nothing) {
  TempDir dir;
  auto s = open_store(dir.path);
  Ledger& l = s->ledger();
  BOOST_REQUIRE(l.init_account("acct", "USDT", 1000 * kUsdt).ok());
  std::vector<OrderRequest> huge;
  for (size_t k = 0; k <= Ledger::kMaxBatchOrders; ++k)
    huge.push_back(order("acct", kBuy, static_cast<int64_t>(k) * 1000, 100.0, 20 * kUsdt));
  auto r = l.apply_batch(huge, kRules, 1);
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK(r.error().code == Errc::invalid_input);
  BOOST_CHECK(l.orders("acct")->empty());
  auto none = l.apply_batch({}, kRules, 1);
  BOOST_REQUIRE(none.ok());
  BOOST_CHECK(none->empty());
  // Events "before" no order would have nowhere to go: refused, not lost.
  auto stray = l.apply_batch({}, kRules, 1, {{"signal.buy", encode(SignalEvent{}), 7}});
  BOOST_REQUIRE(!stray.ok());
  BOOST_CHECK(stray.error().code == Errc::invalid_input);
  BOOST_CHECK_EQUAL(*s->events().last_seq(), 0u);
}
