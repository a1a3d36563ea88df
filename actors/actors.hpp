#pragma once
// Every actor's messaging interface, in one place: what each handler takes
// and what it answers. CAF checks at compile time that a behaviour handles
// exactly its interface and that whoever sends to a handle sends what it
// takes. Behaviours are in actors/<name>/*_actor.cpp; the wiring in
// pipeline.hpp.
//
// Three actors stay dynamically typed (caf::actor), and why:
// - the publisher and the notifier: members of the events group, a CAF
//   local group, which in CAF 0.17 only a dynamically typed actor can join
//   (the group forwards whatever is published to it);
// - the cluster's gateway and the data link: the actors the other node
//   holds. A typed remote_actor checks the interface when it connects and
//   fails with CAF's "unexpected interface" before the gateway can say why
//   it refuses a data node (another watchlist, not a configured peer), and
//   the data link's handle crosses in (attach) as a caf::actor.
// A typed actor tells the events group with caf::anon_send: CAF 0.17 lets a
// statically typed actor send() only to statically typed handles (the
// group's members read the log, never the sender).
#include <cstdint>
#include <string>
#include <vector>

#include "messages/caf_types.hpp"

namespace tn {

// Timers an actor sets for itself (delayed_send to self): part of its
// interface, since a typed actor can send itself only what it handles.
using tick_atom = caf::atom_constant<caf::atom("tick")>;            // the scheduler's
using status_tick_atom = caf::atom_constant<caf::atom("statustick")>;  // the portfolio's
using cron_tick_atom = caf::atom_constant<caf::atom("crontick")>;   // the daily jobs'
// One daily breakout job now (traderctl run-signals-now).
using run_signals_atom = caf::atom_constant<caf::atom("runsignals")>;
// Live: a late bar's stream is to be checked again at a time.
using retry_atom = caf::atom_constant<caf::atom("retry")>;

// Every actor of the pipeline answers (health) with the msgpack bytes of
// an ActorHealth: its mailbox and when it last handled a message.
using HealthApi = caf::replies_to<health_atom>::with<std::string>;
using HealthActor = caf::typed_actor<HealthApi>;

// Flow control from the arbiter: the backtest's fetchers, or in the node
// modes the scheduler standing in for them.
using FeederActor = caf::typed_actor<
    // The arbiter has loaded the book: send the first windows.
    caf::reacts_to<start_atom>,
    // Window N is decided: one more may come (the fetcher's credit).
    caf::reacts_to<ack_atom, uint64_t>>;

// Backtest: one per shard, hands its planner's windows to its indicator.
using FetcherActor = FeederActor::extend<HealthApi>;

// Whoever takes the scheduler's checks.
using CheckTarget = caf::typed_actor<
    // One check: answer with the bars closed by req.now_ms.
    caf::reacts_to<CheckRequest>>;

// Whoever takes a fetcher's retries of late bars: the scheduler.
using RetrySink = caf::typed_actor<
    // (stream, at_ms): check this stream again then (schedule/late_retry.hpp).
    caf::reacts_to<retry_atom, uint32_t, int64_t>>;

// Node modes: one per shard, answers checks with windows for its indicator;
// data errors become data.error events, late bars data.late events.
using CheckFetcherActor = CheckTarget::extend<
    // Where its retries go (spawn_pipeline, once the scheduler exists);
    // without one (a cluster's data node) a late bar waits for the next check.
    caf::reacts_to<attach_atom, RetrySink>,
    // Its streams' data state now: msgpack DataStateView (empty in replay).
    caf::replies_to<status_atom>::with<std::string>,
    HealthApi>;

// Whoever takes an indicator's snapshots: the shard's signal actor, or on a
// data node the trading node's shard link.
using SnapshotSink = caf::typed_actor<
    // One window of bars with its moving averages.
    caf::reacts_to<SnapshotWindow>>;

// One per shard: the moving averages of each window of bars.
using IndicatorActor = caf::typed_actor<
    // Computes the window's averages and sends the snapshot on.
    caf::reacts_to<BarWindow>,
    HealthApi>;

// One per shard: the MA-distance rule; candidates and marks to the arbiter.
using SignalActor = SnapshotSink::extend<
    // msgpack SignalView: per stream the last bar decided, with its price,
    // MA and distance (control: status).
    caf::replies_to<status_atom>::with<std::string>,
    HealthApi>;

// Receives the arbiter's progress (the backtest's progress line).
using ProgressSink = caf::typed_actor<
    // Bars decided so far and the simulated time reached.
    caf::reacts_to<Progress>>;

// The paper broker: applies an instant's orders to the ledger in one commit.
using ExecutorActor = caf::typed_actor<
    // The instant's orders (and the signal events logged with them): their
    // results, or the ledger's error with its Errc (storage_full stops the run).
    caf::replies_to<PlaceOrders>::with<OrderResults>,
    // The account's balances, to load the arbiter's book at the start.
    caf::replies_to<balances_atom>::with<BalancesView>,
    HealthApi>;

// Valuation and P&L from the arbiter's feed; portfolio.status events.
using PortfolioActor = caf::typed_actor<
    // A decided window's fills and marks.
    caf::reacts_to<PortfolioFeed>,
    // Live: the clock passed a status boundary (the timer's generation).
    caf::reacts_to<status_tick_atom, uint64_t>,
    // At the end of a run: equity curve, final value, drawdown.
    caf::replies_to<report_atom>::with<RunResult>,
    // A control view (positions, profit, daily, balance, value) for N days: msgpack body.
    caf::replies_to<view_atom, std::string, uint32_t>::with<std::string>,
    HealthApi>;

// Joins the shards' windows and decides instant by instant.
using ArbiterActor = caf::typed_actor<
    // Runs to the end, feeding back to these feeders (by shard): the result,
    // or the error that stopped it (the executor's, with its Errc).
    caf::replies_to<run_atom, std::vector<FeederActor>>::with<RunResult>,
    // One shard's part of a window.
    caf::reacts_to<SignalWindow>,
    // The pause mode, from the next instant on; answers it (msgpack) once in force.
    caf::replies_to<pause_atom, std::string>::with<std::string>,
    // Counts and the pause mode: msgpack ArbiterStats.
    caf::replies_to<status_atom>::with<std::string>,
    // traderctl close (symbol, the request's time, the node's now): sells
    // the whole position at the last known price between two decisions (it
    // waits while a window is being decided), in both pause modes. The
    // order's result (duplicate when this request was applied before), or
    // why not with its Errc (manual_close.hpp: not_found, rejected, busy).
    caf::replies_to<close_atom, std::string, int64_t, int64_t>::with<OrderResult>,
    HealthApi>;

// Node modes: sends the checks to the fetchers, one timer at a time, and
// persists the last decided check; stands in for the fetchers as feeder.
using SchedulerActor = FeederActor::extend<
    // Its own timer; ticks of a superseded timer are ignored.
    caf::reacts_to<tick_atom, uint64_t>,
    // The node stops: send the last check.
    caf::reacts_to<stop_atom>,
    // traderctl run-now: check every stream now.
    caf::reacts_to<runnow_atom>,
    // From a fetcher: a late bar's stream once more at a time (live).
    caf::reacts_to<retry_atom, uint32_t, int64_t>,
    // msgpack ScheduleView: per stream its last and next check, in the
    // node's clock (simulated in replay).
    caf::replies_to<status_atom>::with<std::string>,
    HealthApi>;

// Detached: drains the outbox (Telegram, email); sends block on libcurl.
using DelivererActor = caf::typed_actor<
    // From the notifier: events (and outbox rows) were appended.
    caf::reacts_to<events_atom>,
    // Drain now (queued to itself, bursts coalesced into one drain).
    caf::reacts_to<wake_atom>,
    // Its retry timer for time T; a superseded one is ignored.
    caf::reacts_to<wake_atom, int64_t>,
    // Before the node stops: a last bounded drain; answers true when done.
    caf::replies_to<sync_atom>::with<bool>,
    HealthApi>;

// Cluster trading node: stands in for a remote shard's fetcher.
using ShardLinkActor = caf::typed_actor<
    // From the scheduler: forwarded to the data node, or answered stale.
    caf::reacts_to<CheckRequest>,
    // From the data node's indicator: on to the signal actor.
    caf::reacts_to<SnapshotWindow>,
    // Through the gateway: (resume_ms, this link), or Errc::busy while an
    // old link of the shard is still up.
    caf::replies_to<join_atom, std::string>::with<int64_t, caf::actor>,
    // The data node's front (data link): checks go to it from now on.
    caf::reacts_to<attach_atom, std::string, caf::actor>,
    // The node stops: stop waiting for a data node.
    caf::reacts_to<stop_atom>,
    // msgpack PeerStatus.
    caf::replies_to<status_atom>::with<std::string>,
    HealthApi>;

// The node's daily breakout jobs (daily_jobs.hpp).
using DailyJobsActor = caf::typed_actor<
    // Its own timer for the earliest next job.
    caf::reacts_to<cron_tick_atom, uint64_t>,
    // (asset class, date "YYYY-MM-DD" or "") one job now: msgpack
    // RunSignalsBody, or the job's error with its Errc.
    caf::replies_to<run_signals_atom, std::string, std::string>::with<std::string>>;

}  // namespace tn
