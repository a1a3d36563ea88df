#include "tools/backtest_output.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "market/bar_source.hpp"
#include "notify/templates.hpp"

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

// What any earlier backtest may have left in OUT: the MA-distance run's
// files, and the breakout run's per asset class folder.
const char* const kRunFiles[] = {"trades.csv", "signals.csv", "equity.csv", "summary.json", "report.html"};
const char* const kClassFolders[] = {"equity", "crypto"};
const char* const kClassFiles[] = {"breakout_trades.csv", "breakout_equity.csv", "breakout_summary.json",
                                   "report.html"};

}  // namespace

Status write_text_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return make_error(Errc::io, "cannot write " + path + ": " + std::strerror(errno));
  f << text;
  f.close();
  if (!f) return make_error(Errc::io, "cannot write " + path + ": " + std::strerror(errno));
  return Status::OK();
}

Status clear_backtest_outputs(const std::string& dir, const std::string& keep) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto remove = [&](const fs::path& p, bool tree) -> Status {
    if (tree ? fs::remove_all(p, ec) == static_cast<std::uintmax_t>(-1) : !fs::remove(p, ec) && ec)
      return make_error(Errc::io, "cannot remove " + p.string() + " (left by an earlier run): " + ec.message());
    return Status::OK();
  };
  for (const char* name : kRunFiles)
    if (Status s = remove(fs::path(dir) / name, false); !s) return s;
  for (const char* cls : kClassFolders) {
    for (const char* name : kClassFiles)
      if (Status s = remove(fs::path(dir) / cls / name, false); !s) return s;
    if (fs::is_directory(fs::path(dir) / cls, ec) && fs::is_empty(fs::path(dir) / cls, ec))
      fs::remove(fs::path(dir) / cls, ec);  // a folder the breakout run made
  }
  const fs::path ledger = fs::path(dir) / "ledger.lmdb";
  if (!keep.empty() && fs::weakly_canonical(ledger, ec) == fs::weakly_canonical(keep, ec)) return Status::OK();
  return remove(ledger, true);
}

std::string report_title(const std::string& config_path) {
  return "Backtest report: " + config_path.substr(config_path.find_last_of('/') + 1);
}

std::vector<notify::ChartPoint> equity_curve(const RunResult& r) {
  std::vector<notify::ChartPoint> out;
  out.reserve(r.equity.size());
  for (const EquityPoint& p : r.equity) out.push_back({p.time_ms, to_double(p.value)});
  return out;
}

BacktestSummary summarize(const RunResult& r, double seconds, double start_peak) {
  BacktestSummary s;
  s.bars = r.bars;
  s.signals = r.signals;
  s.trades = r.trades;
  s.rejected = r.rejected;
  s.final_usdt = format_amount(r.final_quote);
  s.final_equity = format_amount(r.final_equity);
  s.max_drawdown = notify::max_drawdown(equity_curve(r), start_peak).fraction;
  s.seconds = seconds;
  s.bars_per_sec = seconds > 0 ? static_cast<double>(r.bars) / seconds : 0;
  return s;
}

Status write_backtest_files(const std::string& dir, [[maybe_unused]] const std::string& account, const RunResult& r,
                            const BacktestSummary& summary, const MeasuredRun& measured) {
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
  notify::add_performance_json(j, measured.performance);

  for (auto [name, text] : {std::pair{"trades.csv", &trades}, std::pair{"signals.csv", &signals},
                            std::pair{"equity.csv", &equity}}) {
    Status s = write_text_file(dir + "/" + name, *text);
    if (!s) return s;
  }
  return write_text_file(dir + "/summary.json", j.dump(2) + "\n");
}

Result<std::vector<notify::PriceSeries>> load_closes(const Config& cfg) {
  std::map<std::string, notify::PriceSeries> by_symbol;
  for (const StreamConfig& s : cfg.watchlist) {
    auto bars = load_csv_bars(s.data, s.tf_ms);
    if (!bars) return bars.error();
    notify::PriceSeries& p = by_symbol[s.symbol];
    p.symbol = s.symbol;
    for (size_t i = 0; i < bars->size(); ++i) p.prices.push_back({bars->open_time_ms[i] + s.tf_ms, bars->close[i]});
  }
  std::vector<notify::PriceSeries> out;
  for (auto& [symbol, p] : by_symbol) out.push_back(std::move(p));
  return out;
}

MeasuredRun measure_run(const RunResult& r, const std::vector<notify::PriceSeries>& closes,
                        double starting_capital, double fee_rate) {
  MeasuredRun m;
  std::map<std::string, double> last_price;
  for (const notify::PriceSeries& p : closes) {
    m.symbols.push_back(p.symbol);
    int64_t last_ms = INT64_MIN;
    for (const notify::ChartPoint& c : p.prices)
      if (c.time_ms >= last_ms) last_ms = c.time_ms, last_price[p.symbol] = c.value;
  }
  m.equity = equity_curve(r);
  std::vector<int64_t> times;
  for (const notify::ChartPoint& p : m.equity) times.push_back(p.time_ms);
  m.buy_and_hold = notify::buy_and_hold(closes, starting_capital, fee_rate, times);
  notify::FillTrades trades = notify::trades_of_fills(r.order_log, last_price);
  m.performance = notify::measure(m.equity, m.buy_and_hold, starting_capital, fee_rate, trades.closed, trades.open);
  m.closed = std::move(trades.closed);
  return m;
}

Status write_backtest_report(const std::string& dir, const std::string& config_path, const Config& cfg,
                             const RunResult& r, const BacktestSummary& summary, const MeasuredRun& m) {
  notify::BacktestReport rep;
  rep.title = report_title(config_path);
  rep.strategy = "MA distance strategy, " + std::to_string(cfg.watchlist.size()) + " stream" +
                 (cfg.watchlist.size() == 1 ? "" : "s");
  rep.quote = cfg.quote;
  rep.symbols = m.symbols;
  rep.performance = m.performance;
  rep.equity = m.equity;
  rep.buy_and_hold = m.buy_and_hold;
  rep.details = {{"Fills (rows of trades.csv)", std::to_string(summary.trades)},
                 {"Orders rejected", std::to_string(summary.rejected)},
                 {"Signals", std::to_string(summary.signals)},
                 {"Bars", std::to_string(summary.bars)}};
  rep.trade_word = "fills";
  rep.trades.header = {"Bar open (UTC)", "Symbol", "TF", "Side", "Price", "Quantity", "Value", "Fee",
                       "P&L", cfg.quote + " after"};
  rep.trades.numeric = {false, false, false, false, true, true, true, true, true, true};
  std::vector<const OrderResult*> fills;
  std::vector<const notify::ClosedTrade*> pnl_of;  // per fill: the trade a SELL closed
  size_t sells = 0;
  for (const OrderResult& o : r.order_log) {
    if (!o.filled) continue;
    fills.push_back(&o);
    const bool sell = o.request.side == kSell && sells < m.closed.size();
    pnl_of.push_back(sell ? &m.closed[sells++] : nullptr);
  }
  rep.total_trades = fills.size();
  for (size_t i = notify::first_shown_row(fills.size()); i < fills.size(); ++i) {
    const OrderResult& o = *fills[i];
    rep.trades.rows.push_back({notify::format_utc(o.request.bar_open_time_ms), o.request.symbol,
                               o.request.timeframe, o.request.side, notify::format_number(o.request.price),
                               notify::format_decimal(format_amount(o.quantity), -1),
                               notify::format_money(to_double(o.value)), notify::format_money(to_double(o.fee)),
                               pnl_of[i] ? notify::format_money(pnl_of[i]->pnl) : "",
                               notify::format_money(to_double(o.quote_after))});
  }
  return write_text_file(dir + "/report.html", notify::backtest_report_html(rep));
}

}  // namespace tn
