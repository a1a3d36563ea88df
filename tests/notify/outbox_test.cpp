#define BOOST_TEST_MODULE notify_outbox
#include <boost/test/unit_test.hpp>

#include "storage/outbox.hpp"
#include "storage/store.hpp"
#ifdef MDB_VERSION_MAJOR
#error "a public storage header includes lmdb.h"
#endif

#include "../storage/test_util.hpp"
#include "messages/codec.hpp"
#include "messages/envelope.hpp"
#include "messages/events.hpp"

using namespace tn;
using namespace tn::storage;
using tn::storage::test::order;
using tn::storage::test::TempDir;
using tn::storage::test::why;

namespace {

// trades to telegram and email, node.stop to telegram only, the rest nowhere.
std::vector<std::string> route(std::string_view type) {
  if (type == topic::trade_fill || type == topic::trade_rejected) return {"telegram", "email"};
  if (type == topic::node_stop) return {"telegram"};
  return {};
}

std::unique_ptr<Store> open_routed(const std::string& path, EventRouter r = route) {
  OpenOptions o;
  o.path = path;
  o.map_size_bytes = 16u << 20;
  o.durable = false;
  o.route_events = std::move(r);
  auto s = Store::open(o);
  BOOST_REQUIRE_MESSAGE(s, why(s));
  return std::move(*s);
}

EventLog::Draft stop(const std::string& reason) {
  return {topic::node_stop, encode(NodeStopEvent{reason}), 0};
}

std::vector<uint64_t> ids_of(const std::vector<OutboxEntry>& es) {
  std::vector<uint64_t> out;
  for (const auto& e : es) out.push_back(e.id);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(routed_events_get_rows_in_their_transaction_with_the_event_as_content) {
  TempDir dir;
  auto store = open_routed(dir.path);
  BOOST_REQUIRE(store->events().append(stop("maintenance")));
  BOOST_REQUIRE(store->events().append({topic::signal_dropped, encode(SignalEvent{}), 0}));
  auto tg = store->outbox().pending("telegram", 10);
  BOOST_REQUIRE_MESSAGE(tg, why(tg));
  BOOST_REQUIRE_EQUAL(tg->size(), 1u);
  BOOST_CHECK_EQUAL((*tg)[0].type, topic::node_stop);
  BOOST_CHECK_EQUAL((*tg)[0].event_seq, 1u);
  auto env = decode_envelope((*tg)[0].content);
  BOOST_REQUIRE(env);
  BOOST_CHECK_EQUAL(env->header.seq, 1u);
  BOOST_CHECK_EQUAL(env->body.get().as<NodeStopEvent>().reason, "maintenance");
  BOOST_CHECK(store->outbox().pending("email", 10)->empty());
}

BOOST_AUTO_TEST_CASE(a_fill_and_its_notifications_are_one_commit) {
  TempDir dir;
  auto store = open_routed(dir.path);
  BOOST_REQUIRE(store->ledger().init_account("acct", "USDT", 1000 * kAmountScale));
  auto r = store->ledger().apply(order("acct", "BUY", 0, 100.0, 100 * kAmountScale), {}, 5);
  BOOST_REQUIRE_MESSAGE(r, why(r));
  for (const char* ch : {"telegram", "email"}) {
    auto p = store->outbox().pending(ch, 10);
    BOOST_REQUIRE_EQUAL(p->size(), 1u);
    BOOST_CHECK_EQUAL((*p)[0].type, topic::trade_fill);
    BOOST_CHECK_EQUAL((*p)[0].event_seq, r->event_seq);
  }
  // Applying it again is a duplicate: no event, so no second notification.
  BOOST_REQUIRE(store->ledger().apply(order("acct", "BUY", 0, 100.0, 100 * kAmountScale), {}, 5));
  BOOST_CHECK_EQUAL(store->outbox().pending("telegram", 10)->size(), 1u);
}

BOOST_AUTO_TEST_CASE(a_bad_route_fails_the_event_and_writes_nothing) {
  TempDir dir;
  auto store = open_routed(dir.path, [](std::string_view) {
    return std::vector<std::string>{"ok", std::string("bad\0name", 8)};
  });
  auto r = store->events().append(stop("x"));
  BOOST_REQUIRE(!r);
  BOOST_CHECK_EQUAL(r.error().code, Errc::invalid_input);
  BOOST_CHECK_EQUAL(*store->events().last_seq(), 0u);
  BOOST_CHECK(store->outbox().pending("ok", 10)->empty());
}

BOOST_AUTO_TEST_CASE(pending_pages_in_order_and_remove_is_idempotent) {
  TempDir dir;
  auto store = open_routed(dir.path);
  for (int i = 0; i < 7; ++i) BOOST_REQUIRE(store->outbox().enqueue("email", "report.daily", "p" + std::to_string(i)));
  BOOST_REQUIRE(store->outbox().enqueue("telegram", "test", "t"));
  auto first = store->outbox().pending("email", 3);
  BOOST_CHECK((ids_of(*first) == std::vector<uint64_t>{1, 2, 3}));
  BOOST_CHECK_EQUAL((*first)[2].content, "p2");
  auto next = store->outbox().pending("email", 3, 3);
  BOOST_CHECK((ids_of(*next) == std::vector<uint64_t>{4, 5, 6}));
  BOOST_REQUIRE(store->outbox().remove("email", {1, 2, 3}));
  BOOST_REQUIRE(store->outbox().remove("email", {1, 2, 3}));  // again: harmless
  BOOST_CHECK((ids_of(*store->outbox().pending("email", 10)) == std::vector<uint64_t>{4, 5, 6, 7}));
  auto d = store->outbox().depth();
  BOOST_REQUIRE_MESSAGE(d, why(d));
  BOOST_REQUIRE_EQUAL(d->size(), 2u);
  BOOST_CHECK_EQUAL((*d)[0].channel, "email");
  BOOST_CHECK_EQUAL((*d)[0].depth, 4u);
  BOOST_CHECK_EQUAL((*d)[0].oldest_id, 4u);
  BOOST_CHECK((*d)[0].oldest_queued_ms > 1'600'000'000'000);
  BOOST_CHECK_EQUAL((*d)[1].channel, "telegram");
  BOOST_CHECK_EQUAL((*d)[1].depth, 1u);
}

BOOST_AUTO_TEST_CASE(ids_survive_reopen_and_are_never_reused_after_the_outbox_empties) {
  TempDir dir;
  {
    auto store = open_routed(dir.path);
    BOOST_REQUIRE(store->outbox().enqueue("email", "x", "a"));
    BOOST_REQUIRE(store->outbox().enqueue("email", "x", "b"));
    BOOST_REQUIRE(store->outbox().remove("email", {1, 2}));
    BOOST_CHECK(store->outbox().depth()->empty());
  }
  auto store = open_routed(dir.path);
  auto id = store->outbox().enqueue("email", "x", "c");
  BOOST_REQUIRE(id);
  BOOST_CHECK_EQUAL(*id, 3u);
}

BOOST_AUTO_TEST_CASE(bad_channel_names_and_types_are_refused) {
  TempDir dir;
  auto store = open_routed(dir.path);
  BOOST_CHECK(!store->outbox().enqueue("", "x", "p"));
  BOOST_CHECK(!store->outbox().enqueue(std::string(65, 'c'), "x", "p"));
  BOOST_CHECK(!store->outbox().enqueue(std::string("a\0b", 3), "x", "p"));
  BOOST_CHECK(!store->outbox().enqueue("email", "", "p"));
  BOOST_CHECK(!store->outbox().pending("", 1));
  BOOST_CHECK(!store->outbox().remove("", {1}));
  BOOST_CHECK(store->outbox().pending("email", 0)->empty());
  BOOST_CHECK(store->outbox().pending("email", 5, UINT64_MAX)->empty());
  BOOST_CHECK(store->outbox().depth()->empty());
}

BOOST_AUTO_TEST_CASE(a_corrupted_row_is_an_error_naming_the_table) {
  TempDir dir;
  { auto store = open_routed(dir.path); BOOST_REQUIRE(store->outbox().enqueue("email", "x", "a")); }
  test::raw_put(dir.path, format::kOutbox, format::outbox_key("email", 2), "\xc1garbage");
  test::raw_put(dir.path, format::kOutbox, "short", "x");
  auto store = open_routed(dir.path);
  auto p = store->outbox().pending("email", 10);
  BOOST_REQUIRE(!p);
  BOOST_CHECK(p.error().message.find("outbox_v1") != std::string::npos);
  auto d = store->outbox().depth();
  BOOST_REQUIRE(!d);
  BOOST_CHECK(d.error().message.find("outbox_v1") != std::string::npos);
}
