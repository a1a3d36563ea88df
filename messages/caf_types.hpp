#pragma once
// CAF registration of every message type: the type-ID block, the atoms and
// the inspect() overloads CAF serializes with (needed for messages that
// cross nodes through the middleman). Only actors/ and tools/ include this.
// Debian's CAF has type-ID checks off, so each type gets a static_assert: a
// type missing from the block fails to compile instead of failing at run time.
#include <caf/all.hpp>

#include <cstring>
#include <string>
#include <type_traits>

#include "common/error.hpp"
#include "messages/events.hpp"
#include "messages/internal.hpp"
#include "messages/market.hpp"
#include "messages/orders.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(tn, caf::first_custom_type_id)
  CAF_ADD_TYPE_ID(tn, (tn::BarWindow))
  CAF_ADD_TYPE_ID(tn, (tn::SnapshotWindow))
  CAF_ADD_TYPE_ID(tn, (tn::SignalWindow))
  CAF_ADD_TYPE_ID(tn, (tn::OrderRequest))
  CAF_ADD_TYPE_ID(tn, (tn::OrderResult))
  CAF_ADD_TYPE_ID(tn, (tn::PortfolioFeed))
  CAF_ADD_TYPE_ID(tn, (tn::BalancesView))
  CAF_ADD_TYPE_ID(tn, (tn::RunResult))
  CAF_ADD_TYPE_ID(tn, (tn::Progress))
  CAF_ADD_TYPE_ID(tn, (tn::EventDraft))
  CAF_ADD_TYPE_ID(tn, (tn::PlaceOrders))
  CAF_ADD_TYPE_ID(tn, (tn::CheckRequest))
  CAF_ADD_TYPE_ID(tn, (tn::OrderResults))
CAF_END_TYPE_ID_BLOCK(tn)

// Our error codes are a CAF error category: caf::make_error(Errc, message)
// gives a caf::error that keeps the code and the message, within a node and
// across the cluster (CAF serializes the code, the category and the message).
CAF_ERROR_CODE_ENUM(tn::Errc, "tn")

namespace tn {

// Atoms (at most 10 characters each).
using start_atom = caf::atom_constant<caf::atom("start")>;
using ack_atom = caf::atom_constant<caf::atom("ack")>;
using events_atom = caf::atom_constant<caf::atom("events")>;
using run_atom = caf::atom_constant<caf::atom("run")>;
using report_atom = caf::atom_constant<caf::atom("report")>;
using balances_atom = caf::atom_constant<caf::atom("balances")>;
using sync_atom = caf::atom_constant<caf::atom("sync")>;
// Node control (the control endpoint's questions and orders to the actors).
// Answers are the msgpack bytes of the reply structs (messages/internal.hpp,
// messages/control.hpp) as std::string: the control thread sends them on
// as they are, so they need no CAF type of their own.
using pause_atom = caf::atom_constant<caf::atom("pause")>;    // + pause_mode string
using status_atom = caf::atom_constant<caf::atom("status")>;  // -> ArbiterStats, ScheduleView, SignalView, PeerStatus
using health_atom = caf::atom_constant<caf::atom("health")>;  // -> ActorHealth
using runnow_atom = caf::atom_constant<caf::atom("runnow")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
using view_atom = caf::atom_constant<caf::atom("view")>;      // + command, days -> body bytes
using close_atom = caf::atom_constant<caf::atom("close")>;    // + symbol, at_ms, now_ms -> OrderResult
// Cluster, across nodes through CAF's middleman:
//   data -> gateway: (join, node, shard, shard_count, fingerprint) -> (resume_ms, shard link)
//   data -> shard link: (attach, node, fetcher)   then checks flow to the fetcher
using join_atom = caf::atom_constant<caf::atom("join")>;
using attach_atom = caf::atom_constant<caf::atom("attach")>;
// The notification deliverer: (wake) drain now; (wake, at_ms) its timer.
using wake_atom = caf::atom_constant<caf::atom("wake")>;

// The columns of the windows that cross nodes travel as one
// block of bytes each (host byte order: every node of a cluster must be
// little-endian, as x86-64 and ARM64 Linux are):
// - CAF 0.17 serializes a double with its own IEEE-754 packing, which turns
//   NaN into an arbitrary number and loops forever on an infinity, and the
//   moving average is NaN until a stream has ma_period bars;
// - element by element, a 4096-bar window costs thousands of virtual calls;
//   a byte block is one copy (bench/distributed).
template <class T>
struct WireColumn {
  std::vector<T>* v;
};
template <class Inspector, class T>
typename Inspector::result_type inspect(Inspector& f, WireColumn<T>& x) {
  static_assert(std::is_trivially_copyable_v<T>);
  std::vector<char> bytes;
  if constexpr (Inspector::reads_state) {
    bytes.resize(x.v->size() * sizeof(T));
    if (!bytes.empty()) std::memcpy(bytes.data(), x.v->data(), bytes.size());
  }
  auto load = caf::meta::load_callback([&]() -> caf::error {
    if (bytes.size() % sizeof(T) != 0) return caf::make_error(caf::sec::invalid_argument);
    x.v->resize(bytes.size() / sizeof(T));
    if (!bytes.empty()) std::memcpy(x.v->data(), bytes.data(), bytes.size());
    return caf::none;
  });
  return f(bytes, load);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, BarWindow& x) {
  WireColumn<uint32_t> streams{&x.streams}, offsets{&x.offsets};
  WireColumn<int64_t> open_time{&x.open_time_ms}, check{&x.check_ms};
  WireColumn<double> open{&x.open}, high{&x.high}, low{&x.low}, close{&x.close}, volume{&x.volume};
  return f(caf::meta::type_name("BarWindow"), x.window, x.start_ms, x.end_ms, x.last,
           x.next_window, x.warmup, streams, offsets, open_time, open, high, low, close, volume, check);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SnapshotWindow& x) {
  WireColumn<double> ma{&x.ma};
  return f(caf::meta::type_name("SnapshotWindow"), x.bars, ma);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Candidate& x) {
  return f(caf::meta::type_name("Candidate"), x.stream, x.open_time_ms, x.close_time_ms, x.side,
           x.price, x.ma, x.distance, x.open_candle);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Mark& x) {
  return f(caf::meta::type_name("Mark"), x.stream, x.time_ms, x.price);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SignalWindow& x) {
  return f(caf::meta::type_name("SignalWindow"), x.window, x.end_ms, x.last, x.next_window,
           x.shard, x.bars,
           x.candidates, x.marks);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, OrderRequest& x) {
  return f(caf::meta::type_name("OrderRequest"), x.order_id, x.account, x.symbol, x.base, x.quote,
           x.timeframe, x.side, x.bar_open_time_ms, x.decided_at_ms, x.price, x.quote_amount,
           x.reason);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, OrderResult& x) {
  return f(caf::meta::type_name("OrderResult"), x.request, x.filled, x.reject_reason, x.quantity,
           x.value, x.fee, x.quote_after, x.base_after, x.event_seq, x.duplicate);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, PortfolioFeed& x) {
  return f(caf::meta::type_name("PortfolioFeed"), x.window, x.end_ms, x.last, x.fills, x.marks);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, EquityPoint& x) {
  return f(caf::meta::type_name("EquityPoint"), x.time_ms, x.value);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, BalancesView& x) {
  return f(caf::meta::type_name("BalancesView"), x.quote, x.base);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SignalEvent& x) {
  return f(caf::meta::type_name("SignalEvent"), x.symbol, x.timeframe, x.side, x.bar_open_time_ms,
           x.close_time_ms, x.price, x.ma, x.distance, x.ma_period, x.threshold, x.decision,
           x.reason);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, RunResult& x) {
  return f(caf::meta::type_name("RunResult"), x.bars, x.windows, x.signals, x.trades, x.rejected,
           x.signal_log, x.order_log, x.equity, x.final_quote, x.final_equity);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CheckRequest& x) {
  return f(caf::meta::type_name("CheckRequest"), x.window, x.now_ms, x.streams, x.last);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Progress& x) {
  return f(caf::meta::type_name("Progress"), x.bars, x.sim_time_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, EventDraft& x) {
  return f(caf::meta::type_name("EventDraft"), x.type, x.body, x.ts_ns);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, PlaceOrders& x) {
  return f(caf::meta::type_name("PlaceOrders"), x.orders, x.before);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, OrderResults& x) {
  return f(caf::meta::type_name("OrderResults"), x.results);
}

static_assert(caf::has_type_id<BarWindow>::value);
static_assert(caf::has_type_id<SnapshotWindow>::value);
static_assert(caf::has_type_id<SignalWindow>::value);
static_assert(caf::has_type_id<OrderRequest>::value);
static_assert(caf::has_type_id<OrderResult>::value);
static_assert(caf::has_type_id<PortfolioFeed>::value);
static_assert(caf::has_type_id<BalancesView>::value);
static_assert(caf::has_type_id<RunResult>::value);
static_assert(caf::has_type_id<Progress>::value);
static_assert(caf::has_type_id<EventDraft>::value);
static_assert(caf::has_type_id<PlaceOrders>::value);
static_assert(caf::has_type_id<OrderResults>::value);
static_assert(caf::has_type_id<CheckRequest>::value);

// -- errors across actors ------------------------------------------------
// A handler answers an Error as to_caf_error(e); whoever gets the answer
// reads it back with from_caf_error, code and message as they were sent.

inline caf::error to_caf_error(const Error& e) { return caf::make_error(e.code, e.message); }

// Ours as they were sent; CAF's own (a request timing out, a receiver that
// died) as Errc::timeout or Errc::internal, worded by CAF.
inline Error from_caf_error(caf::actor_system& sys, const caf::error& e) {
  if (e.category() == caf::atom("tn")) {
    const caf::message& ctx = e.context();
    return Error{static_cast<Errc>(e.code()),
                 ctx.match_elements<std::string>() ? ctx.get_as<std::string>(0) : std::string()};
  }
  const bool timed_out = e.category() == caf::atom("system") &&
                         e.code() == static_cast<uint8_t>(caf::sec::request_timeout);
  return Error{timed_out ? Errc::timeout : Errc::internal, sys.render(e)};
}

// Every actor system of the project: the message types, and how to word
// our errors (actor_system::render: "storage full: ledger full: ...", as
// Error::to_string).
inline void add_tn_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::tn>();
  cfg.add_error_category(caf::atom("tn"), [](uint8_t code, caf::atom_value, const caf::message& ctx) {
    Error e{static_cast<Errc>(code), ctx.match_elements<std::string>() ? ctx.get_as<std::string>(0) : ""};
    return e.to_string();
  });
}

}  // namespace tn
