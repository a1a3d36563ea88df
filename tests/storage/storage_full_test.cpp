#define BOOST_TEST_MODULE storage_full
#include <boost/test/unit_test.hpp>

#include "messages/codec.hpp"
#include "messages/envelope.hpp"
#include "messages/events.hpp"
#include "test_util.hpp"

// With a tiny LMDB map, apply orders until the map is full, then check that
// what was committed is whole and consistent, and that the failing order left
// nothing behind.

using namespace tn;
using namespace tn::storage;
using tn::storage::test::open_store;
using tn::storage::test::order;
using tn::storage::test::TempDir;
using tn::storage::test::why;

namespace {

constexpr Amount kUsdt = kAmountScale;
// Measured with LMDB 0.9.24: 64 KiB holds 1 order, 128 KiB 14, 256 KiB about 110.
constexpr uint64_t kTinyMap = 256 * 1024;
const LedgerRules kRules{10 * kUsdt, 0.001};

OrderRequest nth_order(int i) {
  // Alternate BUY / SELL at moving prices; every 7th is a rejection (below minimum).
  const double price = 20000.0 + 137.0 * (i % 50);
  if (i % 7 == 6) return order("acct", kBuy, i, price, 1 * kUsdt);
  return i % 2 == 0 ? order("acct", kBuy, i, price, 50 * kUsdt) : order("acct", kSell, i, price);
}

// Replays every stored order by hand and compares with the stored balances;
// checks every order has its own event and the log has nothing else.
void check_consistent(Store& s, size_t applied) {
  Ledger& l = s.ledger();
  auto orders = l.orders("acct");
  BOOST_REQUIRE(orders.ok());
  BOOST_REQUIRE_EQUAL(orders->size(), applied);
  BOOST_CHECK_EQUAL(*s.events().last_seq(), applied);

  Amount quote = 1000 * kUsdt, base = 0;
  for (size_t i = 0; i < orders->size(); ++i) {
    const OrderResult& r = (*orders)[i];
    BOOST_CHECK_EQUAL(r.request.order_id, nth_order(static_cast<int>(i)).order_id);
    if (r.filled && r.request.side == kBuy) {
      quote -= r.value + r.fee;
      base += r.quantity;
    } else if (r.filled) {
      quote += r.value - r.fee;
      base -= r.quantity;
    }
    BOOST_CHECK_EQUAL(r.quote_after, quote);
    BOOST_CHECK_EQUAL(r.base_after, base);
    BOOST_CHECK_EQUAL(r.event_seq, i + 1);  // nothing else writes events here
    auto ev = s.events().read_from(r.event_seq, 1);
    BOOST_REQUIRE(ev.ok() && ev->size() == 1);
    auto env = decode_envelope((*ev)[0].second);
    BOOST_REQUIRE(env.ok());
    BOOST_CHECK_EQUAL(env->header.type, r.filled ? topic::trade_fill : topic::trade_rejected);
    BOOST_CHECK_EQUAL(env->body.get().as<TradeEvent>().order_id, r.request.order_id);
    auto found = l.find_order(r.request.order_id);
    BOOST_REQUIRE(found.ok() && found->has_value());
  }
  BOOST_CHECK_EQUAL(*l.balance("acct", "USDT"), quote);
  BOOST_CHECK_EQUAL(*l.balance("acct", "BTC"), base);
}

}  // namespace

BOOST_AUTO_TEST_CASE(map_full_keeps_every_fill_whole) {
  TempDir dir;
  size_t applied = 0;
  OrderRequest failed;
  {
    auto s = open_store(dir.path, kTinyMap);
    BOOST_REQUIRE(s->ledger().init_account("acct", "USDT", 1000 * kUsdt).ok());
    for (int i = 0; i < 100000; ++i) {
      auto r = s->ledger().apply(nth_order(i), kRules, i);
      if (!r.ok()) {
        BOOST_TEST_MESSAGE("after " << i << " orders: " << r.error().to_string());
        BOOST_CHECK(r.error().code == Errc::storage_full);
        BOOST_CHECK_EQUAL(r.error().message,
                          "ledger full: LMDB map size (0.25 MiB) reached; raise [node] db_map_size_mb");
        failed = nth_order(i);
        break;
      }
      ++applied;
    }
    BOOST_REQUIRE_GT(applied, 10u);     // the map held some orders...
    BOOST_REQUIRE(!failed.order_id.empty());  // ...and then filled up
    BOOST_CHECK(!s->ledger().find_order(failed.order_id)->has_value());
    check_consistent(*s, applied);

    // Still full, still consistent; a duplicate still answers (it writes nothing).
    auto again = s->ledger().apply(failed, kRules, 0);
    BOOST_CHECK(!again.ok() && again.error().code == Errc::storage_full);
    auto dup = s->ledger().apply(nth_order(0), kRules, 0);
    BOOST_REQUIRE(dup.ok());
    BOOST_CHECK(dup->duplicate);
    check_consistent(*s, applied);
  }
  {
    // Reopens at the same size and reads everything.
    auto s = open_store(dir.path, kTinyMap);
    check_consistent(*s, applied);
  }
  // A bigger map (what the error message says to do) lets the node go on
  // exactly where it stopped.
  auto s = open_store(dir.path, 4u << 20);
  auto r = s->ledger().apply(failed, kRules, 0);
  BOOST_REQUIRE_MESSAGE(r.ok(), why(r));
  BOOST_CHECK(!r->duplicate);
  BOOST_CHECK_EQUAL(r->event_seq, applied + 1);
  check_consistent(*s, applied + 1);
}

BOOST_AUTO_TEST_CASE(event_log_full_keeps_the_log_gap_free) {
  TempDir dir;
  uint64_t appended = 0;
  const std::string big(2000, 'x');
  {
    auto s = open_store(dir.path, kTinyMap);
    for (int i = 0; i < 100000; ++i) {
      // Batches of 3: a batch that does not fit leaves none of its events.
      std::vector<EventLog::Draft> batch(3, {topic::node_stop, encode(NodeStopEvent{big}), i});
      auto r = s->events().append_batch(batch);
      if (!r.ok()) {
        BOOST_CHECK(r.error().code == Errc::storage_full);
        BOOST_CHECK_EQUAL(r.error().message,
                          "event log full: LMDB map size (0.25 MiB) reached; raise [node] "
                          "db_map_size_mb");
        break;
      }
      BOOST_REQUIRE_EQUAL(r->front(), appended + 1);
      appended += r->size();
    }
    BOOST_REQUIRE_GT(appended, 10u);
    BOOST_CHECK_EQUAL(*s->events().last_seq(), appended);
  }
  auto s = open_store(dir.path, 1u << 20);
  BOOST_CHECK_EQUAL(*s->events().last_seq(), appended);
  auto all = s->events().read_from(1, 100000);
  BOOST_REQUIRE(all.ok());
  BOOST_REQUIRE_EQUAL(all->size(), appended);
  for (size_t i = 0; i < all->size(); ++i) {
    BOOST_CHECK_EQUAL((*all)[i].first, i + 1);
    BOOST_CHECK(decode_envelope((*all)[i].second).ok());
  }
  BOOST_CHECK_EQUAL(*s->events().append({topic::node_stop, encode(NodeStopEvent{"y"}), 0}),
                    appended + 1);
}

// Group commit: an instant's orders are one transaction, so a full map keeps
// whole batches only; the batch that did not fit leaves none of its orders.
BOOST_AUTO_TEST_CASE(map_full_keeps_every_batch_whole) {
  TempDir dir;
  constexpr int kBatch = 5;
  auto s = open_store(dir.path, kTinyMap);
  BOOST_REQUIRE(s->ledger().init_account("acct", "USDT", 1000 * kUsdt).ok());
  size_t applied = 0;
  std::vector<OrderRequest> failed;
  for (int b = 0; b < 10000 && failed.empty(); ++b) {
    std::vector<OrderRequest> batch;
    for (int k = 0; k < kBatch; ++k) batch.push_back(nth_order(b * kBatch + k));
    auto r = s->ledger().apply_batch(batch, kRules, b);
    if (!r.ok()) {
      BOOST_CHECK(r.error().code == Errc::storage_full);
      failed = batch;
      break;
    }
    BOOST_REQUIRE_EQUAL(r->size(), batch.size());
    for (size_t k = 0; k < batch.size(); ++k) BOOST_CHECK_EQUAL((*r)[k].request.order_id, batch[k].order_id);
    applied += batch.size();
  }
  BOOST_REQUIRE_GT(applied, 10u);
  BOOST_REQUIRE(!failed.empty());
  for (const OrderRequest& o : failed) BOOST_CHECK(!s->ledger().find_order(o.order_id)->has_value());
  check_consistent(*s, applied);
}
