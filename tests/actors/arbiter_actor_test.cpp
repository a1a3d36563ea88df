// The arbiter's shell under CAF's test coordinator: pause modes take effect
// from the next instant it plans, with the orders of the instant in flight
// completing; dropped signals carry the pause as their reason. An
// operator's close waits for the decision in flight and goes through the
// executor and to the portfolio like any fill.
#include <boost/test/unit_test.hpp>

#include "actors/arbiter/manual_close.hpp"
#include "actors/pipeline.hpp"
#include "storage/paper_broker.hpp"
#include "storage/store.hpp"
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
  // Asks for a close; the answer lands in the returned slot once run() got
  // that far (the result, or the error as the control endpoint reads it).
  using CloseAnswer = std::shared_ptr<std::optional<Result<OrderResult>>>;
  CloseAnswer close(const std::string& symbol, int64_t at_ms, int64_t now_ms) {
    auto out = std::make_shared<std::optional<Result<OrderResult>>>();
    spawn(  // arguments, not captures: see ArbiterRun
        [](caf::event_based_actor* self, ArbiterActor arb, std::string symbol, int64_t at_ms, int64_t now_ms,
           CloseAnswer out) {
          self->request(arb, caf::infinite, close_atom::value, symbol, at_ms, now_ms)
              .then([out](OrderResult& r) { *out = Result<OrderResult>(std::move(r)); },
                    [self, out](caf::error& e) { *out = Result<OrderResult>(from_caf_error(self->system(), e)); });
        },
        arbiter, symbol, at_ms, now_ms, out);
    run();
    return out;
  }
};

// A window whose last closes are these prices (the marks every window carries).
SignalWindow priced(SignalWindow w, std::vector<Mark> marks) {
  w.marks = std::move(marks);
  return w;
}

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
  BOOST_TEST(exits.before.size() == 3u);  // both signals, order first, then the signals.found of the instant
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

BOOST_AUTO_TEST_CASE(a_close_waits_for_the_decision_in_flight_then_sells_like_any_fill) {
  send(priced(window(0, {cand(0, kSideBuy, H, 100)}), {{0, H, 100}}));  // BTC bought at 100
  const Amount held = exec->base["BTC"];
  BOOST_REQUIRE(held > 0);
  pause(pause_mode::paused);  // a full pause: the operator's close still goes
  exec->hold = true;
  // The next window buys ETH (running again) and is still with the executor...
  pause(pause_mode::running);
  send(priced(window(1, {cand(1, kSideBuy, 11 * H, 10)}), {{0, 11 * H, 110}, {1, 11 * H, 10}}));
  BOOST_REQUIRE(exec->placed.size() == 2u);
  pause(pause_mode::paused);
  // ...so the close waits behind it: nothing placed, no answer yet.
  auto answer = close("BTCUSDT", 1'700'000'000'000, 12 * H);
  BOOST_TEST(exec->placed.size() == 2u);
  BOOST_TEST(!answer->has_value());
  exec->hold = false;
  release();
  // Once the window is decided: one SELL of the whole position at the last close.
  BOOST_REQUIRE(exec->placed.size() == 3u);
  const PlaceOrders& sell = exec->placed[2];
  BOOST_REQUIRE(sell.orders.size() == 1u);
  BOOST_TEST(sell.orders[0].order_id == close_order_id("acct", "BTCUSDT", 1'700'000'000'000));
  BOOST_TEST(sell.orders[0].price == 110);
  BOOST_TEST(sell.orders[0].decided_at_ms == 12 * H);
  BOOST_TEST(sell.before.empty());
  BOOST_REQUIRE(answer->has_value());
  BOOST_REQUIRE((*answer)->ok());
  BOOST_TEST((**answer)->filled);
  BOOST_TEST((**answer)->quantity == held);
  BOOST_TEST(exec->base["BTC"] == 0);
  // The portfolio hears of it like of a window's fills.
  BOOST_REQUIRE(folio->feeds.size() == 3u);
  BOOST_REQUIRE(folio->feeds[2].fills.size() == 1u);
  BOOST_TEST(folio->feeds[2].fills[0].request.side == kSell);
  // The book knows: a second close finds nothing to sell.
  auto again = close("BTCUSDT", 1'700'000'000'001, 12 * H);
  BOOST_REQUIRE(again->has_value());
  BOOST_REQUIRE(!(*again)->ok());
  BOOST_TEST((*again)->error().code == Errc::rejected);
  BOOST_TEST(exec->placed.size() == 3u);
  // The windows go on after the close.
  send(window(2, {}, true));
  BOOST_TEST((feeder->acks == std::vector<uint64_t>{0, 1, 2}));
}

BOOST_AUTO_TEST_CASE(a_close_without_price_or_symbol_is_refused_and_a_repeated_one_answers_as_before) {
  send(window(0, {cand(0, kSideBuy, H, 100)}));  // bought, but no mark: no price known
  auto no_price = close("BTCUSDT", 1, H);
  BOOST_REQUIRE(no_price->has_value());
  BOOST_REQUIRE(!(*no_price)->ok());
  BOOST_TEST((*no_price)->error().code == Errc::busy);
  auto unknown = close("SOLUSDT", 1, H);
  BOOST_REQUIRE(unknown->has_value());
  BOOST_TEST((*unknown)->error().code == Errc::not_found);
  BOOST_TEST(exec->placed.size() == 1u);

  // A request the ledger has applied before (sent again after a lost
  // reply) answers with that result and places nothing.
  BOOST_REQUIRE(store->ledger().init_account("acct", "USDT", 100 * kAmountScale).ok());
  OrderRequest earlier;
  earlier.order_id = close_order_id("acct", "BTCUSDT", 7);
  earlier.account = "acct";
  earlier.symbol = "BTCUSDT";
  earlier.base = "BTC";
  earlier.quote = "USDT";
  earlier.side = kSell;
  earlier.price = 100;
  BOOST_REQUIRE(store->ledger().apply(earlier, kRules, 0).ok());
  send(priced(window(1, {}), {{0, 11 * H, 105}}));
  auto repeated = close("BTCUSDT", 7, 12 * H);
  BOOST_REQUIRE(repeated->has_value());
  BOOST_REQUIRE((*repeated)->ok());
  BOOST_TEST((**repeated)->duplicate);
  BOOST_TEST((**repeated)->request.order_id == earlier.order_id);
  BOOST_TEST(exec->placed.size() == 1u);
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
