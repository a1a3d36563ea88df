// The arbiter's shell under CAF's test coordinator: pause modes take effect
// from the next instant it plans, with the orders of the instant in flight
// completing; dropped signals carry the pause as their reason.
#include <boost/test/unit_test.hpp>

#include "actors/pipeline.hpp"
#include "storage/paper_broker.hpp"
#include "tests/actors/actor_fixture.hpp"

namespace tn {
// Defined in actors/arbiter/arbiter_actor.cpp (spawned by spawn_pipeline).
ArbiterActor spawn_arbiter(caf::actor_system& sys, ArbiterCore core, uint32_t shards,
                           ExecutorActor executor, PortfolioActor portfolio,
                           std::shared_ptr<storage::Store> store, caf::group events,
                           ProgressSink progress, PauseMode pause, storage::LedgerRules rules);
}  // namespace tn

using namespace tn;
using namespace tn::test;

namespace {

using release_atom = caf::atom_constant<caf::atom("release")>;
constexpr int64_t H = 3'600'000;
const storage::LedgerRules kRules{0, 0.0};

// The executor's part, with the paper broker's rules on its own balances.
// While `hold` is set it keeps its answers until told (release): the
// arbiter then has orders out, as when the ledger's commit is slow.
struct ExecutorLog {
  std::vector<PlaceOrders> placed;
  bool hold = false;
  std::vector<std::pair<caf::typed_response_promise<OrderResults>, OrderResults>> held;
  Amount quote = 10'000 * kAmountScale;
  std::map<std::string, Amount> base;
};

// The executor's interface (the arbiter's handle converts), and release.
using FakeExecutor = ExecutorActor::extend<caf::reacts_to<release_atom>>;

FakeExecutor::behavior_type fake_executor(FakeExecutor::pointer self, std::shared_ptr<ExecutorLog> log) {
  return {
      [log](balances_atom) { return BalancesView{log->quote, log->base}; },
      [self, log](PlaceOrders& req) -> caf::result<OrderResults> {
        log->placed.push_back(req);
        OrderResults out;
        for (const OrderRequest& r : req.orders) {
          OrderResult res = storage::evaluate_order(r, kRules, log->quote, log->base[r.base]);
          if (res.filled) {
            log->quote = res.quote_after;
            log->base[r.base] = res.base_after;
          }
          out.results.push_back(std::move(res));
        }
        if (!log->hold) return out;
        auto promise = self->make_response_promise<OrderResults>();
        log->held.emplace_back(promise, std::move(out));
        return promise;
      },
      [log](release_atom) {
        for (auto& [promise, results] : log->held) promise.deliver(std::move(results));
        log->held.clear();
      },
      [](health_atom) { return std::string(); },  // the interface's; the arbiter never asks
  };
}

struct PortfolioLog {
  std::vector<PortfolioFeed> feeds;
};
PortfolioActor::behavior_type fake_portfolio(PortfolioActor::pointer, std::shared_ptr<PortfolioLog> log) {
  return {
      [log](PortfolioFeed& f) { log->feeds.push_back(std::move(f)); },
      [](report_atom) { return RunResult{}; },
      // The interface's status timer, control view and health; the arbiter
      // never sends or asks them.
      [](status_tick_atom, uint64_t) {},
      [](view_atom, const std::string&, uint32_t) { return std::string(); },
      [](health_atom) { return std::string(); },
  };
}

std::vector<StreamMeta> streams() {
  return {{"BTCUSDT", "BTC", "USDT", "1h", H, 20, -5.0, 5.0, 0.5},
          {"ETHUSDT", "ETH", "USDT", "1h", H, 20, -5.0, 5.0, 0.5}};
}
// A candidate of stream `s` on the bar closing at close_ms.
Candidate cand(uint32_t s, uint8_t side, int64_t close_ms, double price) {
  return Candidate{s, close_ms - H, close_ms, side, price, price * 1.06, side == kSideBuy ? -6.0 : 6.0};
}
SignalWindow window(uint64_t k, std::vector<Candidate> c, bool last = false) {
  SignalWindow w;
  w.window = k;
  w.end_ms = static_cast<int64_t>(k + 1) * 10 * H;
  w.next_window = k + 1;
  w.last = last;
  w.candidates = std::move(c);
  return w;
}

struct ArbiterRun : ActorFixture {
  std::shared_ptr<storage::Store> store = open_store();
  std::shared_ptr<ExecutorLog> exec = std::make_shared<ExecutorLog>();
  std::shared_ptr<PortfolioLog> folio = std::make_shared<PortfolioLog>();
  std::shared_ptr<FeederLog> feeder = std::make_shared<FeederLog>();
  std::shared_ptr<std::optional<RunResult>> result = std::make_shared<std::optional<RunResult>>();
  FakeExecutor executor = spawn(fake_executor, exec);
  ArbiterActor arbiter = keep(spawn_arbiter(sys(), ArbiterCore(streams(), "acct"), 1, executor,
                                            spawn(fake_portfolio, folio), store,
                                            sys().groups().get_local("tradernode.events"),
                                            ProgressSink{}, PauseMode::running, kRules));

  ArbiterRun() {
    RecordingFeeder feed = spawn(recording_feeder, feeder);
    // The handles go in as spawn arguments, not captures: CAF 0.17 binds a
    // reference to a null tuple when a spawned function takes none (UBSan).
    spawn(
        [](caf::event_based_actor* self, ArbiterActor arb, RecordingFeeder feed,
           std::shared_ptr<std::optional<RunResult>> out) {
          self->request(arb, caf::infinite, run_atom::value, std::vector<FeederActor>{feed})
              .then([out](RunResult& r) { *out = std::move(r); });
        },
        arbiter, feed, result);
    run();
  }
  void pause(const std::string& mode) {
    caf::anon_send(arbiter, pause_atom::value, mode);
    run();
  }
  void send(SignalWindow w) {
    caf::anon_send(arbiter, std::move(w));
    run();
  }
  void release() {
    caf::anon_send(executor, release_atom::value);
    run();
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(arbiter_actor, ArbiterRun)

BOOST_AUTO_TEST_CASE(starts_its_feeders_once_the_book_is_loaded) {
  BOOST_TEST(feeder->starts == 1);
  BOOST_TEST(exec->placed.empty());
}

BOOST_AUTO_TEST_CASE(a_pause_takes_effect_from_the_next_instant) {
  exec->hold = true;
  // Two instants: BTC at 1h, ETH at 2h. The first one's order goes out...
  send(window(0, {cand(0, kSideBuy, H, 100), cand(1, kSideBuy, 2 * H, 10)}));
  BOOST_REQUIRE(exec->placed.size() == 1u);
  BOOST_TEST(exec->placed[0].orders.at(0).symbol == "BTCUSDT");
  BOOST_TEST(feeder->acks.empty());  // the window is not decided yet
  // ...the pause arrives while it is out: it is answered at once, and the
  // order in flight still completes.
  pause(pause_mode::paused);
  BOOST_TEST(exec->held.size() == 1u);
  exec->hold = false;
  release();
  // The second instant is planned under the pause: no order, its signal
  // dropped with the pause as the reason.
  BOOST_TEST(exec->placed.size() == 1u);
  BOOST_TEST((feeder->acks == std::vector<uint64_t>{0}));
  BOOST_REQUIRE(folio->feeds.size() == 1u);
  BOOST_TEST(folio->feeds[0].fills.size() == 1u);  // the BTC buy
  // The run's end reports every signal with its decision.
  send(window(1, {}, true));
  BOOST_REQUIRE(result->has_value());
  const auto& log = (*result)->signal_log;
  BOOST_REQUIRE(log.size() == 2u);
  BOOST_TEST(log[0].symbol == "BTCUSDT");
  BOOST_TEST(log[0].decision == "order");
  BOOST_TEST(log[1].symbol == "ETHUSDT");
  BOOST_TEST(log[1].decision == "dropped");
  BOOST_TEST(log[1].reason == "paused");
  BOOST_TEST((*result)->trades == 1u);
}

BOOST_AUTO_TEST_CASE(entries_only_lets_exits_through_and_resume_lets_entries_again) {
  send(window(0, {cand(0, kSideBuy, H, 100)}));  // running: BTC bought
  BOOST_REQUIRE(exec->placed.size() == 1u);
  BOOST_TEST(exec->base["BTC"] > 0);

  pause(pause_mode::entries_only);
  // One instant: SELL BTC (held) and BUY ETH. Only the exit is placed; the
  // entry's dropped signal goes with it (logged in the same commit).
  send(window(1, {cand(0, kSideSell, 11 * H, 120), cand(1, kSideBuy, 11 * H, 10)}));
  BOOST_REQUIRE(exec->placed.size() == 2u);
  const PlaceOrders& exits = exec->placed[1];
  BOOST_REQUIRE(exits.orders.size() == 1u);
  BOOST_TEST(exits.orders[0].symbol == "BTCUSDT");
  BOOST_TEST(exits.orders[0].side == "SELL");
  BOOST_TEST(exits.before.size() == 2u);  // both signals, order first
  BOOST_TEST(exec->base["BTC"] == 0);

  pause(pause_mode::paused);
  send(window(2, {cand(1, kSideBuy, 21 * H, 10)}));
  BOOST_TEST(exec->placed.size() == 2u);  // paused: nothing placed

  pause(pause_mode::running);
  send(window(3, {cand(1, kSideBuy, 31 * H, 10)}, true));
  BOOST_REQUIRE(exec->placed.size() == 3u);
  BOOST_TEST(exec->placed[2].orders.at(0).symbol == "ETHUSDT");
  BOOST_TEST(exec->placed[2].orders.at(0).side == "BUY");

  BOOST_TEST((feeder->acks == std::vector<uint64_t>{0, 1, 2, 3}));
  BOOST_REQUIRE(result->has_value());
  const auto& log = (*result)->signal_log;
  BOOST_REQUIRE(log.size() == 5u);
  BOOST_TEST(log[2].symbol == "ETHUSDT");
  BOOST_TEST(log[2].reason == "paused for entries (only exits allowed)");
  BOOST_TEST(log[3].reason == "paused");
  BOOST_TEST(log[4].decision == "order");
}

BOOST_AUTO_TEST_CASE(status_tells_the_mode_in_force) {
  pause(pause_mode::entries_only);
  auto stats = std::make_shared<std::optional<ArbiterStats>>();
  spawn(  // arguments, not captures: see ArbiterRun
      [](caf::event_based_actor* self, ArbiterActor arb,
         std::shared_ptr<std::optional<ArbiterStats>> stats) {
        self->request(arb, caf::infinite, status_atom::value).then([stats](const std::string& body) {
          if (auto s = decode<ArbiterStats>(body)) *stats = *s;
        });
      },
      arbiter, stats);
  run();
  BOOST_REQUIRE(stats->has_value());
  BOOST_TEST((*stats)->pause_mode == pause_mode::entries_only);
}

BOOST_AUTO_TEST_SUITE_END()
