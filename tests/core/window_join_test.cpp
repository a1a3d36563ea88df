#define BOOST_TEST_MODULE core_window_join
#include <boost/test/unit_test.hpp>

#include "actors/arbiter/window_join.hpp"

using namespace tn;

namespace {
// A shard's part of `window`; `next` is the window it sends after this one.
SignalWindow part(uint32_t shard, uint64_t window, uint64_t next, bool last = false) {
  SignalWindow w;
  w.shard = shard;
  w.window = window;
  w.next_window = next;
  w.last = last;
  w.end_ms = static_cast<int64_t>(window + 1) * 1000;
  return w;
}
std::vector<uint64_t> drain(WindowJoin& j) {
  std::vector<uint64_t> out;
  while (auto w = j.next_ready()) out.push_back(w->window);
  return out;
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_window_waits_until_every_shard_sent_it) {
  WindowJoin j(3);
  BOOST_TEST(j.add(part(0, 0, 1)));
  BOOST_TEST(j.add(part(2, 0, 1)));
  BOOST_TEST(!j.next_ready());  // shard 1 not heard from yet
  BOOST_TEST(j.add(part(1, 0, 1)));
  auto w = j.next_ready();
  BOOST_REQUIRE(w);
  BOOST_TEST(w->window == 0u);
  BOOST_TEST(w->parts.size() == 3u);
  BOOST_TEST((w->contributors == std::vector<uint32_t>{0, 2, 1}));  // arrival order
  BOOST_TEST(!j.next_ready());  // taken once
}

BOOST_AUTO_TEST_CASE(out_of_order_parts_are_decided_in_window_order) {
  WindowJoin j(2);
  // Shard 0 runs ahead: windows 0, 1, 2 before shard 1 sends anything.
  j.add(part(0, 0, 1));
  j.add(part(0, 1, 2));
  j.add(part(0, 2, 3));
  BOOST_TEST(drain(j).empty());
  j.add(part(1, 1, 2));  // shard 1's first part: it skipped window 0
  BOOST_TEST((drain(j) == std::vector<uint64_t>{0, 1}));
  j.add(part(1, 2, 3));
  BOOST_TEST((drain(j) == std::vector<uint64_t>{2}));
}

BOOST_AUTO_TEST_CASE(a_skipped_window_is_not_waited_for) {
  WindowJoin j(3);
  // Shard 1 has no bars in windows 1..3: it says its next is 4.
  j.add(part(0, 0, 1));
  j.add(part(1, 0, 4));
  j.add(part(2, 0, 2));  // shard 2 skips window 1
  auto w = j.next_ready();
  BOOST_REQUIRE(w);
  BOOST_TEST(w->window == 0u);
  j.add(part(0, 1, 2));
  w = j.next_ready();  // window 1: only shard 0 sends it
  BOOST_REQUIRE(w);
  BOOST_TEST(w->window == 1u);
  BOOST_TEST((w->contributors == std::vector<uint32_t>{0}));
  j.add(part(2, 2, 3));
  BOOST_TEST(!j.next_ready());  // window 2: shard 0's part is late, not skipped
  j.add(part(0, 2, 4));
  w = j.next_ready();
  BOOST_REQUIRE(w);
  BOOST_TEST(w->window == 2u);
  BOOST_TEST(w->parts.size() == 2u);
  // Window 3: shard 2 only.
  j.add(part(2, 3, 4));
  w = j.next_ready();
  BOOST_REQUIRE(w);
  BOOST_TEST(w->window == 3u);
  BOOST_TEST((w->contributors == std::vector<uint32_t>{2}));
}

BOOST_AUTO_TEST_CASE(finished_shards_stop_counting_and_the_run_ends_when_all_have) {
  WindowJoin j(2);
  j.add(part(0, 0, 0, true));  // shard 0's only window is its last
  j.add(part(1, 0, 5));
  auto w = j.next_ready();
  BOOST_REQUIRE(w);
  BOOST_TEST(w->parts.size() == 2u);
  BOOST_TEST(!j.all_finished());
  j.add(part(1, 5, 0, true));  // shard 0 is done: window 5 needs shard 1 only
  w = j.next_ready();
  BOOST_REQUIRE(w);
  BOOST_TEST(w->window == 5u);
  BOOST_TEST(j.all_finished());
  BOOST_TEST(!j.next_ready());
}

BOOST_AUTO_TEST_CASE(a_part_from_a_shard_outside_the_run_is_dropped) {
  WindowJoin j(2);
  BOOST_TEST(!j.add(part(2, 0, 1)));
  WindowJoin none;  // before a run: no shards
  BOOST_TEST(!none.add(part(0, 0, 1)));
  BOOST_TEST(!none.next_ready());
  j.add(part(0, 0, 1));
  j.reset(1);  // a new run forgets the old parts
  BOOST_TEST(!j.next_ready());
  j.add(part(0, 3, 4));
  auto w = j.next_ready();
  BOOST_REQUIRE(w);
  BOOST_TEST(w->window == 3u);
}
