#include "tools/backtest_output.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "notify/reports.hpp"

namespace tn {

namespace {

// RFC 4180: quote a field that holds a comma, a quote or a newline.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Status write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return make_error(Errc::io, "cannot write " + path + ": " + std::strerror(errno));
  f << text;
  f.close();
  if (!f) return make_error(Errc::io, "cannot write " + path + ": " + std::strerror(errno));
  return Status::OK();
}

}  // namespace

BacktestSummary summarize(const RunResult& r, double seconds) {
  BacktestSummary s;
  s.bars = r.bars;
  s.signals = r.signals;
  s.trades = r.trades;
  s.rejected = r.rejected;
  s.final_usdt = format_amount(r.final_quote);
  s.final_equity = format_amount(r.final_equity);
  s.max_drawdown = r.max_drawdown;
  s.seconds = seconds;
  s.bars_per_sec = seconds > 0 ? static_cast<double>(r.bars) / seconds : 0;
  return s;
}

Status write_backtest_files(const std::string& dir, [[maybe_unused]] const std::string& account, const RunResult& r,
                            const BacktestSummary& summary) {
  std::string trades = "bar_open_time_ms,symbol,timeframe,side,price,quantity,value,usdt_after\n";
  // A signal's order: the one of its stream and side decided at its time
  // (at most one per decision, in either cadence).
  using DecisionKey = std::tuple<int64_t, std::string, std::string, std::string>;
  std::map<DecisionKey, const OrderResult*> by_decision;
  for (const OrderResult& o : r.order_log) {
    by_decision[{o.request.decided_at_ms, o.request.symbol, o.request.timeframe, o.request.side}] = &o;
    if (!o.filled) continue;
    trades += fmt::format("{},{},{},{},{},{},{},{}\n", o.request.bar_open_time_ms, o.request.symbol,
                          o.request.timeframe, o.request.side, o.request.price,
                          format_amount(o.quantity), format_amount(o.value),
                          format_amount(o.quote_after));
  }
  std::string signals =
      "close_time_ms,bar_open_time_ms,symbol,timeframe,side,price,ma,distance,decision,reason\n";
  for (const SignalEvent& e : r.signal_log) {
    std::string decision = "dropped", reason = e.reason;
    if (e.decision == "order") {
      auto it = by_decision.find({e.close_time_ms, e.symbol, e.timeframe, e.side});
      if (it == by_decision.end()) {
        decision = "not executed";
      } else if (it->second->filled) {
        decision = "filled";
      } else {
        decision = "rejected";
        reason = it->second->reject_reason;
      }
    }
    signals += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", e.close_time_ms, e.bar_open_time_ms,
                           e.symbol, e.timeframe, e.side, e.price, e.ma, e.distance, decision,
                           csv_field(reason));
  }
  std::string equity = "time_ms,total_value\n";
  for (const EquityPoint& p : r.equity) equity += fmt::format("{},{}\n", p.time_ms, format_amount(p.value));

  nlohmann::ordered_json j;
  j["bars"] = summary.bars;
  j["signals"] = summary.signals;
  j["trades"] = summary.trades;
  j["rejected"] = summary.rejected;
  j["final_usdt"] = summary.final_usdt;
  j["final_equity"] = summary.final_equity;
  j["max_drawdown"] = summary.max_drawdown;
  j["seconds"] = summary.seconds;
  j["bars_per_sec"] = summary.bars_per_sec;

  for (auto [name, text] : {std::pair{"trades.csv", &trades}, std::pair{"signals.csv", &signals},
                            std::pair{"equity.csv", &equity}}) {
    Status s = write_file(dir + "/" + name, *text);
    if (!s) return s;
  }
  return write_file(dir + "/summary.json", j.dump(2) + "\n");
}

Status write_backtest_report(const std::string& dir, const std::string& config_path,
                             const RunResult& r, const BacktestSummary& summary) {
  std::vector<notify::BacktestTradeRow> trades;
  for (const OrderResult& o : r.order_log)
    if (o.filled)
      trades.push_back({o.request.bar_open_time_ms, o.request.symbol, o.request.timeframe,
                        o.request.side, o.request.price, format_amount(o.quantity),
                        format_amount(o.value), format_amount(o.quote_after)});
  std::vector<notify::ChartPoint> equity;
  for (const EquityPoint& p : r.equity)
    equity.push_back({p.time_ms, static_cast<double>(p.value) / static_cast<double>(kAmountScale)});
  const std::string name = config_path.substr(config_path.find_last_of('/') + 1);
  return write_file(dir + "/report.html",
                    notify::backtest_report_html(summary, trades, equity, "Backtest report: " + name));
}

}  // namespace tn
