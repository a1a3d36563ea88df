#define BOOST_TEST_MODULE breakout_storage
#include <boost/test/unit_test.hpp>

#include "messages/codec.hpp"
#include "messages/envelope.hpp"
#include "storage/store.hpp"
#include "../support/temp_dir.hpp"

using namespace tn;
using namespace tn::storage;

namespace {

std::unique_ptr<Store> open_at(const std::string& path) {
  OpenOptions o;
  o.path = path;
  o.map_size_bytes = 8 << 20;
  o.durable = false;
  auto s = Store::open(o);
  const std::string why = s.ok() ? std::string() : s.error().to_string();
  BOOST_REQUIRE_MESSAGE(s.ok(), why);
  return std::move(s.value());
}

RecommendationEvent rec(const std::string& sym) {
  RecommendationEvent r;
  r.id = "2022-10-10:" + sym + ":breakout_55d";
  r.date = "2022-10-10";
  r.symbol = sym;
  r.asset_class = "crypto";
  r.direction = "BUY";
  r.conviction = "HIGH";
  r.entry_price = r.current_price = "100.00000000";
  r.stop_price = "90.00000000";
  r.target_price = "120.00000000";
  r.combined_score = 8.5;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(put_is_idempotent_and_writes_one_event) {
  test::TempDir dir;
  auto store = open_at(dir.file("db"));
  auto& recs = store->recommendations();
  auto a = recs.put(rec("BTCUSDT"), 5);
  BOOST_REQUIRE(a.ok());
  BOOST_TEST(a->written);
  BOOST_TEST(a->event_seq == 1u);
  auto again = recs.put(rec("BTCUSDT"), 6);  // a rerun of the day
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(!again->written);
  BOOST_TEST(again->event_seq == 1u);
  BOOST_TEST(*store->events().last_seq() == 1u);
  auto ev = store->events().read_from(1, 10);
  BOOST_REQUIRE(ev.ok());
  auto env = decode_envelope(ev->at(0).second);
  BOOST_REQUIRE(env.ok());
  BOOST_TEST(env->header.type == "recommendation.new");
  RecommendationEvent body;
  env->body.get().convert(body);
  BOOST_TEST(body.id == "2022-10-10:BTCUSDT:breakout_55d");
  BOOST_TEST(body.stop_price == "90.00000000");
}

BOOST_AUTO_TEST_CASE(exits_close_once_and_survive_a_reopen) {
  test::TempDir dir;
  {
    auto store = open_at(dir.file("db"));
    auto& recs = store->recommendations();
    BOOST_REQUIRE(recs.put(rec("BTCUSDT"), 1).ok());
    BOOST_REQUIRE(recs.put(rec("ETHUSDT"), 1).ok());
    auto open = recs.list_open();
    BOOST_REQUIRE(open.ok());
    BOOST_TEST(open->size() == 2u);
    RecommendationExitEvent x;
    x.id = rec("BTCUSDT").id;
    x.symbol = "BTCUSDT";
    x.outcome = "target";
    x.r_multiple = 2.0;
    auto w = recs.mark_exit(x, 9);
    BOOST_REQUIRE(w.ok());
    BOOST_TEST(w->written);
    BOOST_TEST(w->event_seq == 3u);
    auto twice = recs.mark_exit(x, 10);
    BOOST_REQUIRE(twice.ok());
    BOOST_TEST(!twice->written);
    BOOST_TEST(*store->events().last_seq() == 3u);
    x.id = "2022-10-10:NOPE:breakout_20d";
    auto missing = recs.mark_exit(x, 11);
    BOOST_REQUIRE(!missing.ok());
    BOOST_TEST(missing.error().code == Errc::not_found);
  }
  auto store = open_at(dir.file("db"));
  auto open = store->recommendations().list_open();
  BOOST_REQUIRE(open.ok());
  BOOST_REQUIRE_EQUAL(open->size(), 1u);
  BOOST_TEST(open->at(0).rec.symbol == "ETHUSDT");
  auto closed = store->recommendations().get(rec("BTCUSDT").id);
  BOOST_REQUIRE(closed.ok() && closed->has_value());
  BOOST_TEST((*closed)->status == "closed");
  BOOST_TEST((*closed)->exit.outcome == "target");
  BOOST_TEST((*closed)->exit_event_seq == 3u);
  auto none = store->recommendations().get("nothing");
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(!none->has_value());
}

BOOST_AUTO_TEST_CASE(bad_ids_are_refused_and_nothing_is_written) {
  test::TempDir dir;
  auto store = open_at(dir.file("db"));
  RecommendationEvent r = rec("BTCUSDT");
  r.id = "";
  BOOST_TEST(!store->recommendations().put(r, 1).ok());
  r.id = std::string(600, 'x');
  auto big = store->recommendations().put(r, 1);
  BOOST_REQUIRE(!big.ok());
  BOOST_TEST(big.error().code == Errc::invalid_input);
  BOOST_TEST(!store->recommendations().get("").ok());
  BOOST_TEST(*store->events().last_seq() == 0u);
  BOOST_TEST(store->recommendations().list_open()->empty());
}
