#include "notify/reports.hpp"

#include <fmt/format.h>

#include "notify/render.hpp"
#include "notify/templates.hpp"

namespace tn::notify {

namespace {

const std::string kTd = "style=\"padding:4px 8px;border-bottom:1px solid #eaeef2;vertical-align:top\"";
const std::string kTdNum = "style=\"padding:4px 8px;border-bottom:1px solid #eaeef2;text-align:right;white-space:nowrap\"";
const std::string kTh = "style=\"padding:4px 8px;border-bottom:2px solid #d0d7de;text-align:left;background:#f6f8fa\"";

const std::string kDailyText =
    "Recommendations:{{^recs}} none today{{/recs}}\n"
    "{{#recs}}- {{direction}} {{symbol}} (conviction {{conviction}}): entry {{entry}}, stop {{stop}}, "
    "target {{target}}, size {{size}}\n  {{reasoning}}\n{{/recs}}"
    "\nMarket summary:\n{{summary}}\n\n"
    "Portfolio: {{total}} {{quote}} ({{available}} {{quote}} available)\n"
    "{{#positions}}  {{asset}} {{quantity}} = {{value}} {{quote}}\n{{/positions}}";

std::string daily_html_tmpl() {
  return "<h3>Recommendations</h3>{{^recs}}<p>No recommendations today.</p>{{/recs}}{{#has_recs}}"
         "<table style=\"border-collapse:collapse;width:100%\"><tr><th " + kTh + ">Symbol</th><th " + kTh +
         ">Direction</th><th " + kTh + ">Conviction</th><th " + kTh + ">Entry</th><th " + kTh +
         ">Stop</th><th " + kTh + ">Target</th><th " + kTh + ">Size</th><th " + kTh +
         ">Reasoning</th></tr>{{#recs}}<tr><td " + kTd + "><b>{{symbol}}</b></td><td " + kTd +
         ">{{direction}}</td><td " + kTdNum + ">{{conviction}}</td><td " + kTdNum + ">{{entry}}</td><td " +
         kTdNum + ">{{stop}}</td><td " + kTdNum + ">{{target}}</td><td " + kTdNum + ">{{size}}</td><td " +
         kTd + ">{{reasoning}}</td></tr>{{/recs}}</table>{{/has_recs}}"
         "<h3>Market summary</h3><p style=\"white-space:pre-wrap\">{{summary}}</p>"
         "<h3>Portfolio</h3><p>Total value <b>{{total}} {{quote}}</b>, {{available}} {{quote}} available "
         "({{time}})</p>{{#has_positions}}<table style=\"border-collapse:collapse\"><tr><th " + kTh +
         ">Asset</th><th " + kTh + ">Quantity</th><th " + kTh + ">Value ({{quote}})</th></tr>"
         "{{#positions}}<tr><td " + kTd + ">{{asset}}</td><td " + kTdNum + ">{{quantity}}</td><td " + kTdNum +
         ">{{value}}</td></tr>{{/positions}}</table>{{/has_positions}}"
         "<h3>Equity</h3>{{{chart}}}";
}

std::string plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

Message daily_report_message(uint64_t id, const DailyReport& r) {
  const auto& p = r.portfolio;
  const std::string quote = p.quote.empty() ? "USDT" : p.quote;
  mustache::data recs{mustache::data::type::list};
  for (const auto& x : r.recommendations) {
    mustache::data row;
    row.set("symbol", x.symbol);
    row.set("direction", x.direction);
    row.set("conviction", format_number(x.conviction * 100, 0) + "%");
    row.set("entry", format_number(x.entry));
    row.set("stop", format_number(x.stop));
    row.set("target", format_number(x.target));
    row.set("size", x.size);
    row.set("reasoning", x.reasoning);
    recs.push_back(row);
  }
  mustache::data positions{mustache::data::type::list};
  for (const auto& x : p.positions) {
    mustache::data row;
    row.set("asset", x.asset);
    row.set("quantity", format_decimal(x.quantity, -1));
    row.set("value", format_decimal(x.value, 2));
    row.set("quote", quote);
    positions.push_back(row);
  }
  mustache::data d;
  d.set("recs", recs);
  d.set("has_recs", mustache::data(!r.recommendations.empty()));
  d.set("summary", r.market_summary.empty() ? std::string("(none)") : r.market_summary);
  d.set("total", format_decimal(p.total_value.empty() ? "0" : p.total_value, 2));
  d.set("available", format_decimal(p.quote_balance.empty() ? "0" : p.quote_balance, 2));
  d.set("quote", quote);
  d.set("time", format_utc(p.time_ms ? p.time_ms : r.time_ms));
  d.set("positions", positions);
  d.set("has_positions", mustache::data(!p.positions.empty()));
  d.set("chart", svg_line_chart(r.equity, ChartStyle{720, 240, "Equity (" + quote + ")", "#1f6feb", false, false}));
  const std::string subject = "Trading Signals for " + format_month_day(r.time_ms) + " - " +
                              plural(r.recommendations.size(), "Recommendation");
  return compose(id, subject, {}, d, kDailyText, daily_html_tmpl());
}

std::string backtest_report_html(const BacktestSummary& s, const std::vector<BacktestTradeRow>& trades,
                                 const std::vector<ChartPoint>& equity, const std::string& title) {
  const std::string tmpl =
      "<table style=\"border-collapse:collapse\">{{#summary}}<tr><th style=\"text-align:left;padding:3px 12px 3px 0;"
      "color:#57606a;font-weight:normal\">{{label}}</th><td style=\"padding:3px 0\">{{value}}</td></tr>{{/summary}}</table>"
      "<h3>Equity</h3>{{{equity}}}<h3>Drawdown</h3>{{{drawdown}}}"
      "<h3>Trades ({{count}})</h3><table style=\"border-collapse:collapse;font-size:12px\"><tr><th " + kTh +
      ">Bar open (UTC)</th><th " + kTh + ">Symbol</th><th " + kTh + ">TF</th><th " + kTh + ">Side</th><th " + kTh +
      ">Price</th><th " + kTh + ">Quantity</th><th " + kTh + ">Value</th><th " + kTh + ">USDT after</th></tr>"
      "{{#trades}}<tr><td " + kTd + ">{{time}}</td><td " + kTd + ">{{symbol}}</td><td " + kTd + ">{{tf}}</td><td " +
      kTd + ">{{side}}</td><td " + kTdNum + ">{{price}}</td><td " + kTdNum + ">{{qty}}</td><td " + kTdNum +
      ">{{value}}</td><td " + kTdNum + ">{{after}}</td></tr>{{/trades}}</table>";
  mustache::data summary{mustache::data::type::list};
  auto add = [&](const std::string& label, const std::string& value) {
    mustache::data row;
    row.set("label", label);
    row.set("value", value);
    summary.push_back(row);
  };
  add("Bars", std::to_string(s.bars));
  add("Signals", std::to_string(s.signals));
  add("Trades", std::to_string(s.trades));
  add("Rejected", std::to_string(s.rejected));
  add("Final USDT", format_decimal(s.final_usdt.empty() ? "0" : s.final_usdt, 2));
  add("Final equity", format_decimal(s.final_equity.empty() ? "0" : s.final_equity, 2));
  add("Max drawdown", fmt::format("{:.2f}%", s.max_drawdown * 100));
  if (!equity.empty()) add("Period", format_date(equity.front().time_ms) + " to " + format_date(equity.back().time_ms));
  mustache::data rows{mustache::data::type::list};
  for (const auto& t : trades) {
    mustache::data row;
    row.set("time", format_utc(t.time_ms));
    row.set("symbol", t.symbol);
    row.set("tf", t.timeframe);
    row.set("side", t.side);
    row.set("price", format_number(t.price));
    row.set("qty", format_decimal(t.quantity, -1));
    row.set("value", format_decimal(t.value, 2));
    row.set("after", format_decimal(t.usdt_after, 2));
    rows.push_back(row);
  }
  mustache::data d;
  d.set("summary", summary);
  d.set("equity", svg_line_chart(equity, ChartStyle{860, 280, "Equity (USDT)", "#1f6feb", false, false}));
  d.set("drawdown", svg_line_chart(drawdown_series(equity), ChartStyle{860, 200, "Drawdown", "#cf222e", true, true}));
  d.set("count", std::to_string(trades.size()));
  d.set("trades", rows);
  return html_page(title, render(tmpl, d, Escape::html));
}

}  // namespace tn::notify
