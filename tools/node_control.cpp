#include "tools/node_control.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <map>

#include <spdlog/spdlog.h>

#include "actors/arbiter/manual_close.hpp"
#include "actors/daily_jobs/daily_jobs.hpp"
#include "actors/portfolio/trade_history.hpp"
#include "common/clock.hpp"
#include "storage/reconcile.hpp"
#include "storage/store.hpp"

namespace tn {

namespace {

constexpr auto kAskTimeout = std::chrono::seconds(5);
constexpr uint64_t kReplayDefault = 1000, kReplayMax = 10000;

// Asks an actor; its answer is msgpack bytes (see caf_types.hpp).
template <class Handle, class... Ts>
Result<std::string> ask(const NodeControlContext& ctx, const Handle& who, Ts&&... xs) {
  caf::scoped_actor self{*ctx.sys};
  Result<std::string> out = make_error(Errc::internal, "no answer");
  self->request(who, kAskTimeout, std::forward<Ts>(xs)...)
      .receive([&](std::string& bytes) { out = std::move(bytes); },
               [&](caf::error& e) { out = from_caf_error(*ctx.sys, e); });
  return out;
}

template <class T, class Handle>
Result<T> ask_as(const NodeControlContext& ctx, const Handle& who, auto&&... xs) {
  auto bytes = ask(ctx, who, std::forward<decltype(xs)>(xs)...);
  if (!bytes) return bytes.error();
  return decode<T>(*bytes);
}

ControlReply ok(const ControlRequest& req, std::string body) { return make_ok_reply(req, std::move(body)); }
ControlReply fail(const ControlRequest& req, const std::string& why) { return make_error_reply(req.id, why); }
ControlReply ack(const ControlRequest& req, const std::string& message) {
  return ok(req, encode(AckBody{message}));
}

// Per stream: its checks (the scheduler) and the last bar decided (the
// signal shards). A stream no shard has decided a bar of yet warms up.
Result<std::vector<WatchEntry>> watch_entries(const NodeControlContext& ctx, const ScheduleView& sch) {
  std::map<uint32_t, SignalStream> decided;
  for (const SignalActor& shard : ctx.pipeline->signals) {
    auto v = ask_as<SignalView>(ctx, shard, status_atom::value);
    if (!v) return v.error();
    for (const SignalStream& s : v->streams) decided[s.stream] = s;
  }
  constexpr double kNone = std::numeric_limits<double>::quiet_NaN();  // JSON null
  std::vector<WatchEntry> out;
  for (const ScheduleStream& s : sch.streams) {
    WatchEntry w{s.stream < ctx.stream_names.size() ? ctx.stream_names[s.stream] : "?", s.last_check_ms,
                 s.checks};
    w.next_check_ms = s.next_check_ms;
    w.warming_up = true;
    w.price = w.ma = w.distance = kNone;
    if (auto d = decided.find(s.stream); d != decided.end()) {
      w.last_bar_ms = d->second.last_bar_ms;
      w.price = d->second.price;
      w.ma = d->second.ma;
      w.distance = d->second.distance;
      w.warming_up = std::isnan(w.ma);  // fewer bars than its ma_period
    }
    out.push_back(std::move(w));
  }
  return out;
}

// executed / (executed + failed); 1 with no trades yet: nothing has failed.
double success_rate(uint64_t executed, uint64_t failed) {
  const uint64_t all = executed + failed;
  return all ? static_cast<double>(executed) / static_cast<double>(all) : 1.0;
}

// Trade counts and the success rate, from the ledger's order history.
Status count_trades(const NodeControlContext& ctx, StatusBody& b) {
  auto orders = ctx.store->ledger().orders(ctx.account);
  if (!orders) return orders.error();
  for (const OrderResult& o : *orders) (o.filled ? b.trades_executed : b.trades_failed)++;
  b.success_rate = success_rate(b.trades_executed, b.trades_failed);
  return Status::OK();
}

// Each live fetcher's data state per stream, into the watchlist (by
// stream id). A fetcher busy with a slow fetch answers after its blocking
// HTTP call: waited for a second at most, then its streams say so.
void add_data_states(const NodeControlContext& ctx, const std::vector<ScheduleStream>& streams,
                     std::vector<WatchEntry>& watchlist) {
  std::map<uint32_t, StreamDataState> by_stream;
  bool busy = false;
  for (const auto& f : ctx.pipeline->check_fetchers) {
    caf::scoped_actor self{*ctx.sys};
    self->request(f, std::chrono::seconds(1), status_atom::value)
        .receive(
            [&](std::string& bytes) {
              if (auto v = decode<DataStateView>(bytes))
                for (auto& d : v->streams) by_stream[d.stream] = std::move(d);
            },
            [&](caf::error&) { busy = true; });
  }
  for (size_t i = 0; i < streams.size() && i < watchlist.size(); ++i) {
    auto it = by_stream.find(streams[i].stream);
    if (it != by_stream.end()) {
      watchlist[i].data_state = it->second.state;
      watchlist[i].data_reason = it->second.reason;
    } else if (busy) {
      watchlist[i].data_reason = "its fetcher did not answer within 1 s (fetching)";
    }
  }
}

ControlReply status(const NodeControlContext& ctx, const ControlRequest& req) {
  auto arb = ask_as<ArbiterStats>(ctx, ctx.pipeline->arbiter, status_atom::value);
  auto sch = ask_as<ScheduleView>(ctx, ctx.pipeline->scheduler, status_atom::value);
  auto value = ask_as<std::string>(ctx, ctx.pipeline->portfolio, view_atom::value, std::string("value"), uint32_t{0});
  auto streams = sch ? watch_entries(ctx, *sch) : sch.error();
  auto free_quote = ctx.store->ledger().balance(ctx.account, ctx.quote);
  auto outbox = ctx.store->outbox().depth();
  StatusBody b;
  const Status trades = count_trades(ctx, b);
  for (const Error* e : {arb ? nullptr : &arb.error(), sch ? nullptr : &sch.error(),
                         value ? nullptr : &value.error(), streams ? nullptr : &streams.error(),
                         free_quote ? nullptr : &free_quote.error(), outbox ? nullptr : &outbox.error(),
                         trades ? nullptr : &trades.error()})
    if (e) return fail(req, "status unavailable: " + e->message);
  b.mode = ctx.mode;
  b.node = ctx.node;
  b.pause_mode = arb->pause_mode;
  b.paused = arb->pause_mode != pause_mode::running;
  b.run_trades_executed = arb->trades;  // the arbiter's count since this start
  b.run_trades_failed = arb->rejected;
  b.run_success_rate = success_rate(arb->trades, arb->rejected);
  b.uptime_s = (wall_clock_ms() - ctx.started_ms) / 1000;
  b.workers = static_cast<uint32_t>(ctx.sys->scheduler().num_workers());
  b.now_ms = sch->now_ms;
  b.state = ctx.finished && ctx.finished->load() ? run_state::finished : run_state::running;
  b.watchlist = std::move(*streams);
  add_data_states(ctx, sch->streams, b.watchlist);
  b.signal_checks = sch->checks;
  b.portfolio_value = *value;
  b.free_quote = format_amount(*free_quote);
  b.quote = ctx.quote;
  for (const auto& d : *outbox) b.outbox.push_back({d.channel, d.depth, d.oldest_queued_ms});
  if (ctx.pipeline->remote_shards) {  // a cluster's trading node: its data nodes
    b.role = "trading";
    for (const auto& link : ctx.pipeline->shard_links)
      if (auto v = ask_as<PeerStatus>(ctx, link, status_atom::value)) b.peers.push_back(*v);
  }
  return ok(req, encode(b));
}

ControlReply health(const NodeControlContext& ctx, const ControlRequest& req) {
  HealthBody b;
  b.now_ms = wall_clock_ms();
  for (const auto& [name, actor] : ctx.pipeline->named()) {
    auto h = ask_as<ActorHealth>(ctx, actor, health_atom::value);
    ActorHealth e = h ? *h : ActorHealth{};
    e.name = name;  // the pipeline's name (with the shard)
    b.actors.push_back(std::move(e));
  }
  return ok(req, encode(b));
}

ControlReply set_pause(const NodeControlContext& ctx, const ControlRequest& req, const std::string& mode) {
  // Durable first: the flag must survive a restart.
  if (Status s = ctx.store->state().put(kPauseKey, encode(mode)); !s)
    return fail(req, "cannot store the pause flag: " + s.error().message);
  // Asked, not told: the reply comes once the arbiter has the new mode, so
  // the control.action event (logged after this returns) follows it and at
  // most the one instant being decided then is decided after it.
  if (auto in_force = ask(ctx, ctx.pipeline->arbiter, pause_atom::value, mode); !in_force) {
    spdlog::error("control: {} ({}) asked by {} (request {}) not in force: {}", req.command, mode, req.peer, req.id,
                  in_force.error().message);
    return fail(req, "the arbiter did not take the pause: " + in_force.error().message);
  }
  const std::string what = mode == pause_mode::running ? "resumed"
                           : mode == pause_mode::paused ? "paused"
                                                        : "paused (entries only: SELLs go on)";
  // The node's own log says who stopped or restarted its trading, and when.
  spdlog::info("control: {} by {} (request {}): trading {} (mode {})", req.command, req.peer, req.id, what, mode);
  return ack(req, what);
}

ControlReply replay(const NodeControlContext& ctx, const ControlRequest& req) {
  auto from = control_arg_u64(req, control_arg::from_seq, 1, UINT64_MAX);
  auto max = control_arg_u64(req, control_arg::max, kReplayDefault, kReplayMax);
  if (!from) return fail(req, from.error().message);
  if (!max) return fail(req, max.error().message);
  auto rows = ctx.store->events().read_from(*from, *max);
  if (!rows) return fail(req, rows.error().message);
  std::vector<std::string> envelopes;
  for (auto& [seq, bytes] : *rows) envelopes.push_back(std::move(bytes));
  return ok(req, encode_replay_body(envelopes));
}

ControlReply verify(const NodeControlContext& ctx, const ControlRequest& req) {
  auto chain = ctx.store->events().verify_chain();
  if (!chain) return fail(req, chain.error().message);
  auto rec = storage::reconcile(ctx.store->ledger(), ctx.account);
  if (!rec) return fail(req, rec.error().message);
  VerifyBody b;
  b.events_checked = chain->checked;
  b.chain_ok = chain->ok;
  b.orders_checked = rec->orders;
  b.ledger_ok = rec->ok;
  b.problems = chain->problems;
  b.problems.insert(b.problems.end(), rec->problems.begin(), rec->problems.end());
  return ok(req, encode(b));
}

// traderctl close: the arbiter sells the whole position between two of
// its decisions (actors/arbiter/manual_close.hpp). A rejected SELL is an
// error for the operator, though logged as trade.rejected like any.
ControlReply close_position(const NodeControlContext& ctx, const ControlRequest& req) {
  auto args = decode_close_args(req);
  if (!args) return fail(req, args.error().message);
  const int64_t at_ms = args->at_ms ? args->at_ms : wall_clock_ms();
  // The node's clock for the order's time: the schedule's in a replay
  // (simulated), the wall's when live.
  auto sch = ask_as<ScheduleView>(ctx, ctx.pipeline->scheduler, status_atom::value);
  if (!sch) return fail(req, "the scheduler did not answer: " + sch.error().message);
  const int64_t now_ms = ctx.mode == "replay" ? sch->now_ms : wall_clock_ms();
  caf::scoped_actor self{*ctx.sys};
  ControlReply out = fail(req, "no answer");
  self->request(ctx.pipeline->arbiter, kAskTimeout, close_atom::value, args->symbol, at_ms, now_ms)
      .receive(
          [&](OrderResult& r) {
            out = r.filled ? ok(req, encode(close_body(r))) : fail(req, describe_close(r));
          },
          [&](caf::error& e) { out = fail(req, from_caf_error(*ctx.sys, e).message); });
  return out;
}

// traderctl trades: the ledger's orders, read here (no actor holds them).
ControlReply trades(const NodeControlContext& ctx, const ControlRequest& req) {
  auto q = decode_trades_args(req);
  if (!q) return fail(req, q.error().message);
  auto orders = ctx.store->ledger().orders(ctx.account);
  if (!orders) return fail(req, "trades unavailable: " + orders.error().message);
  return ok(req, encode(trades_body(*orders, *q, ctx.quote)));
}

// One daily breakout job now (actors/daily_jobs/daily_jobs.hpp).
ControlReply run_signals_now(const NodeControlContext& ctx, const ControlRequest& req) {
  auto cls = req.args.find(control_arg::asset_class);
  if (cls == req.args.end() || (cls->second != "equity" && cls->second != "crypto"))
    return fail(req, "run-signals-now: asset_class must be equity or crypto");
  if (!ctx.daily_jobs) return fail(req, "no [strategies.breakout.*] in the config: no daily jobs");
  auto date = req.args.find(control_arg::date);
  caf::scoped_actor self{*ctx.sys};
  ControlReply out = fail(req, "no answer");
  self->request(ctx.daily_jobs, std::chrono::seconds(60), run_signals_atom::value, cls->second,
                date == req.args.end() ? std::string() : date->second)
      .receive([&](std::string& bytes) { out = ok(req, std::move(bytes)); },
               [&](caf::error& e) { out = fail(req, from_caf_error(*ctx.sys, e).message); });
  return out;
}

// Sends now, bypassing the outbox (blocks this control thread for at most
// the SMTP timeout): ok, or the server's answer.
ControlReply test_email(const NodeControlContext& ctx, const ControlRequest& req) {
  if (!ctx.email) return fail(req, ctx.email_off.empty() ? "channel email off" : ctx.email_off);
  if (Status s = notify::send_test_email(*ctx.email); !s)
    return fail(req, "test email not sent: " + s.error().message);
  std::string to;
  for (const auto& r : ctx.email->recipients) to += (to.empty() ? "" : ", ") + r;
  return ack(req, "test email accepted by " + ctx.email->host + ":" + std::to_string(ctx.email->port) +
                      " for " + to);
}

ControlReply answer(const NodeControlContext& ctx, const ControlRequest& req) {
  const std::string& c = req.command;
  if (c == control_cmd::status) return status(ctx, req);
  if (c == control_cmd::health) return health(ctx, req);
  if (c == control_cmd::positions || c == control_cmd::profit || c == control_cmd::daily ||
      c == control_cmd::balance) {
    auto days = control_arg_u64(req, control_arg::days, 7, 3650);
    if (!days) return fail(req, days.error().message);
    auto body = ask(ctx, ctx.pipeline->portfolio, view_atom::value, c, static_cast<uint32_t>(*days));
    return body ? ok(req, std::move(*body)) : fail(req, body.error().message);
  }
  if (c == control_cmd::pause) {
    auto entries = control_arg_flag(req, control_arg::entries_only);
    if (!entries) return fail(req, entries.error().message);
    return set_pause(ctx, req, *entries ? pause_mode::entries_only : pause_mode::paused);
  }
  if (c == control_cmd::resume) return set_pause(ctx, req, pause_mode::running);
  if (c == control_cmd::run_now) {
    caf::anon_send(ctx.pipeline->scheduler, runnow_atom::value);
    return ack(req, "checking every stream now");
  }
  if (c == control_cmd::stop) {
    ctx.stop();
    return ack(req, "stopping");
  }
  if (c == control_cmd::replay) return replay(ctx, req);
  if (c == control_cmd::verify) return verify(ctx, req);
  if (c == control_cmd::run_signals_now) return run_signals_now(ctx, req);
  if (c == control_cmd::send_test_email) return test_email(ctx, req);
  if (c == control_cmd::close) return close_position(ctx, req);
  if (c == control_cmd::trades) return trades(ctx, req);
  return fail(req, "unknown command '" + c + "'");
}

bool is_action(const std::string& c) {
  return c == control_cmd::pause || c == control_cmd::resume || c == control_cmd::run_now ||
         c == control_cmd::stop || c == control_cmd::verify || c == control_cmd::run_signals_now ||
         c == control_cmd::send_test_email || c == control_cmd::close;
}

}  // namespace

ControlReply handle_control(const NodeControlContext& ctx, const ControlRequest& req) {
  ControlReply r = answer(ctx, req);
  if (is_action(req.command)) {
    ControlActionEvent e{req.command, req.args, r.ok, r.error};
    if (r.ok)
      if (auto a = decode<AckBody>(r.body)) e.message = a->message;
    if (auto seq = ctx.store->events().append({topic::control_action, encode(e), wall_clock_ms() * 1'000'000}))
      caf::anon_send(ctx.pipeline->events, events_atom::value, seq.value());
  }
  return r;
}

}  // namespace tn
