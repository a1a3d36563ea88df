#include "control/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "messages/codec.hpp"
#include "messages/envelope.hpp"

namespace tn {

// JSON mirrors the wire field names (ADL finds these in namespace tn).
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WatchEntry, stream, last_check_ms, signal_checks, warming_up,
                                   last_bar_ms, price, ma, distance, next_check_ms, data_state,
                                   data_reason)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(OutboxStatus, channel, depth, oldest_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PeerStatus, shard, state, node, joins, stale_checks, since_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(StatusBody, mode, node, paused, pause_mode, uptime_s, watchlist,
                                   signal_checks, trades_executed, trades_failed, success_rate,
                                   portfolio_value, quote, outbox, role, peers, workers, now_ms,
                                   state, free_quote, run_trades_executed, run_trades_failed,
                                   run_success_rate)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PositionEntry, symbol, asset, quantity, price, value, cost,
                                   unrealized_pnl)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PositionsBody, quote, positions)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SymbolProfit, symbol, realized, unrealized, total)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ProfitBody, quote, symbols, realized_total, unrealized_total,
                                   total)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DayPnl, date, pnl, equity_end)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DailyBody, quote, days)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ActorHealth, name, mailbox, last_activity_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(HealthBody, now_ms, actors)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(VerifyBody, events_checked, chain_ok, orders_checked, ledger_ok,
                                   problems)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AckBody, message)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RunSignalsBody, asset_class, date, signals, recommendations, written,
                                   exits, notes)

namespace {

// Fixed two-column "label  value" block.
std::string render_pairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  size_t w = 0;
  for (const auto& [k, v] : pairs) w = std::max(w, k.size());
  for (const auto& [k, v] : pairs) out += k + std::string(w - k.size() + 2, ' ') + v + "\n";
  return out;
}

std::string pct(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", fraction * 100.0);
  return buf;
}

// A stream's data state and what it is about: "late: bar ... due ...".
std::string data_cell(const WatchEntry& w) {
  if (w.data_state.empty()) return w.data_reason.empty() ? "-" : w.data_reason;
  return w.data_reason.empty() ? w.data_state : w.data_state + ": " + w.data_reason;
}

std::string dump(const nlohmann::json& j) {
  // Replace, not throw, on invalid UTF-8 from a node: output must not fail.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

template <class T>
Result<std::string> render(std::string_view body, const std::string& command, bool json,
                           std::string (*table)(const T&)) {
  if (body.empty()) return make_error(Errc::invalid_input, "the node sent no body for " + command);
  auto v = decode<T>(body);
  if (!v) return make_error(Errc::invalid_input, "bad " + command + " body: " + v.error().message);
  return json ? dump(to_json_value(*v)) : table(*v);
}

}  // namespace

std::string render_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows,
                         const std::vector<bool>& right) {
  std::vector<size_t> w(header.size(), 0);
  for (size_t i = 0; i < header.size(); ++i) w[i] = header[i].size();
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], r[i].size());
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < w.size(); ++i) {
      const std::string c = i < cells.size() ? cells[i] : std::string();
      const std::string pad(w[i] - c.size(), ' ');
      const bool r = i < right.size() && right[i];
      out += r ? pad + c : c + pad;
      if (i + 1 < w.size()) out += "  ";
    }
    out.erase(out.find_last_not_of(' ') + 1);
    return out + "\n";
  };
  std::string out = line(header);
  for (const auto& r : rows) out += line(r);
  return out;
}

std::string format_duration(int64_t s) {
  if (s < 0) s = 0;
  const int64_t d = s / 86400, h = (s / 3600) % 24, m = (s / 60) % 60, sec = s % 60;
  char buf[64];
  if (d > 0) std::snprintf(buf, sizeof buf, "%lldd %02lldh %02lldm %02llds", (long long)d, (long long)h, (long long)m, (long long)sec);
  else if (h > 0) std::snprintf(buf, sizeof buf, "%lldh %02lldm %02llds", (long long)h, (long long)m, (long long)sec);
  else if (m > 0) std::snprintf(buf, sizeof buf, "%lldm %02llds", (long long)m, (long long)sec);
  else std::snprintf(buf, sizeof buf, "%llds", (long long)sec);
  return buf;
}

std::string format_utc_ms(int64_t ms) {
  if (ms == 0) return "never";
  const std::time_t t = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return std::to_string(ms);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

std::string format_age(int64_t ms, int64_t now_ms) {
  if (ms == 0) return "never";
  if (ms > now_ms) return "just now";
  return format_duration((now_ms - ms) / 1000) + " ago";
}

std::string format_next(int64_t ms, int64_t now_ms) {
  if (ms == 0) return "none";
  if (ms <= now_ms) return "now";
  return "in " + format_duration((ms - now_ms + 999) / 1000);  // never "in 0s"
}

std::string format_price(double price) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.8f", price);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

// The signal's side of a stream's state. A data source's state (waiting,
// late, stale, failing), where the node reports one, goes before it.
std::string stream_state_text(const WatchEntry& w) {
  // The data source's trouble first (live): late, stale, failing, waiting.
  if (!w.data_state.empty() && w.data_state != "ok") return w.data_state;
  return w.warming_up ? "warming up" : "ok";
}

namespace {

std::string node_state_text(const StatusBody& s) {
  std::string pause = s.pause_mode.empty() ? (s.paused ? "paused" : "running") : s.pause_mode;
  if (s.pause_mode == pause_mode::entries_only) pause = "paused (entries only: no new buys, sells go on)";
  if (s.state != run_state::finished) return pause;
  return "finished (end of the recorded data, deciding nothing more)" +
         (s.paused ? "; " + pause : std::string());
}

// "-" for a value the node does not have (NaN: warming up; JSON null).
std::string price_cell(double v) { return std::isnan(v) ? "-" : format_price(v); }
std::string distance_cell(double v) {
  if (std::isnan(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.2f%%", v);
  return buf;
}

std::string watchlist_table(const StatusBody& s, int64_t node_now_ms) {
  if (s.watchlist.empty()) return "(empty watchlist)\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& w : s.watchlist) {
    const bool bar = w.last_bar_ms != 0;
    rows.push_back({w.stream, stream_state_text(w), bar ? format_utc_ms(w.last_bar_ms) : "-",
                    bar ? price_cell(w.price) : "-", bar ? price_cell(w.ma) : "-",
                    bar ? distance_cell(w.distance) : "-", format_age(w.last_check_ms, node_now_ms),
                    format_next(w.next_check_ms, node_now_ms), std::to_string(w.signal_checks)});
  }
  return render_table({"STREAM", "STATE", "LAST BAR (OPEN)", "PRICE", "MA", "DISTANCE", "LAST CHECK",
                       "NEXT CHECK", "CHECKS"},
                      rows, {false, false, false, true, true, true, false, false, true});
}

}  // namespace

std::string format_status(const StatusBody& s, int64_t now_ms) {
  // The node's clock: simulated in a replay. A node that sends none is live.
  const int64_t node_now = s.now_ms != 0 ? s.now_ms : now_ms;
  std::vector<std::pair<std::string, std::string>> head = {
      {"node", s.node + " (" + s.mode + ")"},
      {"state", node_state_text(s)},
  };
  if (s.now_ms != 0)
    head.push_back({"clock", format_utc_ms(s.now_ms) + (s.mode == "replay" ? " (simulated)" : "")});
  head.push_back({"uptime", format_duration(s.uptime_s)});
  head.push_back({"portfolio", s.portfolio_value + " " + s.quote});
  if (!s.free_quote.empty())
    head.push_back({"free " + (s.quote.empty() ? std::string("quote") : s.quote), s.free_quote + " " + s.quote});
  head.push_back({"signal checks", std::to_string(s.signal_checks)});
  auto trades = [&](uint64_t executed, uint64_t failed, double rate) {
    return std::to_string(executed) + " executed, " + std::to_string(failed) + " failed, " + pct(rate) +
           " success";
  };
  head.push_back({"run trades", trades(s.run_trades_executed, s.run_trades_failed, s.run_success_rate)});
  head.push_back({"ledger trades", trades(s.trades_executed, s.trades_failed, s.success_rate)});
  std::string out = render_pairs(head) + "\n" + watchlist_table(s, node_now) + "\n";
  // Live data problems, each with its reason (a late bar, a failing source).
  std::string problems;
  for (const auto& w : s.watchlist)
    if (!w.data_state.empty() && w.data_state != "ok") problems += w.stream + "  " + data_cell(w) + "\n";
  if (!problems.empty()) out += problems + "\n";
  if (!s.peers.empty()) {  // a trading node: its data nodes, per shard
    std::vector<std::vector<std::string>> peers;
    for (const auto& p : s.peers)
      peers.push_back({std::to_string(p.shard), p.node.empty() ? "-" : p.node,
                       p.state == "down" ? "down (streams stale)" : p.state,
                       std::to_string(p.joins), std::to_string(p.stale_checks),
                       format_age(p.since_ms, now_ms)});
    out += render_table({"SHARD", "DATA NODE", "STATE", "JOINS", "STALE CHECKS", "SINCE"}, peers,
                        {true, false, false, true, true, false}) + "\n";
  }
  if (s.outbox.empty()) return out + "(no notifications waiting)\n";
  std::vector<std::vector<std::string>> waiting;
  for (const auto& o : s.outbox)
    waiting.push_back({o.channel, std::to_string(o.depth), format_utc_ms(o.oldest_ms),
                       format_age(o.oldest_ms, now_ms)});
  return out + render_table({"CHANNEL", "WAITING", "OLDEST", "AGE"}, waiting, {false, true, false, false});
}

std::string format_positions(const PositionsBody& p) {
  if (p.positions.empty()) return "(no open positions)\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : p.positions)
    rows.push_back({e.symbol, e.asset, e.quantity, format_price(e.price), e.value, e.cost,
                    e.unrealized_pnl});
  const std::string q = p.quote.empty() ? "" : " (" + p.quote + ")";
  return render_table({"SYMBOL", "ASSET", "QUANTITY", "PRICE", "VALUE" + q, "COST" + q,
                       "UNREALIZED" + q},
                      rows, {false, false, true, true, true, true, true});
}

std::string format_profit(const ProfitBody& p) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : p.symbols) rows.push_back({s.symbol, s.realized, s.unrealized, s.total});
  rows.push_back({"TOTAL", p.realized_total, p.unrealized_total, p.total});
  const std::string q = p.quote.empty() ? "" : " (" + p.quote + ")";
  return render_table({"SYMBOL", "REALIZED" + q, "UNREALIZED" + q, "TOTAL" + q}, rows,
                      {false, true, true, true});
}

std::string format_daily(const DailyBody& d) {
  if (d.days.empty()) return "(no days recorded)\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& day : d.days) rows.push_back({day.date, day.pnl, day.equity_end});
  const std::string q = d.quote.empty() ? "" : " (" + d.quote + ")";
  return render_table({"DATE (UTC)", "PNL" + q, "EQUITY END" + q}, rows, {false, true, true});
}

std::string format_health(const HealthBody& h) {
  if (h.actors.empty()) return "(no actors reported)\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& a : h.actors)
    rows.push_back({a.name, std::to_string(a.mailbox), format_age(a.last_activity_ms, h.now_ms)});
  return render_table({"ACTOR", "MAILBOX", "LAST ACTIVITY"}, rows, {false, true, false});
}

std::string format_verify(const VerifyBody& v) {
  std::string out = render_pairs({
      {"event log", std::to_string(v.events_checked) + " events, hash chain " +
                        (v.chain_ok ? "ok" : "BROKEN")},
      {"ledger", std::to_string(v.orders_checked) + " orders, " +
                     (v.ledger_ok ? "reconciles" : "DOES NOT RECONCILE")},
  });
  if (!v.problems.empty()) {
    out += "problems:\n";
    for (const auto& p : v.problems) out += "  - " + p + "\n";
  }
  return out;
}

std::string format_run_signals(const RunSignalsBody& r) {
  std::string ids;
  for (const auto& id : r.recommendations) ids += (ids.empty() ? "" : ", ") + id;
  std::string out = render_pairs({
      {"job", r.asset_class + " " + r.date},
      {"signals", std::to_string(r.signals)},
      {"recommendations", std::to_string(r.recommendations.size()) + (ids.empty() ? "" : ": " + ids)},
      {"written", std::to_string(r.written) + " new (0: already stored)"},
      {"exits", std::to_string(r.exits)},
  });
  if (!r.notes.empty()) {
    out += "notes:\n";
    for (const auto& n : r.notes) out += "  - " + n + "\n";
  }
  return out;
}

std::string format_ack(const AckBody& a) { return (a.message.empty() ? "ok" : a.message) + "\n"; }

nlohmann::json to_json_value(const StatusBody& s) { return s; }
nlohmann::json to_json_value(const PositionsBody& p) { return p; }
nlohmann::json to_json_value(const ProfitBody& p) { return p; }
nlohmann::json to_json_value(const DailyBody& d) { return d; }
nlohmann::json to_json_value(const HealthBody& h) { return h; }
nlohmann::json to_json_value(const VerifyBody& v) { return v; }
nlohmann::json to_json_value(const AckBody& a) { return a; }
nlohmann::json to_json_value(const RunSignalsBody& r) { return r; }

Result<std::string> format_reply_body(const std::string& command, std::string_view body,
                                      bool json, int64_t now_ms) {
  if (command == control_cmd::status) {
    if (body.empty()) return make_error(Errc::invalid_input, "the node sent no body for status");
    auto v = decode<StatusBody>(body);
    if (!v) return make_error(Errc::invalid_input, "bad status body: " + v.error().message);
    return json ? dump(to_json_value(*v)) : format_status(*v, now_ms);
  }
  if (command == control_cmd::positions) return render<PositionsBody>(body, command, json, format_positions);
  if (command == control_cmd::profit) return render<ProfitBody>(body, command, json, format_profit);
  if (command == control_cmd::daily) return render<DailyBody>(body, command, json, format_daily);
  if (command == control_cmd::health) return render<HealthBody>(body, command, json, format_health);
  if (command == control_cmd::verify) return render<VerifyBody>(body, command, json, format_verify);
  if (command == control_cmd::run_signals_now)
    return render<RunSignalsBody>(body, command, json, format_run_signals);
  if (command == control_cmd::close) return render<CloseBody>(body, command, json, format_close);
  if (command == control_cmd::trades) return render<TradesBody>(body, command, json, format_trades);
  if (command == control_cmd::balance) return render<BalanceBody>(body, command, json, format_balance);
  if (command == control_cmd::replay) {
    auto envs = decode_replay_body(body);
    if (!envs) return envs.error();
    std::string lines;
    auto arr = nlohmann::json::array();
    for (const auto& e : *envs) {
      auto j = envelope_to_json(e);
      if (!j) return make_error(Errc::invalid_input, "bad envelope in replay: " + j.error().message);
      if (!json) {
        lines += *j + "\n";
        continue;
      }
      auto parsed = nlohmann::json::parse(*j, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_discarded()) return make_error(Errc::invalid_input, "bad envelope in replay");
      arr.push_back(std::move(parsed));
    }
    return json ? dump(arr) : lines;
  }
  // Every other command answers with an acknowledgement (or nothing).
  if (body.empty()) return json ? dump(nlohmann::json::object()) : std::string("ok\n");
  return render<AckBody>(body, command, json, format_ack);
}

}  // namespace tn
