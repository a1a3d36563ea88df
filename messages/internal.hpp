#pragma once
// Messages that only travel between the node's own actors (not published).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "common/amount.hpp"
#include "messages/event_draft.hpp"
#include "messages/events.hpp"
#include "messages/market.hpp"
#include "messages/orders.hpp"

namespace tn {

// Arbiter -> portfolio, once per window: what was filled and the marks,
// so valuation follows the same simulated time as the decisions.
struct PortfolioFeed {
  uint64_t window = 0;
  int64_t end_ms = 0;  // everything closing before this is in this or earlier feeds
  bool last = false;   // the run's final feed
  std::vector<OrderResult> fills;
  std::vector<Mark> marks;
  MSGPACK_DEFINE_MAP(window, end_ms, last, fills, marks);
};

struct EquityPoint {
  int64_t time_ms = 0;
  Amount value = 0;
  MSGPACK_DEFINE_MAP(time_ms, value);
};

// Balances as the executor's ledger has them (the arbiter's starting book).
struct BalancesView {
  Amount quote = 0;
  std::map<std::string, Amount> base;
  MSGPACK_DEFINE_MAP(quote, base);
};

// Everything a finished run reports; the backtest writes its files from it.
struct RunResult {
  uint64_t bars = 0, windows = 0, signals = 0, trades = 0, rejected = 0;
  std::vector<SignalEvent> signal_log;  // every signal, with its decision
  std::vector<OrderResult> order_log;   // every order: fills and rejections
  std::vector<EquityPoint> equity;
  Amount final_quote = 0, final_equity = 0;  // drawdowns: notify/performance.hpp, from `equity`
  MSGPACK_DEFINE_MAP(bars, windows, signals, trades, rejected, signal_log, order_log, equity,
                     final_quote, final_equity);
};

// Scheduler -> fetcher (node modes): check these streams now. Every shard
// gets every check (window ids are consecutive) and answers with a window,
// empty when none of its streams was due or had a new bar; `last` ends the run.
struct CheckRequest {
  uint64_t window = 0;
  int64_t now_ms = 0;              // the (simulated) time of the check
  std::vector<uint32_t> streams;   // due streams of this shard, ascending
  bool last = false;
  MSGPACK_DEFINE_MAP(window, now_ms, streams, last);
};

// What the arbiter has decided so far in this process (control: status).
struct ArbiterStats {
  std::string pause_mode;  // control.hpp pause_mode::*
  uint64_t windows = 0, signals = 0, trades = 0, rejected = 0;
  MSGPACK_DEFINE_MAP(pause_mode, windows, signals, trades, rejected);
};

// The scheduler's view (control: status): per stream its last and next check.
struct ScheduleStream {
  uint32_t stream = 0;
  int64_t last_check_ms = 0;  // 0: never
  uint64_t checks = 0;
  int64_t next_check_ms = 0;  // 0: no check left (the replay's last was sent)
  MSGPACK_DEFINE_MAP(stream, last_check_ms, checks, next_check_ms);
};
struct ScheduleView {
  int64_t now_ms = 0;  // the node's clock: simulated in replay, the wall clock live
  uint64_t checks = 0;
  std::vector<ScheduleStream> streams;
  MSGPACK_DEFINE_MAP(now_ms, checks, streams);
};

// A signal shard's view (control: status): per stream of the shard that has
// had a bar, the last bar it decided (warm-up history included: those bars
// were decided before a restart). ma and distance are NaN while the stream
// has fewer bars than its ma_period.
struct SignalStream {
  uint32_t stream = 0;
  int64_t last_bar_ms = 0;  // open time
  double price = 0, ma = 0, distance = 0;
  MSGPACK_DEFINE_MAP(stream, last_bar_ms, price, ma, distance);
};
struct SignalView {
  std::vector<SignalStream> streams;  // ascending by stream id
  MSGPACK_DEFINE_MAP(streams);
};

// A live fetcher's view of its streams' data (control: status).
namespace data_state {
inline const std::string ok = "ok";            // the newest closed bar is in hand
inline const std::string waiting = "waiting";  // the next bar has closed, its check is to come
inline const std::string late = "late";        // the check's answer lacked the bar: asking again
inline const std::string stale = "stale";      // the bar never came within its late window
inline const std::string failing = "failing";  // the last fetch failed
}  // namespace data_state
struct StreamDataState {
  uint32_t stream = 0;
  std::string state;   // data_state::*
  std::string reason;  // for people: which bar, since when, attempts, the error
  int64_t since_ms = 0;
  MSGPACK_DEFINE_MAP(stream, state, reason, since_ms);
};
struct DataStateView {
  std::vector<StreamDataState> streams;
  MSGPACK_DEFINE_MAP(streams);
};

// The arbiter's orders of one instant to the executor, applied in order in
// one ledger transaction, and the events to log just before the first
// trade event (the instant's signals; not logged again when the first
// order is a duplicate: they were logged with it the first time). Signals
// and fill are one commit (one fsync on a durable node): a crash keeps both
// or neither.
struct PlaceOrders {
  std::vector<OrderRequest> orders;
  std::vector<EventDraft> before;
  MSGPACK_DEFINE_MAP(orders, before);
};

// The executor's answer: one result per order, in the same order.
struct OrderResults {
  std::vector<OrderResult> results;
  MSGPACK_DEFINE_MAP(results);
};

// Progress of a long run, for a terminal.
struct Progress {
  uint64_t bars = 0;
  int64_t sim_time_ms = 0;
  MSGPACK_DEFINE_MAP(bars, sim_time_ms);
};

}  // namespace tn
