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

}  // namespace tn::notify
