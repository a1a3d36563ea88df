// The arbiter's CAF shell: gathers each window's signals from every shard,
// then decides instant by instant (ArbiterCore), placing each instant's
// orders with the executor as one batch (one ledger commit) and waiting for
// the results before the next instant. Within the batch each BUY is sized
// from the balance the orders before it leave (ArbiterCore::make_orders).
// An operator's close (manual_close.hpp) is decided between two windows,
// like an instant of its own.
#include <deque>
#include <optional>

#include "actors/arbiter/manual_close.hpp"
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
  // -- operator closes: waiting for the decisions in flight, and the one out
  PriceBoard prices;  // the last close of every stream, from decided windows
  struct PendingClose {
    CloseRequest req;
    caf::typed_response_promise<OrderResult> reply;
  };
  std::deque<PendingClose> closes;
  caf::typed_response_promise<OrderResult> close_out;  // the close with the executor
  Activity act;
  static inline const char* name = "arbiter";
};

using Self = ArbiterActor::stateful_base<ArbiterState>;

void decide_next(Self* self);
void start_window(Self* self, std::vector<SignalWindow> parts);
void try_advance(Self* self);
void resume(Self* self);
bool place_close(Self* self);

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
    resume(self);  // closes asked meanwhile, then the next window if complete
    return;
  }
  place_close(self);  // asked during the last window (a node that stays still takes them)
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
    SignalsFoundEvent found;
    for (const Intent& in : plan) {
      SignalEvent e = st.core->signal_event(in);
      const std::string& type = in.dropped ? topic::signal_dropped
                                : e.side == kBuy ? topic::signal_buy
                                                 : topic::signal_sell;
      drafts.push_back({type, encode(e), e.close_time_ms * 1'000'000});
      found.close_time_ms = e.close_time_ms;
      found.signals.push_back(e);
      st.result.signal_log.push_back(std::move(e));
      ++st.result.signals;
    }
    if (!found.signals.empty())
      drafts.push_back({topic::signals_found, encode(found), found.close_time_ms * 1'000'000});
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

// The close's result: the book and the portfolio take it like any fill.
void close_done(Self* self, OrderResult r) {
  auto& st = self->state;
  if (!r.duplicate) {
    st.book.apply(r);
    (r.filled ? st.result.trades : st.result.rejected)++;
    const int64_t t = r.request.decided_at_ms;
    self->send(st.portfolio, PortfolioFeed{st.window, t + 1, false, {r}, {}});
    st.result.order_log.push_back(r);
  }
  st.close_out.deliver(std::move(r));
}

// Places the oldest waiting close, if no decision is in flight. Answers the
// ones that cannot be placed (unknown symbol, no position, no price) at
// once. True while a close is out.
bool place_close(Self* self) {
  auto& st = self->state;
  while (!st.busy && !st.closes.empty()) {
    auto c = std::move(st.closes.front());
    st.closes.pop_front();
    if (st.failed) {
      c.reply.deliver(to_caf_error(make_error(Errc::internal, "the arbiter stopped after a ledger error")));
      continue;
    }
    // A request applied before (sent again) answers as it did then.
    auto prior = st.store->ledger().find_order(close_order_id(st.core->account(), c.req.symbol, c.req.at_ms));
    if (!prior) {
      c.reply.deliver(to_caf_error(prior.error()));
      continue;
    }
    if (*prior) {
      (*prior)->duplicate = true;
      c.reply.deliver(std::move(**prior));
      continue;
    }
    auto order = plan_close(*st.core, st.prices, st.book, c.req);
    if (!order) {
      c.reply.deliver(to_caf_error(order.error()));
      continue;
    }
    st.busy = true;
    st.close_out = std::move(c.reply);
    self->request(st.executor, caf::infinite, PlaceOrders{{std::move(*order)}, {}})
        .then(
            [=](OrderResults& rs) {
              self->state.busy = false;
              if (rs.results.size() == 1)
                close_done(self, std::move(rs.results.front()));
              else
                self->state.close_out.deliver(to_caf_error(make_error(Errc::internal, "no result for the close")));
              resume(self);
            },
            [=](caf::error& e) {
              // Nothing of it was kept (one transaction): the operator hears
              // why, the strategy's decisions go on.
              self->state.busy = false;
              self->state.close_out.deliver(std::move(e));
              resume(self);
            });
    return true;
  }
  return st.busy;
}

// Between two decisions: waiting closes first, then the next window.
void resume(Self* self) {
  if (!place_close(self)) try_advance(self);
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
    st.prices.note(p.marks);
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
  st.prices = PriceBoard(st.core->stream_count());
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
      [=](close_atom, const std::string& symbol, int64_t at_ms, int64_t now_ms) -> caf::result<OrderResult> {
        auto& s = self->state;
        s.act.touch();
        auto reply = self->make_response_promise<OrderResult>();
        s.closes.push_back({CloseRequest{symbol, at_ms, now_ms}, reply});
        resume(self);
        return reply;
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
