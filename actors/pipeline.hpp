#pragma once
// How the actors are wired, for the tools: spawn the whole pipeline from a
// spec, get the handles back. The event bus is a CAF local group: whoever
// appends to the event log tells the group, and the publisher and notifier
// (its members) read the new entries from the log in seq order.
//
//   fetcher -> indicator[shard] -> signal[shard] -> arbiter -> executor (ledger)
//                                                     |  \--> portfolio
//                                                     +-> ack -> fetcher (credit)
//   events: arbiter, executor(ledger), portfolio --append--> log --notify--> group
//           group -> publisher (ZeroMQ), notifier (log channel) -> deliverer
//   deliverer (detached: its own thread): outbox rows -> Telegram, email
#include <memory>
#include <string>
#include <vector>

#include "actors/actors.hpp"
#include "actors/arbiter/arbiter_core.hpp"
#include "actors/fetcher/check_reader.hpp"
#include "actors/fetcher/window_planner.hpp"
#include "common/clock.hpp"
#include "schedule/check_scheduler.hpp"
#include "messages/caf_types.hpp"
#include "messages/codec.hpp"
#include "messages/control.hpp"

namespace tn {
namespace storage { class Store; }
namespace notify { class Deliverer; }
class ZmqPublisher;

struct PipelineSpec {
  std::vector<StreamMeta> streams;            // index = stream id
  // The data: one planner per shard (its streams, the node's shared grid);
  // the number of planners is the number of indicator/signal shards.
  std::vector<std::shared_ptr<WindowPlanner>> planners;
  std::shared_ptr<storage::Store> store;      // ledger + event log (thread-safe, LMDB)
  std::shared_ptr<ZmqPublisher> publisher;    // may be null: no event stream
  std::string account, quote;
  Amount min_trade_value = 0;
  double fee_rate = 0;
  int64_t equity_interval_ms = 86400000;
  int64_t status_interval_ms = 6 * 3600000LL;
  // Live: portfolio.status on the clock's status boundaries too, not only
  // when a window carries time past one (replay and backtest: sim time only).
  bool status_on_clock = false;
  // Windows in flight per shard ahead of the arbiter (memory vs overlap).
  // 4: more overlap between the stages than 2 (bench/pipeline, 1000
  // streams: ratio 0.30-0.50 against 0.27-0.34), within the RSS target
  // (14.3-15.0 KB per stream with the allocator's one arena).
  uint32_t credit = 4;
  ProgressSink progress;       // optional: receives Progress messages
  bool publish_bars = false;   // market.bar events (planners must give full bars)

  // -- node modes (replay, live): set `readers` instead of `planners`; a
  // scheduler then drives the fetchers check by check.
  std::vector<std::shared_ptr<CheckAnswerer>> readers;  // one per shard
  bool blocking_fetch = false;  // live: fetchers do network I/O, each on its own thread
  std::shared_ptr<CheckScheduler> scheduler;
  int64_t replay_interval_ms = 0;     // replay: wall time between checks (0: flat out)
  int64_t resume_ms = INT64_MIN;      // restart: checks up to here were decided (warm up to it)
  PauseMode pause = PauseMode::running;
  Amount starting_capital = 0;        // with history: the portfolio rebuilt from the ledger
  std::vector<OrderResult> history;   // the account's orders so far, oldest first
  // Trading node of a cluster: every shard's fetcher and indicator
  // run on a data node; a shard link (actors/cluster/) stands in for each
  // shard's fetcher. stream_shard: the shard of each stream id.
  bool remote_shards = false;
  std::vector<uint32_t> stream_shard;
  // Outbox delivery (Telegram, email) with its channels added; null: the
  // log channel only (backtests). Owned by the deliverer actor once spawned.
  std::shared_ptr<notify::Deliverer> deliverer;
  // "Now" for every actor that reads the time: the scheduler's checks, the
  // deliverer's retries, the shard links' peer events, and those actors'
  // health stamps (the others' stay on the system clock: they read no time
  // of their own). The system clock in a process, a ManualClock in a test.
  ClockPtr clock = system_clock_ptr();
};

// The handles, typed by the interfaces of actors/actors.hpp.
struct Pipeline {
  caf::group events;
  ArbiterActor arbiter;
  ExecutorActor executor;
  PortfolioActor portfolio;
  caf::actor publisher, notifier;  // members of `events`: dynamically typed (actors.hpp)
  DelivererActor deliverer;  // detached; invalid when the spec had no deliverer
  SchedulerActor scheduler;  // node modes only
  // By shard, one of the three by mode: the backtest's fetchers, the node
  // modes' check fetchers, or on a cluster's trading node the shard links
  // standing in for the data nodes' fetchers (no indicators here).
  std::vector<FetcherActor> fetchers;
  std::vector<CheckFetcherActor> check_fetchers;
  std::vector<ShardLinkActor> shard_links;
  std::vector<IndicatorActor> indicators;
  std::vector<SignalActor> signals;
  bool remote_shards = false;  // shard_links, not fetchers
  caf::actor gateway;  // published to the data nodes: dynamically typed (actors.hpp)
  // Every actor by name, for `traderctl health`.
  std::vector<std::pair<std::string, HealthActor>> named() const;
};

// When an actor last handled a message, for `traderctl health`. Read from
// `clock`: the system clock unless the actor was handed another one.
struct Activity {
  int64_t last_ms = 0;
  const Clock* clock = &SystemClock::instance();
  void touch() { last_ms = clock->now_ms(); }
};
// The health_atom answer: msgpack of ActorHealth (mailbox read by its owner).
std::string health_of(caf::scheduled_actor* self, const std::string& name, const Activity& a);

Pipeline spawn_pipeline(caf::actor_system& sys, const PipelineSpec& spec);
// Runs the pipeline over all its data; the result, or the error that
// stopped it with its code (e.g. Errc::storage_full, "ledger full: ...").
// Blocks the caller.
Result<RunResult> run_to_end(caf::actor_system& sys, const Pipeline& p);
// Publishes every event logged so far, then answers (blocking the caller).
void flush_events(caf::actor_system& sys, const Pipeline& p);
// Tells every actor of the pipeline to exit.
void stop_pipeline(const Pipeline& p);

// Actor behaviours (one file per actor under actors/<name>/).
FetcherActor::behavior_type fetcher_actor(FetcherActor::pointer self,
                                          std::shared_ptr<WindowPlanner> planner,
                                          IndicatorActor indicator, uint32_t credit);
// Node modes: answers the scheduler's checks (warm-up windows first when
// the source has history to hand over).
// data.error and data.late events go to the store's log and the events
// group; a late bar's retry goes to the RetrySink attached (the scheduler).
// clock: "now" for the data state it reports (status) and its health stamp.
CheckFetcherActor::behavior_type check_fetcher_actor(CheckFetcherActor::pointer self,
                                                    std::shared_ptr<CheckAnswerer> source,
                                                    IndicatorActor indicator, std::vector<StreamMeta> streams,
                                                    std::shared_ptr<storage::Store> store, caf::group events,
                                                    ClockPtr clock);
// Sends checks to the fetchers (one timer, no polling), takes the arbiter's
// acks and persists the last decided check time (node_state "node.resume_ms").
// clock: "now" for the checks (live: the next bar close is armed against it).
SchedulerActor spawn_scheduler(caf::actor_system& sys, std::shared_ptr<CheckScheduler> core,
                               std::vector<CheckTarget> fetchers, int64_t interval_ms,
                               std::shared_ptr<storage::Store> store,
                               ClockPtr clock = system_clock_ptr());
inline const std::string kResumeKey = "node.resume_ms";
inline const std::string kPauseKey = "node.pause_mode";
// next: the shard's signal actor, or on a data node the trading node's shard link.
IndicatorActor::behavior_type indicator_actor(IndicatorActor::pointer self,
                                              std::vector<int32_t> ma_periods, SnapshotSink next);
// bar_log: where market.bar events go ([bus] publish_bars); null for none.
SignalActor::behavior_type signal_actor(SignalActor::pointer self, std::vector<StreamMeta> streams,
                                        int64_t equity_interval_ms, uint32_t shard, ArbiterActor arbiter,
                                        std::shared_ptr<storage::Store> bar_log, caf::group events);
ExecutorActor::behavior_type executor_actor(ExecutorActor::pointer self,
                                            std::shared_ptr<storage::Store> store, std::string account,
                                            std::string quote, Amount min_trade_value, double fee_rate,
                                            caf::group events);
// history: orders already in the ledger (a restart), applied from
// quote_balance = the starting capital, so positions and P&L carry over.
PortfolioActor::behavior_type portfolio_actor(PortfolioActor::pointer self,
                                              std::vector<StreamMeta> streams, std::string quote,
                                              Amount quote_balance, std::vector<OrderResult> history,
                                              int64_t status_interval_ms, int64_t equity_interval_ms,
                                              std::shared_ptr<storage::Store> store, caf::group events,
                                              ClockPtr status_clock);
// first_seq: the first log entry to publish/tell (decided before spawning:
// an actor's init may run later, after events were already appended).
caf::behavior publisher_actor(caf::event_based_actor* self, std::shared_ptr<ZmqPublisher> pub,
                              std::shared_ptr<storage::Store> store, caf::group events,
                              uint64_t first_seq);
// deliverer: told (wake) on every batch of new events; may be invalid.
caf::behavior notifier_actor(caf::event_based_actor* self, std::shared_ptr<storage::Store> store,
                             caf::group events, uint64_t first_seq, DelivererActor deliverer);
// Spawn detached (sends block on libcurl): drains the outbox on (wake), on
// its own timer at the Deliverer's next_wake_ms, and on (sync) -> bool, a
// last bounded drain before the node stops.
// clock: "now" for Deliverer::drain and the bounded last drain.
DelivererActor::behavior_type deliverer_actor(DelivererActor::pointer self,
                                              std::shared_ptr<storage::Store> store,
                                              std::shared_ptr<notify::Deliverer> core, ClockPtr clock);

}  // namespace tn
