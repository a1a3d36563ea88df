#define BOOST_TEST_MODULE storage_event_log
#include <boost/test/unit_test.hpp>

// The public headers must not drag LMDB into their users.
#include "storage/event_log.hpp"
#include "storage/format.hpp"
#include "storage/ledger.hpp"
#include "storage/node_state.hpp"
#include "storage/paper_broker.hpp"
#include "storage/store.hpp"
#ifdef MDB_VERSION_MAJOR
#error "a public storage header includes lmdb.h"
#endif

#include <set>
#include <thread>

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

EventLog::Draft draft(const std::string& reason, int64_t ts_ns) {
  return EventLog::Draft{topic::node_stop, encode(NodeStopEvent{reason}), ts_ns};
}

// Every seq from 1 to last_seq, read back in pages of `page`.
std::vector<uint64_t> all_seqs(EventLog& log, size_t page) {
  std::vector<uint64_t> seqs;
  uint64_t next = 1;
  while (true) {
    auto got = log.read_from(next, page);
    BOOST_REQUIRE(got.ok());
    BOOST_REQUIRE_LE(got->size(), page);
    if (got->empty()) break;
    for (const auto& [seq, bytes] : *got) seqs.push_back(seq);
    next = got->back().first + 1;
  }
  return seqs;
}

}  // namespace

BOOST_AUTO_TEST_CASE(empty_log) {
  TempDir dir;
  auto s = open_store(dir.path);
  BOOST_CHECK_EQUAL(*s->events().last_seq(), 0u);
  BOOST_CHECK(s->events().read_from(1, 10)->empty());
  BOOST_CHECK(s->events().append_batch({})->empty());
}

BOOST_AUTO_TEST_CASE(seq_starts_at_one_and_has_no_gaps) {
  TempDir dir;
  auto s = open_store(dir.path);
  EventLog& log = s->events();
  BOOST_CHECK_EQUAL(*log.append(draft("a", 1)), 1u);
  BOOST_CHECK_EQUAL(*log.append(draft("b", 2)), 2u);
  auto batch = log.append_batch({draft("c", 3), draft("d", 4), draft("e", 5)});
  BOOST_REQUIRE(batch.ok());
  const std::vector<uint64_t> want{3, 4, 5};
  BOOST_CHECK_EQUAL_COLLECTIONS(batch->begin(), batch->end(), want.begin(), want.end());
  BOOST_CHECK_EQUAL(*log.last_seq(), 5u);
}

BOOST_AUTO_TEST_CASE(stored_events_decode_as_envelopes) {
  TempDir dir;
  auto s = open_store(dir.path, 16u << 20, "node-7");
  auto seq = s->events().append(draft("maintenance", 1'700'000'000'123'456'789));
  BOOST_REQUIRE(seq.ok());
  auto got = s->events().read_from(*seq, 1);
  BOOST_REQUIRE(got.ok() && got->size() == 1);
  auto env = decode_envelope((*got)[0].second);
  BOOST_REQUIRE_MESSAGE(env.ok(), why(env));
  BOOST_CHECK_EQUAL(env->header.v, kEnvelopeVersion);
  BOOST_CHECK_EQUAL(env->header.seq, *seq);
  BOOST_CHECK_EQUAL(env->header.ts_ns, 1'700'000'000'123'456'789);
  BOOST_CHECK_EQUAL(env->header.node, "node-7");
  BOOST_CHECK_EQUAL(env->header.type, topic::node_stop);
  NodeStopEvent body;
  env->body.get().convert(body);
  BOOST_CHECK_EQUAL(body.reason, "maintenance");
  auto json = envelope_to_json((*got)[0].second);
  BOOST_REQUIRE(json.ok());
  BOOST_CHECK(json->find("\"reason\":\"maintenance\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(read_from_pages_through_the_log) {
  TempDir dir;
  auto s = open_store(dir.path);
  EventLog& log = s->events();
  std::vector<EventLog::Draft> drafts;
  for (int i = 0; i < 25; ++i) {
    std::string reason = "e";  // (not "e" + to_string: a g++ 12 -Wrestrict false positive)
    reason += std::to_string(i);
    drafts.push_back(draft(reason, i));
  }
  BOOST_REQUIRE(log.append_batch(drafts).ok());
  for (size_t page : {1u, 2u, 7u, 25u, 100u}) {
    auto seqs = all_seqs(log, page);
    BOOST_REQUIRE_EQUAL(seqs.size(), 25u);
    for (size_t i = 0; i < seqs.size(); ++i) BOOST_CHECK_EQUAL(seqs[i], i + 1);
  }
  auto mid = log.read_from(10, 3);
  BOOST_REQUIRE(mid.ok() && mid->size() == 3);
  BOOST_CHECK_EQUAL((*mid)[0].first, 10u);
  BOOST_CHECK_EQUAL((*mid)[2].first, 12u);
  auto body = decode_envelope((*mid)[0].second);
  BOOST_REQUIRE(body.ok());
  BOOST_CHECK_EQUAL(body->body.get().as<NodeStopEvent>().reason, "e9");
  BOOST_CHECK_EQUAL(log.read_from(0, 1)->at(0).first, 1u);  // 0 reads from the start
  BOOST_CHECK(log.read_from(26, 10)->empty());
  BOOST_CHECK(log.read_from(5, 0)->empty());
  BOOST_CHECK_EQUAL(log.read_from(24, 10)->size(), 2u);
}

BOOST_AUTO_TEST_CASE(seq_continues_gap_free_across_reopen) {
  TempDir dir;
  {
    auto s = open_store(dir.path);
    for (int i = 0; i < 3; ++i) BOOST_REQUIRE(s->events().append(draft("x", i)).ok());
  }
  {
    auto s = open_store(dir.path);
    BOOST_CHECK_EQUAL(*s->events().last_seq(), 3u);
    BOOST_CHECK_EQUAL(*s->events().append(draft("y", 4)), 4u);
    BOOST_REQUIRE(s->events().append_batch({draft("z", 5), draft("z", 6)}).ok());
  }
  auto s = open_store(dir.path);
  auto seqs = all_seqs(s->events(), 4);
  BOOST_REQUIRE_EQUAL(seqs.size(), 6u);
  for (size_t i = 0; i < seqs.size(); ++i) BOOST_CHECK_EQUAL(seqs[i], i + 1);
}

BOOST_AUTO_TEST_CASE(ledger_events_share_the_one_sequence) {
  TempDir dir;
  auto s = open_store(dir.path);
  BOOST_REQUIRE(s->ledger().init_account("acct", "USDT", 1000 * kAmountScale).ok());
  BOOST_CHECK_EQUAL(*s->events().append(draft("start", 1)), 1u);
  auto fill = s->ledger().apply(order("acct", kBuy, 1, 100.0, 20 * kAmountScale), {}, 2);
  BOOST_REQUIRE(fill.ok());
  BOOST_CHECK_EQUAL(fill->event_seq, 2u);
  BOOST_CHECK_EQUAL(*s->events().append(draft("stop", 3)), 3u);
  auto got = s->events().read_from(2, 1);
  BOOST_REQUIRE(got.ok() && got->size() == 1);
  auto env = decode_envelope((*got)[0].second);
  BOOST_REQUIRE(env.ok());
  BOOST_CHECK_EQUAL(env->header.type, topic::trade_fill);
  BOOST_CHECK_EQUAL(env->header.ts_ns, 2);
  BOOST_CHECK_EQUAL(env->body.get().as<TradeEvent>().order_id, fill->request.order_id);
}

BOOST_AUTO_TEST_CASE(bad_drafts_are_refused_and_nothing_is_appended) {
  TempDir dir;
  auto s = open_store(dir.path);
  EventLog& log = s->events();
  BOOST_REQUIRE(log.append(draft("ok", 1)).ok());
  const std::string not_msgpack("\xc1\xc1\xc1", 3);  // 0xc1 is never valid
  const std::string truncated = encode(NodeStopEvent{"cut"}).substr(0, 3);
  const std::string two_objects = encode(1) + encode(2);
  for (const auto& body : {not_msgpack, truncated, two_objects, std::string()}) {
    auto r = log.append({topic::node_stop, body, 2});
    BOOST_REQUIRE(!r.ok());
    BOOST_CHECK(r.error().code == Errc::invalid_input);
  }
  auto no_type = log.append({"", encode(NodeStopEvent{"x"}), 2});
  BOOST_CHECK(!no_type.ok() && no_type.error().code == Errc::invalid_input);
  auto batch = log.append_batch({draft("fine", 3), {topic::node_stop, not_msgpack, 4}});
  BOOST_CHECK(!batch.ok() && batch.error().code == Errc::invalid_input);
  BOOST_CHECK_EQUAL(*log.last_seq(), 1u);
  BOOST_CHECK_EQUAL(*log.append(draft("next", 5)), 2u);
}

BOOST_AUTO_TEST_CASE(concurrent_writers_share_one_gap_free_sequence) {
  TempDir dir;
  auto s = open_store(dir.path);
  constexpr int kPerThread = 150;
  for (const char* acct : {"t0", "t1"})
    BOOST_REQUIRE(s->ledger().init_account(acct, "USDT", 1'000'000 * kAmountScale).ok());
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        bool ok = true;
        if (t < 2) {
          ok = s->events().append(draft("x", i)).ok();
        } else {
          const std::string acct = t == 2 ? "t0" : "t1";
          auto req = order(acct, i % 2 ? kSell : kBuy, i, 100.0, 20 * kAmountScale);
          ok = s->ledger().apply(req, {}, i).ok();
        }
        if (!ok) ++failures[static_cast<size_t>(t)];
      }
    });
  for (auto& th : threads) th.join();
  for (int f : failures) BOOST_CHECK_EQUAL(f, 0);
  BOOST_CHECK_EQUAL(*s->events().last_seq(), 4u * kPerThread);
  auto seqs = all_seqs(s->events(), 64);
  BOOST_REQUIRE_EQUAL(seqs.size(), 4u * kPerThread);
  for (size_t i = 0; i < seqs.size(); ++i) BOOST_CHECK_EQUAL(seqs[i], i + 1);
  std::set<uint64_t> order_seqs;
  for (const char* acct : {"t0", "t1"}) {
    auto orders = s->ledger().orders(acct);
    BOOST_REQUIRE(orders.ok());
    BOOST_CHECK_EQUAL(orders->size(), size_t{kPerThread});
    for (const auto& r : *orders) {
      BOOST_CHECK(order_seqs.insert(r.event_seq).second);
      auto ev = s->events().read_from(r.event_seq, 1);
      BOOST_REQUIRE(ev.ok() && ev->size() == 1);
      BOOST_CHECK_EQUAL(decode_envelope((*ev)[0].second)->body.get().as<TradeEvent>().order_id,
                        r.request.order_id);
    }
    BOOST_CHECK_EQUAL(*s->ledger().balance(acct, "BTC"), 0);  // every BUY was sold again
  }
}
