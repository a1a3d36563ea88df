#define BOOST_TEST_MODULE storage_integrity
// The event log's hash chain and the ledger's reconciliation: what
// `traderctl verify` relies on to say "nothing was changed, lost or doubled".
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

#include "messages/codec.hpp"
#include "messages/events.hpp"
#include "storage/format.hpp"
#include "storage/reconcile.hpp"
#include "storage/store.hpp"
#include "test_util.hpp"

using namespace tn;
using namespace tn::storage;
using tn::storage::test::open_store;
using tn::storage::test::order;
using tn::storage::test::raw_put;
using tn::storage::test::TempDir;
using tn::storage::test::why;

namespace {

EventLog::Draft draft(const std::string& reason) {
  return EventLog::Draft{topic::node_stop, encode(NodeStopEvent{reason}), 1};
}

void fill_log(Store& s, int n) {
  for (int i = 0; i < n; ++i) BOOST_REQUIRE(s.events().append(draft("e" + std::to_string(i))));
}

EventLog::ChainReport chain(Store& s) {
  auto r = s.events().verify_chain();
  BOOST_REQUIRE_MESSAGE(r, why(r));
  return *r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(empty_log_verifies) {
  TempDir dir;
  auto s = open_store(dir.path);
  auto r = chain(*s);
  BOOST_TEST(r.ok);
  BOOST_TEST(r.checked == 0u);
}

BOOST_AUTO_TEST_CASE(chain_holds_across_batches_fills_and_reopen) {
  TempDir dir;
  {
    auto s = open_store(dir.path);
    fill_log(*s, 5);
    BOOST_REQUIRE(s->events().append_batch({draft("a"), draft("b"), draft("c")}));
    BOOST_REQUIRE(s->ledger().init_account("acc", "USDT", to_amount(1000)));
    auto f = s->ledger().apply(order("acc", kBuy, 0, 100.0, to_amount(500)), LedgerRules{}, 7);
    BOOST_REQUIRE_MESSAGE(f, why(f));
  }
  auto s = open_store(dir.path);
  fill_log(*s, 2);
  auto r = chain(*s);
  BOOST_TEST(r.ok);
  BOOST_TEST(r.checked == 11u);
  BOOST_TEST(r.problems.empty());
}

BOOST_AUTO_TEST_CASE(an_edited_event_breaks_the_chain_at_that_entry) {
  TempDir dir;
  std::string original;
  {
    auto s = open_store(dir.path);
    fill_log(*s, 6);
    original = s->events().read_from(4, 1).value().at(0).second;
  }
  // Same length, one byte different: what a careless hand edit does.
  std::string edited = original;
  edited.back() = static_cast<char>(edited.back() ^ 1);
  raw_put(dir.path, format::kEvents, format::event_key(4), edited);
  auto s = open_store(dir.path);
  auto r = chain(*s);
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.checked == 3u);
  BOOST_REQUIRE(!r.problems.empty());
  BOOST_TEST(r.problems[0].find("event 4") != std::string::npos, r.problems[0]);
}

BOOST_AUTO_TEST_CASE(an_event_swapped_for_another_breaks_the_chain) {
  TempDir dir;
  std::string second;
  {
    auto s = open_store(dir.path);
    fill_log(*s, 4);
    second = s->events().read_from(2, 1).value().at(0).second;
  }
  raw_put(dir.path, format::kEvents, format::event_key(3), second);  // a copy of event 2
  auto s = open_store(dir.path);
  auto r = chain(*s);
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.checked == 2u);
}

BOOST_AUTO_TEST_CASE(a_dropped_tail_and_a_forged_link_are_found) {
  TempDir dir;
  {
    auto s = open_store(dir.path);
    fill_log(*s, 3);
  }
  // A link for an event that is not there: events were cut off the end.
  raw_put(dir.path, format::kEventChain, format::event_key(4), std::string(32, 'x'));
  {
    auto s = open_store(dir.path);
    auto r = chain(*s);
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.problems.at(0).find("dropped") != std::string::npos, r.problems[0]);
    // The next append takes seq 4 again and writes its true link over the
    // stray one: the chain is whole again, nothing of the real events lost.
    BOOST_REQUIRE(s->events().append(draft("after")));
    BOOST_TEST(chain(*s).ok);
    BOOST_TEST(chain(*s).checked == 4u);
  }
  raw_put(dir.path, format::kEventChain, format::event_key(2), std::string(32, 'y'));
  auto s = open_store(dir.path);
  auto r = chain(*s);
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.checked == 1u);
}

BOOST_AUTO_TEST_CASE(ledger_reconciles_after_buys_sells_and_rejections) {
  TempDir dir;
  auto s = open_store(dir.path);
  auto& l = s->ledger();
  BOOST_REQUIRE(l.init_account("acc", "USDT", to_amount(10000)));
  LedgerRules rules;
  rules.fee_rate = 0.001;
  BOOST_REQUIRE(l.apply(order("acc", kBuy, 0, 100.0, to_amount(3000)), rules, 1));
  BOOST_REQUIRE(l.apply(order("acc", kBuy, 86'400'000, 120.0, to_amount(2000)), rules, 2));
  BOOST_REQUIRE(l.apply(order("acc", kSell, 2 * 86'400'000, 130.0), rules, 3));
  BOOST_REQUIRE(l.apply(order("acc", kSell, 3 * 86'400'000, 130.0), rules, 4));  // nothing held
  BOOST_REQUIRE(l.apply(order("acc", kBuy, 0, 100.0, to_amount(3000)), rules, 5));  // duplicate id
  auto r = reconcile(l, "acc");
  BOOST_REQUIRE_MESSAGE(r, why(r));
  BOOST_TEST(r->ok);
  BOOST_TEST(r->orders == 4u);
  BOOST_TEST(r->fills == 3u);
  BOOST_TEST(r->problems.empty());
}

// `traderctl verify` runs while the node trades: balances and history must
// come from one snapshot. (Read in separate transactions, a fill landing in
// between made a sound ledger look broken; the sanitized suite caught it.)
BOOST_AUTO_TEST_CASE(reconciling_while_orders_are_applied_sees_a_consistent_ledger) {
  TempDir dir;
  auto s = open_store(dir.path);
  auto& l = s->ledger();
  BOOST_REQUIRE(l.init_account("acc", "USDT", to_amount(1'000'000)));
  constexpr int kOrders = 600;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < kOrders; ++i) {
      const std::string side = i % 3 == 2 ? kSell : kBuy;
      (void)l.apply(order("acc", side, int64_t{i} * 86'400'000, 100.0 + i % 7, to_amount(100)),
                    LedgerRules{}, i + 1);
    }
    done = true;
  });
  int checks = 0, bad = 0;
  std::string first_problem;
  while (!done || checks == 0) {
    auto r = reconcile(l, "acc");
    BOOST_REQUIRE_MESSAGE(r, why(r));
    ++checks;
    if (!r->ok && bad++ == 0) first_problem = r->problems.front();
  }
  writer.join();
  BOOST_TEST(bad == 0, bad << " of " << checks << " reconciliations failed: " << first_problem);
  auto last = reconcile(l, "acc");
  BOOST_REQUIRE_MESSAGE(last, why(last));
  BOOST_TEST(last->ok);
  BOOST_TEST(last->orders == static_cast<uint64_t>(kOrders));
}

BOOST_AUTO_TEST_CASE(a_tampered_balance_does_not_reconcile) {
  TempDir dir;
  {
    auto s = open_store(dir.path);
    BOOST_REQUIRE(s->ledger().init_account("acc", "USDT", to_amount(1000)));
    BOOST_REQUIRE(s->ledger().apply(order("acc", kBuy, 0, 100.0, to_amount(500)), LedgerRules{}, 1));
  }
  raw_put(dir.path, format::kBalances, format::balance_key("acc", "USDT"),
          encode(Amount{to_amount(900)}));
  auto s = open_store(dir.path);
  auto r = reconcile(s->ledger(), "acc");
  BOOST_REQUIRE_MESSAGE(r, why(r));
  BOOST_TEST(!r->ok);
  BOOST_REQUIRE(!r->problems.empty());
  BOOST_TEST(r->problems[0].find("USDT") != std::string::npos, r->problems[0]);
}

BOOST_AUTO_TEST_CASE(reconciling_an_unknown_account_is_not_found) {
  TempDir dir;
  auto s = open_store(dir.path);
  auto r = reconcile(s->ledger(), "nobody");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.error().code == Errc::not_found));
}
