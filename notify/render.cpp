#include "notify/render.hpp"

#include "notify/daily_report.hpp"
#include "notify/reports.hpp"
#include "messages/codec.hpp"
#include "messages/envelope.hpp"
#include "messages/events.hpp"

namespace tn::notify {

namespace {

// Every simple notification is a heading and labelled values.
const std::string kFieldsText = "{{#fields}}{{label}}: {{value}}\n{{/fields}}";
const std::string kFieldsHtml =
    "<table style=\"border-collapse:collapse\">{{#fields}}<tr>"
    "<th style=\"text-align:left;padding:3px 12px 3px 0;color:#57606a;font-weight:normal\">{{label}}</th>"
    "<td style=\"padding:3px 0\">{{value}}</td></tr>{{/fields}}</table>";
// Open positions, under the fields of portfolio.status.
const std::string kPositionsText =
    "Positions:{{^positions}} none{{/positions}}\n"
    "{{#positions}}  {{asset}} {{quantity}} ({{symbol}} @ {{price}}) = {{value}} {{quote}}\n{{/positions}}";
const std::string kPositionsHtml =
    "<h3>Open positions</h3>{{^positions}}<p>none</p>{{/positions}}{{#has_positions}}"
    "<table style=\"border-collapse:collapse\"><tr>"
    "<th style=\"text-align:left;padding:3px 12px\">Asset</th><th style=\"text-align:right;padding:3px 12px\">Quantity</th>"
    "<th style=\"text-align:right;padding:3px 12px\">Price</th><th style=\"text-align:right;padding:3px 12px\">Value ({{quote}})</th></tr>"
    "{{#positions}}<tr><td style=\"padding:3px 12px\">{{asset}}</td><td style=\"text-align:right;padding:3px 12px\">{{quantity}}</td>"
    "<td style=\"text-align:right;padding:3px 12px\">{{price}}</td><td style=\"text-align:right;padding:3px 12px\">{{value}}</td></tr>{{/positions}}"
    "</table>{{/has_positions}}";

std::string ref(uint64_t id) { return "ref #" + std::to_string(id); }

Message simple(uint64_t id, const std::string& subject, const std::vector<Field>& fields) {
  return compose(id, subject, fields, mustache::data(), "", "");
}

mustache::data positions_data(const PortfolioStatusEvent& e) {
  mustache::data list{mustache::data::type::list};
  for (const auto& p : e.positions) {
    mustache::data row;
    row.set("asset", p.asset);
    row.set("symbol", p.symbol);
    row.set("quantity", format_decimal(p.quantity, -1));
    row.set("price", format_number(p.price, 8));
    row.set("value", format_decimal(p.value, 2));
    row.set("quote", e.quote);
    list.push_back(row);
  }
  mustache::data d;
  d.set("positions", list);
  d.set("has_positions", mustache::data(!e.positions.empty()));
  d.set("quote", e.quote);
  return d;
}

Message trade(uint64_t id, const TradeEvent& e, bool filled, const RenderOptions& o) {
  if (filled)
    return simple(id,
                  "Trade executed: " + e.side + " " + format_decimal(e.quantity, -1) + " " +
                      e.symbol + " @ " + format_number(e.price),
                  {{"Side", e.side},
                   {"Quantity", format_decimal(e.quantity, -1)},
                   {"Symbol", e.symbol},
                   {"Price", format_number(e.price)},
                   {"Value", format_decimal(e.value, 2) + " " + o.quote},
                   {"Timeframe", e.timeframe},
                   {"Bar closed", format_utc(e.decided_at_ms)},
                   {"Reason", e.reason}});
  return simple(id, "Trade failed: " + e.side + " " + e.symbol + " (" + e.timeframe + ")",
                {{"Why it failed", e.reject_reason},
                 {"Side", e.side},
                 {"Symbol", e.symbol},
                 {"Price", format_number(e.price)},
                 {"Timeframe", e.timeframe},
                 {"Bar closed", format_utc(e.decided_at_ms)},
                 {"Order reason", e.reason}});
}

// One line per signal of the check, orders first (the arbiter's order).
const std::string kSignalsText =
    "{{#signals}}{{side}} {{symbol}} {{timeframe}} @ {{price}} ({{distance}}% from MA{{ma_period}}): "
    "{{decision}}{{#dropped}}, {{reason}}{{/dropped}}\n{{/signals}}";
const std::string kSignalsHtml =
    "<ul>{{#signals}}<li><b>{{side}} {{symbol}}</b> {{timeframe}} @ {{price}} "
    "({{distance}}% from MA{{ma_period}}): {{decision}}{{#dropped}}, {{reason}}{{/dropped}}</li>{{/signals}}</ul>";

Message signals_found(uint64_t id, const SignalsFoundEvent& e) {
  mustache::data list{mustache::data::type::list};
  size_t orders = 0;
  for (const auto& s : e.signals) {
    mustache::data row;
    row.set("side", s.side);
    row.set("symbol", s.symbol);
    row.set("timeframe", s.timeframe);
    row.set("price", format_number(s.price));
    row.set("distance", format_number(s.distance, 2));
    row.set("ma_period", std::to_string(s.ma_period));
    const bool dropped = s.decision == "dropped";
    row.set("decision", dropped ? "dropped" : "order");
    row.set("dropped", mustache::data(dropped));
    row.set("reason", s.reason);
    orders += !dropped;
    list.push_back(row);
  }
  mustache::data d;
  d.set("signals", list);
  return compose(id,
                 "Signals found: " + std::to_string(e.signals.size()) + " (" + std::to_string(orders) +
                     " to trade)",
                 {{"Check", format_utc(e.close_time_ms)}}, d, kSignalsText, kSignalsHtml);
}

Result<std::optional<Message>> from_event(const storage::OutboxEntry& entry,
                                          const RenderOptions& o) {
  auto env = decode_envelope(entry.content);
  if (!env) return env.error();
  const std::string& type = env->header.type;
  const msgpack::object& body = env->body.get();
  const uint64_t id = entry.id;
  try {
    if (type == topic::trade_fill || type == topic::trade_rejected)
      return std::optional<Message>(trade(id, body.as<TradeEvent>(), type == topic::trade_fill, o));
    if (type == topic::signal_buy || type == topic::signal_sell) {
      auto e = body.as<SignalEvent>();
      return std::optional<Message>(simple(
          id, "Signal: " + e.side + " " + e.symbol + " at " + format_number(e.price) + " (" + e.timeframe + ")",
          {{"Symbol", e.symbol},
           {"Action", e.side},
           {"Price", format_number(e.price)},
           {"Timeframe", e.timeframe},
           {"Distance from MA" + std::to_string(e.ma_period), format_number(e.distance, 2) + "%"},
           {"Bar closed", format_utc(e.close_time_ms)},
           {"Reason", e.reason}}));
    }
    if (type == topic::signals_found) return std::optional<Message>(signals_found(id, body.as<SignalsFoundEvent>()));
    if (type == topic::portfolio_status) {
      auto e = body.as<PortfolioStatusEvent>();
      return std::optional<Message>(compose(
          id, "Portfolio: " + format_decimal(e.total_value, 2) + " " + e.quote,
          {{"Total value", format_decimal(e.total_value, 2) + " " + e.quote},
           {e.quote + " available", format_decimal(e.quote_balance, 2)},
           {"Time", format_utc(e.time_ms)}},
          positions_data(e), kPositionsText, kPositionsHtml));
    }
    if (type == topic::node_start) {
      auto e = body.as<NodeStartEvent>();
      std::string wl;
      for (const auto& w : e.watchlist) wl += (wl.empty() ? "" : ", ") + w;
      return std::optional<Message>(simple(
          id, "Node started (" + e.mode + "), watching " + std::to_string(e.watchlist.size()) + " streams",
          {{"Watchlist", wl}, {"Capital", format_decimal(e.capital, 2) + " " + o.quote},
           {"Account", e.account}, {"Mode", e.mode}, {"Node", env->header.node}}));
    }
    if (type == topic::node_stop) {
      auto e = body.as<NodeStopEvent>();
      return std::optional<Message>(
          simple(id, "Node stopping: " + env->header.node, {{"Reason", e.reason}}));
    }
    if (type == topic::data_error) {
      auto e = body.as<DataErrorEvent>();
      return std::optional<Message>(simple(id, "Data source problem: " + e.source,
                                           {{"Source", e.source}, {"Stream", e.stream}, {"Error", e.message}}));
    }
    if (type == topic::data_late) {
      auto e = body.as<DataLateEvent>();
      return std::optional<Message>(simple(id, "Bar late: " + e.stream,
                                           {{"Stream", e.stream},
                                            {"Bar opening", format_utc(e.bar_open_time_ms)},
                                            {"Due", format_utc(e.due_ms)},
                                            {"Asked again", e.retry_at_ms ? format_utc(e.retry_at_ms) : "no"}}));
    }
  } catch (const std::exception& ex) {
    return make_error(Errc::invalid_input, type + " body does not match its schema: " + ex.what());
  }
  return std::optional<Message>();
}

Result<std::optional<Message>> from_payload(const storage::OutboxEntry& entry) {
  if (entry.type == kDailyReportType) {
    auto r = decode<DailyReport>(entry.content);
    if (!r) return r.error();
    return std::optional<Message>(daily_report_message(entry.id, *r));
  }
  if (entry.type == kSourceDownType) {
    auto a = decode<SourceDownAlert>(entry.content);
    if (!a) return a.error();
    return std::optional<Message>(simple(
        entry.id, "Data source down: " + a->source + " for " + std::to_string(a->cycles) + " cycles",
        {{"Source", a->source}, {"Stream", a->stream}, {"Failed cycles in a row", std::to_string(a->cycles)},
         {"Last error", a->last_error}}));
  }
  if (entry.type == kTestMessageType) {
    auto t = decode<TestMessage>(entry.content);
    if (!t) return t.error();
    return std::optional<Message>(simple(entry.id, "tradernode test message", {{"Message", t->text}}));
  }
  return make_error(Errc::invalid_input, "unknown notification type '" + entry.type + "'");
}

}  // namespace

Message compose(uint64_t id, const std::string& subject, const std::vector<Field>& fields,
                const mustache::data& extra, const std::string& extra_text_tmpl,
                const std::string& extra_html_tmpl) {
  mustache::data list{mustache::data::type::list};
  for (const auto& f : fields) {
    mustache::data row;
    row.set("label", f.label);
    row.set("value", f.value);
    list.push_back(row);
  }
  mustache::data d;
  d.set("fields", list);
  Message m;
  m.id = id;
  m.subject = subject;
  const std::string text = render(kFieldsText, d, Escape::none) + render(extra_text_tmpl, extra, Escape::none);
  m.text = subject + "\n\n" + text + "\n" + ref(id) + "\n";
  m.chat_html = "<b>" + escape_html(subject) + "</b>\n" + render(kFieldsText, d, Escape::html) +
                render(extra_text_tmpl, extra, Escape::html) + "<i>" + ref(id) + "</i>";
  m.html = html_page(subject, render(kFieldsHtml, d, Escape::html) +
                                  render(extra_html_tmpl, extra, Escape::html) +
                                  "<p style=\"color:#57606a;font-size:12px\">" + ref(id) + "</p>");
  return m;
}

Result<std::optional<Message>> render_entry(const storage::OutboxEntry& entry,
                                            const RenderOptions& options) {
  auto m = entry.event_seq != 0 ? from_event(entry, options) : from_payload(entry);
  if (m && *m) {
    (*m)->queued_ms = entry.queued_ms;
    (*m)->type = entry.type;
  }
  return m;
}

}  // namespace tn::notify
