#include "notify/backtest_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/time.hpp"
#include "notify/templates.hpp"

namespace tn::notify {

namespace {

// One style sheet instead of a style per cell: a page with hundreds of
// rows stays small (mail clients are not a reader of this page).
const std::string kCss =
    "h3{margin:22px 0 8px}table{border-collapse:collapse}"
    "td,th{padding:4px 8px;border-bottom:1px solid #eaeef2;text-align:left;white-space:nowrap}"
    "th{background:#f6f8fa;border-bottom:2px solid #d0d7de}.n{text-align:right}"
    "table.kv th{background:none;border-bottom:1px solid #eaeef2;color:#57606a;font-weight:normal}"
    "tr.total td{font-weight:bold;border-top:2px solid #d0d7de}"
    ".trades{font-size:12px}.sub,.note{color:#57606a}.note{font-size:12px}"
    ".pos{color:#1a7f37}.neg{color:#cf222e}";

const std::string kBody =
    "<p class=\"sub\">{{strategy}} &middot; {{period}} &middot; fees {{fees}} per trade</p>"
    "<h3>Summary</h3><table class=\"kv\"><tr><th></th><th class=\"n\">Strategy</th>"
    "<th class=\"n\">Buy and hold</th></tr>"
    "{{#figures}}<tr><th>{{label}}</th><td class=\"n\">{{strategy}}</td><td class=\"n\">{{hold}}</td></tr>{{/figures}}"
    "</table><h3>Trades and counts</h3><table class=\"kv\">"
    "{{#details}}<tr><th>{{label}}</th><td class=\"n\">{{value}}</td></tr>{{/details}}</table>"
    "<p class=\"note\">{{conventions}}</p>"
    "<h3>Equity</h3>{{{equity_chart}}}<h3>Drawdown</h3>{{{drawdown_chart}}}"
    "<h3>Per symbol</h3>{{^symbols}}<p>No symbol traded.</p>{{/symbols}}{{#has_symbols}}"
    "<table><tr><th>Symbol</th><th class=\"n\">Closed trades</th><th class=\"n\">Wins</th>"
    "<th class=\"n\">Win rate</th><th class=\"n\">Realized P&amp;L</th><th class=\"n\">Open at end</th>"
    "<th class=\"n\">P&amp;L ({{quote}})</th></tr>"
    "{{#symbols}}<tr{{#total}} class=\"total\"{{/total}}><td>{{symbol}}</td><td class=\"n\">{{trades}}</td>"
    "<td class=\"n\">{{wins}}</td><td class=\"n\">{{win_rate}}</td><td class=\"n\">{{realized}}</td>"
    "<td class=\"n\">{{open}}</td><td class=\"n {{sign}}\">{{pnl}}</td></tr>{{/symbols}}</table>"
    "<p class=\"note\">Open at end: positions still held at the end, marked at their last price. "
    "P&amp;L is net of fees.</p>{{/has_symbols}}"
    "<h3>Last {{trade_word}}</h3><p>{{shown_line}}</p>{{#has_trades}}<table class=\"trades\"><tr>"
    "{{#header}}<th{{#n}} class=\"n\"{{/n}}>{{text}}</th>{{/header}}</tr>"
    "{{#rows}}<tr>{{#cells}}<td{{#n}} class=\"n\"{{/n}}>{{text}}</td>{{/cells}}</tr>{{/rows}}"
    "</table>{{/has_trades}}";

std::string money(double v) { return format_money(v); }
std::string ratio(double v) {
  if (std::isnan(v)) return "n/a";
  if (std::isinf(v)) return v > 0 ? "inf (no losing trade)" : "-inf";
  return fmt::format("{:.2f}", v);
}
std::string drawdown(const Drawdown& d) {
  if (d.fraction <= 0) return "0.00%";
  return format_percent(-d.fraction) + " (" + format_date(d.peak_ms) + " to " + format_date(d.trough_ms) + ")";
}

mustache::data figures(const BacktestReport& r) {
  const CurveStats& s = r.performance.strategy;
  const CurveStats& h = r.performance.buy_and_hold;
  mustache::data rows{mustache::data::type::list};
  auto add = [&](const std::string& label, const std::string& strategy, const std::string& hold) {
    mustache::data row;
    row.set("label", label);
    row.set("strategy", strategy);
    row.set("hold", hold);
    rows.push_back(row);
  };
  add("Starting capital (" + r.quote + ")", money(s.starting_capital), money(h.starting_capital));
  add("Final value (" + r.quote + ")", money(s.final_value), money(h.final_value));
  add("Total return", format_percent(s.total_return), format_percent(h.total_return));
  add("CAGR", format_percent(s.cagr), format_percent(h.cagr));
  add("Sharpe ratio (daily, annualised)", ratio(s.sharpe), ratio(h.sharpe));
  add("Max drawdown (peak to trough)", drawdown(s.max_drawdown), drawdown(h.max_drawdown));
  return rows;
}

mustache::data details(const BacktestReport& r) {
  const TradeStats& t = r.performance.trades;
  std::vector<std::pair<std::string, std::string>> all = {
      {"Closed trades", std::to_string(t.trades)},
      {"Wins / losses", std::to_string(t.wins) + " / " + std::to_string(t.losses)},
      {"Win rate", format_percent(t.win_rate)},
      {"Profit factor", ratio(t.profit_factor)},
      {"Gross profit / loss (" + r.quote + ")", money(t.gross_profit) + " / " + money(t.gross_loss)}};
  all.insert(all.end(), r.details.begin(), r.details.end());
  mustache::data rows{mustache::data::type::list};
  for (const auto& [label, value] : all) {
    mustache::data row;
    row.set("label", label);
    row.set("value", value);
    rows.push_back(row);
  }
  return rows;
}

mustache::data symbol_rows(const Performance& p) {
  mustache::data rows{mustache::data::type::list};
  SymbolResult total{"Total", 0, 0, 0, 0};
  auto add = [&](const SymbolResult& s, bool is_total) {
    mustache::data row;
    row.set("symbol", s.symbol);
    row.set("trades", std::to_string(s.trades));
    row.set("wins", std::to_string(s.wins));
    row.set("win_rate", s.trades ? format_percent(static_cast<double>(s.wins) / static_cast<double>(s.trades), 1)
                                 : std::string("n/a"));
    row.set("realized", money(s.realized));
    row.set("open", money(s.open_pnl));
    row.set("pnl", money(s.pnl()));
    row.set("sign", s.pnl() > 0 ? "pos" : s.pnl() < 0 ? "neg" : "");
    row.set("total", mustache::data(is_total));
    rows.push_back(row);
  };
  for (const SymbolResult& s : p.symbols) {
    add(s, false);
    total.trades += s.trades, total.wins += s.wins;
    total.realized += s.realized, total.open_pnl += s.open_pnl;
  }
  if (p.symbols.size() > 1) add(total, true);
  return rows;
}

mustache::data cells(const std::vector<std::string>& texts, const std::vector<bool>& numeric) {
  mustache::data list{mustache::data::type::list};
  for (size_t i = 0; i < texts.size(); ++i) {
    mustache::data c;
    c.set("text", texts[i]);
    c.set("n", mustache::data(i < numeric.size() && numeric[i]));
    list.push_back(c);
  }
  return list;
}

std::string conventions(const BacktestReport& r) {
  std::string held;
  for (const std::string& s : r.symbols) held += (held.empty() ? "" : ", ") + s;
  return "Buy and hold: the starting capital split equally over " + (held.empty() ? "no symbol" : held) +
         ", each bought at its price at the start of the period (or at its first price, if later) with the "
         "same fee, and held to the end. Sharpe ratio: mean / standard deviation of calendar-day returns "
         "(each UTC day's last value; a day without one repeats the day before), risk-free rate 0, "
         "annualised by the square root of 365. CAGR: compound annual growth over years of 365.25 days. "
         "Drawdowns from the running peak, which starts at the starting capital. A trade wins when its "
         "P&L net of fees is above 0; profit factor = gross profit / gross loss.";
}

// Strategy and buy-and-hold on one chart; on a log scale when they span
// more than a factor of 8, where a linear one would flatten the smaller.
std::string equity_chart(const BacktestReport& r) {
  double lo = INFINITY, hi = -INFINITY;
  for (const auto* curve : {&r.equity, &r.buy_and_hold})
    for (const ChartPoint& p : *curve)
      if (std::isfinite(p.value)) lo = std::min(lo, p.value), hi = std::max(hi, p.value);
  const bool log = lo > 0 && hi / lo > 8;
  ChartStyle style{860, 300, "Equity (" + r.quote + (log ? ", log scale)" : ")"), "", false, false, log};
  return svg_chart({{"Strategy", "#1f6feb", r.equity, false, false},
                    {"Buy and hold", "#8250df", r.buy_and_hold, false, true}},
                   style);
}

}  // namespace

std::string backtest_report_html(const BacktestReport& r) {
  const Performance& p = r.performance;
  mustache::data d;
  d.set("strategy", r.strategy);
  const int64_t days = (p.strategy.end_ms - p.strategy.start_ms) / kDayMs;
  d.set("period", r.equity.empty() ? std::string("no data")
                                   : format_date(p.strategy.start_ms) + " to " + format_date(p.strategy.end_ms) +
                                         " (" + format_money(static_cast<double>(days), 0) + " days)");
  d.set("fees", format_number(p.fee_rate * 100, 4) + "%");
  d.set("quote", r.quote);
  d.set("figures", figures(r));
  d.set("details", details(r));
  d.set("conventions", conventions(r));
  d.set("equity_chart", equity_chart(r));
  d.set("drawdown_chart",
        svg_chart({{"Strategy", "#cf222e", drawdown_series(r.equity, p.strategy.starting_capital), true, false},
                   {"Buy and hold", "#8250df", drawdown_series(r.buy_and_hold, p.buy_and_hold.starting_capital),
                    false, true}},
                  ChartStyle{860, 220, "Drawdown", "", false, true}));
  d.set("symbols", symbol_rows(p));
  d.set("has_symbols", mustache::data(!p.symbols.empty()));
  d.set("trade_word", r.trade_word);
  const size_t shown = r.trades.rows.size();
  d.set("shown_line",
        shown == 0 ? "None." + std::string(r.total_trades ? " Every one is in " + r.trades_file + "." : "")
        : shown < r.total_trades
            ? "The last " + format_money(static_cast<double>(shown), 0) + " of " +
                  format_money(static_cast<double>(r.total_trades), 0) + " " + r.trade_word +
                  "; the full list is in " + r.trades_file + "."
            : "All " + format_money(static_cast<double>(shown), 0) + " " + r.trade_word + " (also in " +
                  r.trades_file + ").");
  d.set("has_trades", mustache::data(shown > 0));
  d.set("header", cells(r.trades.header, r.trades.numeric));
  mustache::data rows{mustache::data::type::list};
  for (const auto& row : r.trades.rows) {
    mustache::data x;
    x.set("cells", cells(row, r.trades.numeric));
    rows.push_back(x);
  }
  d.set("rows", rows);
  return html_page(r.title, render(kBody, d, Escape::html), kCss);
}

}  // namespace tn::notify
