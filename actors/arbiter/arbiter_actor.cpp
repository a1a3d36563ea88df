// The arbiter's CAF shell: gathers each window's signals from every shard,
// then decides instant by instant (ArbiterCore), placing each instant's
// orders with the executor as one batch (one ledger commit) and waiting for
// the results before the next instant. Within the batch each BUY is sized
// from the balance the orders before it leave (ArbiterCore::make_orders).
#include <optional>

#include "actors/arbiter/window_join.hpp"
#include "actors/pipeline.hpp"
#include "common/stage_probe.hpp"
#include "messages/codec.hpp"
#include "storage/store.hpp"

namespace tn {
namespace {

struct ArbiterState {
  // -- constant after construction
  std::unique_ptr<ArbiterCore> core;
  storage::LedgerRules rules;  // the executor's, to size an instant's orders
  uint32_t shards = 1;
  ExecutorActor executor;
  PortfolioActor portfolio;
  ProgressSink progress;
  std::shared_ptr<storage::Store> store;
  caf::group events;
  // -- the run
  std::vector<FeederActor> fetchers;  // by shard
  caf::typed_response_promise<RunResult> done;
  Book book;
  PauseMode pause = PauseMode::running;
  WindowJoin join;                     // the shards' parts until a window is complete
  std::vector<uint32_t> contributors;  // shards in the window being decided
  bool busy = false;
  RunResult result;
  // -- the window being decided
  std::vector<std::vector<Candidate>> instants;
  size_t instant = 0;
  PortfolioFeed feed;
  uint64_t window = 0;
  int64_t end_ms = 0;
  bool failed = false;
  Activity act;
  static inline const char* name = "arbiter";
};

using Self = ArbiterActor::stateful_base<ArbiterState>;

void decide_next(Self* self);
void start_window(Self* self, std::vector<SignalWindow> parts);
void try_advance(Self* self);

void log_events(Self* self, std::vector<storage::EventLog::Draft> drafts) {
  if (drafts.empty()) return;
  auto seqs = self->state.store->events().append_batch(drafts);
  if (!seqs) {
    self->state.failed = true;
    self->state.done.deliver(to_caf_error(seqs.error()));
    return;
  }
  caf::anon_send(self->state.events, events_atom::value, seqs->back());
}

void finish_window(Self* self) {
  auto& st = self->state;
  st.feed.window = st.window;
  st.feed.end_ms = st.end_ms;
  st.feed.last = st.join.all_finished();
  self->send(st.portfolio, std::move(st.feed));
  st.feed = PortfolioFeed{};
  ++st.result.windows;
  if (st.progress) self->send(st.progress, Progress{st.result.bars, st.end_ms});
  for (uint32_t shard : st.contributors) self->send(st.fetchers[shard], ack_atom::value, st.window);
  st.busy = false;
  if (!st.join.all_finished()) {
    try_advance(self);  // the next window may already be complete
    return;
  }
  // Every shard sent its last window: the portfolio gets its final feed
  // before the report request (same sender, so in order), then it is over.
  self->request(st.portfolio, caf::infinite, report_atom::value)
      .then([=](RunResult& r) {
        auto& res = self->state.result;
        res.equity = std::move(r.equity);
        res.final_equity = r.final_equity;
        res.final_quote = self->state.book.quote;
        self->state.done.deliver(std::move(res));
      });
}

// Starts the next complete window (WindowJoin: lowest first, once every
// shard that will send it has); one at a time.
void try_advance(Self* self) {
  auto& st = self->state;
  if (st.busy || st.failed) return;
  std::optional<JoinedWindow> w = st.join.next_ready();
  if (!w) return;
  st.contributors = std::move(w->contributors);
  st.window = w->window;
  st.busy = true;
  start_window(self, std::move(w->parts));
}

// Places the instant's orders as one batch; its signal events go with it
// (the executor logs them in the same commit).
void place(Self* self, std::vector<OrderRequest> orders, std::vector<EventDraft> signals) {
  auto& st = self->state;
  probe::note_placed(st.window);
  probe::mark(probe::order_placed, st.window);
  PlaceOrders req{std::move(orders), std::move(signals)};
  // No timeout: the executor is local and always answers (an error when the
  // ledger refuses, request_receiver_down if it died). A timeout would cost
  // two wake-ups of CAF's clock thread per instant (set, cancel), which on a
  // busy node delays other threads (bench/latency).
  // then, not await: while the orders are out, the arbiter still answers
  // pause and status (a pause must not wait behind a run of windows that
  // each place orders), and takes new windows into `pending`; `busy` keeps
  // the decisions themselves one at a time and in order.
  self->request(st.executor, caf::infinite, std::move(req))
      .then(
          [=](OrderResults& rs) {
            auto& s = self->state;
            for (OrderResult& r : rs.results) {
              // A duplicate was applied before a restart: the book (loaded
              // from the ledger) and the portfolio already hold it.
              if (r.duplicate) continue;
              s.book.apply(r);
              (r.filled ? s.result.trades : s.result.rejected)++;
              s.feed.fills.push_back(r);
              s.result.order_log.push_back(std::move(r));
            }
            decide_next(self);
          },
          [=](caf::error& e) {
            // The ledger refused to record (full, unwritable): stop the run,
            // nothing half-done (the instant's orders were one transaction).
            self->state.failed = true;
            self->state.done.deliver(std::move(e));
          });
}

// Works through the current window, instant by instant.
void decide_next(Self* self) {
  auto& st = self->state;
  if (st.failed) return;
  while (st.instant < st.instants.size()) {
    const std::vector<Intent> plan = st.core->plan_instant(st.instants[st.instant++], st.book, st.pause);
    std::vector<storage::EventLog::Draft> drafts;
    for (const Intent& in : plan) {
      SignalEvent e = st.core->signal_event(in);
      const std::string& type = in.dropped ? topic::signal_dropped
                                : e.side == kBuy ? topic::signal_buy
                                                 : topic::signal_sell;
      drafts.push_back({type, encode(e), e.close_time_ms * 1'000'000});
      st.result.signal_log.push_back(std::move(e));
      ++st.result.signals;
    }
    std::vector<OrderRequest> orders = st.core->make_orders(plan, st.book, st.rules);
    if (!orders.empty()) {  // the executor logs the signals with the orders
      place(self, std::move(orders), std::move(drafts));
      return;  // resumes from the executor's answer
    }
    log_events(self, std::move(drafts));
    if (st.failed) return;
  }
  finish_window(self);
}

void start_window(Self* self, std::vector<SignalWindow> parts) {
  auto& st = self->state;
  std::vector<Candidate> all;
  st.feed = PortfolioFeed{};
  for (auto& p : parts) {
    st.result.bars += p.bars;
    st.end_ms = p.end_ms;
    all.insert(all.end(), p.candidates.begin(), p.candidates.end());
    st.feed.marks.insert(st.feed.marks.end(), p.marks.begin(), p.marks.end());
  }
  sort_by_instant(all);
  st.instants.clear();
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].close_time_ms == all[i].close_time_ms) ++j;
    st.instants.emplace_back(all.begin() + i, all.begin() + j);
    i = j;
  }
  st.instant = 0;
  decide_next(self);
}

}  // namespace

ArbiterActor::behavior_type arbiter_actor_impl(Self* self, ArbiterCore core, uint32_t shards,
                                               ExecutorActor executor, PortfolioActor portfolio,
                                               std::shared_ptr<storage::Store> store, caf::group events,
                                               ProgressSink progress, PauseMode pause,
                                               storage::LedgerRules rules) {
  auto& st = self->state;
  st.pause = pause;
  st.rules = rules;
  st.core = std::make_unique<ArbiterCore>(std::move(core));
  st.shards = shards;
  st.executor = executor;
  st.portfolio = portfolio;
  st.store = std::move(store);
  st.events = events;
  st.progress = progress;
  return {
      [=](run_atom, std::vector<FeederActor> fetchers) -> caf::result<RunResult> {
        auto& s = self->state;
        s.fetchers = std::move(fetchers);
        s.join.reset(static_cast<uint32_t>(s.fetchers.size()));
        s.done = self->make_response_promise<RunResult>();
        self->request(s.executor, std::chrono::seconds(30), balances_atom::value)
            .await([=](BalancesView& b) {
              self->state.book.quote = b.quote;
              self->state.book.base = b.base;
              for (const auto& f : self->state.fetchers) self->send(f, start_atom::value);
            });
        return s.done;
      },
      [=](SignalWindow& w) {
        auto& s = self->state;
        s.act.touch();
        probe::mark(probe::arbiter_part, w.window);
        if (!s.join.add(std::move(w))) return;  // not a shard of this run
        try_advance(self);
      },
      // Takes effect from the next instant planned: an order of the instant
      // being placed completes (decisions are finished or abandoned whole).
      // The answer (the mode, as msgpack) tells the control endpoint it is
      // in force, so the control.action event it logs comes after it.
      [=](pause_atom, const std::string& mode) -> std::string {
        auto& p = self->state.pause;
        p = mode == pause_mode::paused         ? PauseMode::paused
            : mode == pause_mode::entries_only ? PauseMode::entries_only
                                               : PauseMode::running;
        return encode(mode);
      },
      [=](status_atom) -> std::string {
        const auto& s = self->state;
        ArbiterStats a;
        a.pause_mode = s.pause == PauseMode::paused         ? pause_mode::paused
                       : s.pause == PauseMode::entries_only ? pause_mode::entries_only
                                                            : pause_mode::running;
        a.windows = s.result.windows;
        a.signals = s.result.signals;
        a.trades = s.result.trades;
        a.rejected = s.result.rejected;
        return encode(a);
      },
      [=](health_atom) { return health_of(self, "arbiter", self->state.act); },
  };
}

ArbiterActor spawn_arbiter(caf::actor_system& sys, ArbiterCore core, uint32_t shards,
                           ExecutorActor executor, PortfolioActor portfolio,
                           std::shared_ptr<storage::Store> store, caf::group events,
                           ProgressSink progress, PauseMode pause, storage::LedgerRules rules) {
  return sys.spawn(arbiter_actor_impl, std::move(core), shards, executor, portfolio,
                   std::move(store), events, progress, pause, rules);
}

}  // namespace tn
