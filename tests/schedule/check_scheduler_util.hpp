#pragma once
// What the check scheduler's test files share: the clock's constants, a
// scheduler from streams, one check taken and acked.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <utility>
#include <vector>

#include "schedule/check_scheduler.hpp"

namespace tn::test {

inline constexpr int64_t H = 3'600'000;
inline constexpr int64_t D = 24 * H;
inline constexpr int64_t T0 = 1'700'006'400'000;  // a UTC midnight (2023-11-15)

inline CheckScheduler make(std::vector<CheckStream> streams, CheckSchedulerOptions o) {
  auto r = CheckScheduler::make(streams, o);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().message));
  return std::move(r.value());
}

// Takes the next check and acks it at once; returns (time, streams of all shards).
inline std::pair<int64_t, std::vector<uint32_t>> step(CheckScheduler& s) {
  auto c = s.next_check(0);
  BOOST_REQUIRE(c.has_value());
  std::vector<uint32_t> all;
  for (const auto& part : *c) all.insert(all.end(), part.streams.begin(), part.streams.end());
  std::sort(all.begin(), all.end());
  BOOST_REQUIRE(s.ack((*c)[0].window).has_value());
  return {(*c)[0].now_ms, all};
}

}  // namespace tn::test
