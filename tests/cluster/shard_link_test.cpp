// ShardLink: the trading node's stand-in for a remote shard. Checks wait for
// the first data node, go to it while it is up, are answered empty (stale)
// while it is down; late snapshots of stale windows are dropped; a rejoin
// warms up to the last check the shard saw.
#define BOOST_TEST_MODULE cluster_shard_link
#include <boost/test/unit_test.hpp>

#include "actors/cluster/shard_link.hpp"

using namespace tn;

namespace {
CheckRequest check(uint64_t w, int64_t now, bool last = false) { return {w, now, {0, 2}, last}; }
SnapshotWindow answer(uint64_t w, bool warmup = false) {
  SnapshotWindow s;
  s.bars.window = w;
  s.bars.warmup = warmup;
  return s;
}
}  // namespace

BOOST_AUTO_TEST_CASE(checks_wait_for_the_first_data_node) {
  ShardLink l(1, INT64_MIN);
  auto r1 = l.route(check(1, 100));
  BOOST_TEST((!r1.forward && r1.stale.empty()));  // held
  BOOST_TEST(l.route(check(2, 200)).stale.empty());
  BOOST_TEST(!l.refuse_join("data-a"));
  auto held = l.attach("data-a", 5);
  BOOST_REQUIRE(held.size() == 2u);
  BOOST_TEST(held[0].window == 1u);
  BOOST_TEST(held[1].window == 2u);
  BOOST_TEST(l.route(check(3, 300)).forward);
  BOOST_TEST(l.view().state == "up");
  BOOST_TEST(l.view().node == "data-a");
}

BOOST_AUTO_TEST_CASE(a_second_node_on_a_live_shard_is_refused) {
  ShardLink l(0, INT64_MIN);
  l.attach("data-a", 1);
  auto why = l.refuse_join("data-b");
  BOOST_REQUIRE(why);
  BOOST_TEST(why->find("data-a") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(down_answers_the_in_flight_checks_stale_and_drops_late_snapshots) {
  ShardLink l(0, INT64_MIN);
  l.attach("data-a", 1);
  l.route(check(1, 100));
  l.route(check(2, 200));
  BOOST_TEST(l.accept(answer(1)));
  auto stale = l.down(9);
  BOOST_REQUIRE(stale.size() == 1u);  // window 2 was in flight
  BOOST_TEST(stale[0].bars.window == 2u);
  BOOST_TEST(stale[0].bars.bars() == 0u);
  BOOST_TEST(stale[0].bars.next_window == 3u);
  BOOST_TEST(stale[0].ma.empty());
  BOOST_TEST(!l.accept(answer(2)));  // already answered: never decided twice
  auto r3 = l.route(check(3, 300, true));
  BOOST_TEST(!r3.forward);
  BOOST_REQUIRE(r3.stale.size() == 1u);
  BOOST_TEST(r3.stale[0].bars.window == 3u);
  auto s3 = ShardLink::stale_window(check(3, 300, true));
  BOOST_TEST(s3.bars.last);
  BOOST_TEST(s3.bars.end_ms == 301);
  BOOST_TEST(l.view().state == "down");
  BOOST_TEST(l.view().stale_checks == 2u);
  BOOST_TEST(l.down(10).empty());  // down twice: nothing more
}

BOOST_AUTO_TEST_CASE(a_rejoin_warms_up_past_every_check_the_shard_saw) {
  ShardLink l(0, 50);
  BOOST_TEST(l.resume_ms() == 50);
  l.attach("data-a", 1);
  l.route(check(1, 100));
  BOOST_TEST(l.accept(answer(1)));
  BOOST_TEST(l.resume_ms() == 100);
  l.route(check(2, 200));
  l.down(2);
  l.route(check(3, 300));
  BOOST_TEST(l.resume_ms() == 300);
  BOOST_TEST(!l.refuse_join("data-a"));
  BOOST_TEST(l.attach("data-a", 3).empty());
  BOOST_TEST(l.view().joins == 2u);
  BOOST_TEST(l.route(check(4, 400)).forward);
  BOOST_TEST(!l.accept(answer(4, true)));  // warm-up windows stop here
  BOOST_TEST(l.accept(answer(4)));
}

BOOST_AUTO_TEST_CASE(a_stop_before_any_data_node_came_answers_the_held_checks_stale) {
  ShardLink l(0, INT64_MIN);
  l.route(check(1, 100));
  auto r = l.route(check(2, 200, true));
  BOOST_REQUIRE(r.stale.size() == 2u);
  BOOST_TEST(r.stale[0].bars.window == 1u);
  BOOST_TEST(r.stale[1].bars.last);
  BOOST_TEST(l.view().stale_checks == 2u);
}

BOOST_AUTO_TEST_CASE(stopping_answers_checks_held_for_an_absent_data_node) {
  ShardLink l(0, INT64_MIN);
  l.route(check(1, 100));
  l.route(check(2, 200));
  auto out = l.stop_waiting();
  BOOST_REQUIRE(out.size() == 2u);
  BOOST_TEST(out[0].bars.window == 1u);
  BOOST_TEST(out[1].bars.window == 2u);
  BOOST_TEST(l.view().state == "waiting");
  BOOST_TEST(l.stop_waiting().empty());
}
