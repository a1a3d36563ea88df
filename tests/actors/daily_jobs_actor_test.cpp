// The daily jobs' shell under CAF's test coordinator and a ManualClock: the
// crypto job (cron "0 0 * * *" UTC) fires when the clock reaches midnight,
// not before, cuts the data at that time, and arms the next day's fire.
#include <boost/test/unit_test.hpp>

#include "actors/daily_jobs/daily_jobs.hpp"
#include "messages/envelope.hpp"
#include "tests/actors/actor_fixture.hpp"

using namespace tn;
using namespace tn::test;

namespace {

constexpr int64_t D = 86'400'000;
constexpr int64_t T0 = 1'704'067'200'000;  // 2024-01-01 00:00 UTC

// Daily BTCUSDT bars opening T0-3D .. T0+D: at T0+D the bar of 2024-01-01
// is the last one closed.
DailyUniverse btc_days() {
  DailyUniverse u;
  u.symbols = {"BTCUSDT"};
  BarSeries b;
  for (int64_t t = T0 - 3 * D; t <= T0 + D; t += D) {
    b.open_time_ms.push_back(t);
    for (auto* col : {&b.open, &b.high, &b.low, &b.close}) col->push_back(100);
    b.volume.push_back(1);
  }
  u.bars.push_back(std::move(b));
  return u;
}

struct DailyJobsRun : ActorFixture {
  std::shared_ptr<storage::Store> store = open_store();
  std::shared_ptr<std::vector<int64_t>> cuts = std::make_shared<std::vector<int64_t>>();
  std::shared_ptr<std::vector<uint64_t>> told = std::make_shared<std::vector<uint64_t>>();

  void start() {
    BreakoutConfig cfg;
    cfg.crypto.enabled = true;
    cfg.crypto.universe = {"BTCUSDT"};
    UniverseProvider provider = [](const BreakoutParams&, int64_t) -> Result<DailyUniverse> {
      return btc_days();
    };
    auto runner = DailyRunner::make(store, cfg, provider);
    BOOST_REQUIRE(runner.ok());
    caf::group events = sys().groups().get_local("tradernode.events");
    auto log = told;  // what the events group hears: the publisher's wake-ups
    // Arguments, not captures: CAF 0.17 binds a reference to a null tuple
    // when a spawned function takes none (UBSan).
    spawn(
        [](caf::event_based_actor* self, caf::group g, decltype(log) heard) -> caf::behavior {
          self->join(g);
          return {[heard](events_atom, uint64_t seq) { heard->push_back(seq); }};
        },
        events, log);
    DailyJobsSpec spec;
    spec.runner = std::move(*runner);
    spec.events = events;
    spec.data_time = [cuts = cuts](int64_t now) {
      cuts->push_back(now);
      return now;
    };
    spec.clock = clock;
    spec.detached = false;
    keep(spawn_daily_jobs(sys(), std::move(spec)));
    run();
  }
  bool summary_of(const std::string& date) {
    auto v = store->state().get("breakout.summary.crypto." + date);
    return v && v.value().has_value();
  }
  // The log's entries of one type, by time stamp.
  std::vector<int64_t> stamps(const std::string& type) {
    std::vector<int64_t> out;
    auto rows = store->events().read_from(1, 100);
    if (!rows) return out;
    for (const auto& [seq, bytes] : *rows)
      if (auto e = decode_envelope(bytes); e && e->header.type == type) out.push_back(e->header.ts_ns);
    return out;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(daily_jobs_actor, DailyJobsRun)

BOOST_AUTO_TEST_CASE(the_crypto_job_fires_at_midnight_utc) {
  clock->set(T0 + D - 3'600'000);  // 2024-01-01 23:00 UTC
  start();
  BOOST_TEST(cuts->empty());  // nothing at start: the first fire is at midnight
  advance_to(T0 + D - 1);
  BOOST_TEST(cuts->empty());
  BOOST_TEST(stamps(topic::market_summary).empty());

  advance_to(T0 + D);
  BOOST_TEST((*cuts == std::vector<int64_t>{T0 + D}));
  BOOST_TEST(summary_of("2024-01-01"));  // the data cut at the fire: 1 Jan is the last closed day
  BOOST_TEST((stamps(topic::market_summary) == std::vector<int64_t>{(T0 + D) * 1'000'000}));
  BOOST_TEST(told->size() == 1u);  // the group was told of the new events

  // The next fire is the next midnight, with one timer: nothing in between.
  advance_to(T0 + 2 * D - 1);
  BOOST_TEST(cuts->size() == 1u);
  advance_to(T0 + 2 * D);
  BOOST_TEST((*cuts == std::vector<int64_t>{T0 + D, T0 + 2 * D}));
  BOOST_TEST(summary_of("2024-01-02"));
  BOOST_TEST(stamps(topic::market_summary).size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
