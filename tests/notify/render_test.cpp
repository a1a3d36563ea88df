#define BOOST_TEST_MODULE notify_render
#include <boost/test/unit_test.hpp>

#include <map>

#include "notify/render.hpp"
#include "notify/reports.hpp"
#include "notify/svg_chart.hpp"
#include "messages/codec.hpp"
#include "messages/envelope.hpp"
#include "messages/events.hpp"

using namespace tn;
using namespace tn::notify;

namespace {

template <class T>
storage::OutboxEntry event_entry(uint64_t id, const std::string& type, const T& body) {
  EnvelopeHeader h;
  h.seq = 9;
  h.node = "node-a";
  h.type = type;
  storage::OutboxEntry e;
  e.id = id;
  e.channel = "telegram";
  e.type = type;
  e.event_seq = 9;
  e.queued_ms = 1'767'100'000'000;
  e.content = encode_envelope(h, encode(body));
  return e;
}

Message must_render(const storage::OutboxEntry& e) {
  auto m = render_entry(e);
  BOOST_REQUIRE_MESSAGE(m, (m ? std::string() : m.error().to_string()));
  BOOST_REQUIRE(m->has_value());
  return **m;
}

bool has(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

TradeEvent fill() {
  TradeEvent t;
  t.symbol = "BTCUSDT";
  t.timeframe = "1d";
  t.side = "BUY";
  t.price = 16547.5;
  t.quantity = "0.18130000";
  t.value = "3000.00000000";
  t.decided_at_ms = 1'672'444'800'000;  // 2022-12-31 00:00 UTC
  t.reason = "distance -6.2% <= -5% & MA20 < price";
  return t;
}

}  // namespace

BOOST_AUTO_TEST_CASE(trade_executed_has_every_field_in_all_three_variants) {
  const Message m = must_render(event_entry(42, topic::trade_fill, fill()));
  BOOST_CHECK_EQUAL(m.subject, "Trade executed: BUY 0.1813 BTCUSDT @ 16547.5");
  for (const std::string& s : {m.text, m.html, m.chat_html}) {
    BOOST_CHECK(has(s, "BUY"));
    BOOST_CHECK(has(s, "0.1813"));
    BOOST_CHECK(has(s, "BTCUSDT"));
    BOOST_CHECK(has(s, "16547.5"));
    BOOST_CHECK(has(s, "3000.00 USDT"));
    BOOST_CHECK(has(s, "1d"));
    BOOST_CHECK(has(s, "ref #42"));
    BOOST_CHECK(has(s, "2022-12-31 00:00 UTC"));
  }
  // The reason's & and < are text in the plain variant and escaped in both HTML ones.
  BOOST_CHECK(has(m.text, "-5% & MA20 < price"));
  BOOST_CHECK(has(m.chat_html, "-5% &amp; MA20 &lt; price"));
  BOOST_CHECK(has(m.html, "-5% &amp; MA20 &lt; price"));
  BOOST_CHECK(!has(m.chat_html, "<table"));
  BOOST_CHECK(has(m.html, "<!DOCTYPE html>"));
}

BOOST_AUTO_TEST_CASE(every_event_worth_telling_renders_and_the_rest_is_silent) {
  TradeEvent rej = fill();
  rej.reject_reason = "insufficient balance: 5.00 < 10.00";
  BOOST_CHECK(has(must_render(event_entry(1, topic::trade_rejected, rej)).text,
                  "Why it failed: insufficient balance"));
  SignalEvent sig{"ETHUSDT", "4h", "SELL", 0, 1'700'000'000'000, 2100.25, 2000, 5.01, 20, 5, "order", "above MA"};
  const Message s = must_render(event_entry(2, topic::signal_sell, sig));
  BOOST_CHECK(has(s.subject, "SELL ETHUSDT at 2100.25 (4h)"));
  BOOST_CHECK(has(s.text, "Reason: above MA"));
  PortfolioStatusEvent p{1'767'052'800'000, "USDT", "7000.50000000", "10234.56000000",
                         {{"BTCUSDT", "BTC", "0.18130000", 17000, "3082.10000000"}}};
  const Message pm = must_render(event_entry(3, topic::portfolio_status, p));
  BOOST_CHECK_EQUAL(pm.subject, "Portfolio: 10234.56 USDT");
  BOOST_CHECK(has(pm.text, "USDT available: 7000.50"));
  BOOST_CHECK(has(pm.text, "BTC 0.1813"));
  BOOST_CHECK(has(pm.text, "3082.10 USDT"));
  BOOST_CHECK(has(pm.text, "2025-12-30 00:00 UTC"));
  BOOST_CHECK(has(pm.html, "<td style=\"text-align:right;padding:3px 12px\">3082.10</td>"));
  NodeStartEvent st{"live", "acct", {"BTCUSDT:1d", "ETHUSDT:4h"}, "10000.00000000"};
  const Message sm = must_render(event_entry(4, topic::node_start, st));
  BOOST_CHECK(has(sm.text, "Watchlist: BTCUSDT:1d, ETHUSDT:4h"));
  BOOST_CHECK(has(sm.text, "Capital: 10000.00 USDT"));
  BOOST_CHECK(has(must_render(event_entry(5, topic::node_stop, NodeStopEvent{"SIGTERM"})).subject, "Node stopping"));
  BOOST_CHECK(has(must_render(event_entry(6, topic::data_error, DataErrorEvent{"binance", "BTCUSDT:1h", "HTTP 503"})).text,
                  "Error: HTTP 503"));
  const Message late = must_render(event_entry(
      8, topic::data_late,
      DataLateEvent{"BTCUSDT:1h", "BTCUSDT", "1h", 1767052800000, 1767056400000, 1, 1767056402000}));
  BOOST_CHECK_EQUAL(late.subject, "Bar late: BTCUSDT:1h");
  BOOST_CHECK(has(late.text, "Due: 2025-12-30 01:00 UTC"));
  auto dropped = render_entry(event_entry(7, topic::signal_dropped, sig));
  BOOST_REQUIRE(dropped);
  BOOST_CHECK(!dropped->has_value());
}

// One message per check listing every signal, the dropped ones with why;
// a symbol name can't inject markup into the HTML variants.
BOOST_AUTO_TEST_CASE(signals_found_lists_every_signal_of_the_check) {
  SignalsFoundEvent e;
  e.close_time_ms = 1'767'052'800'000;
  e.signals.push_back({"BTCUSDT", "1d", "BUY", 0, e.close_time_ms, 87000.5, 95000, -8.42, 20, -8, "order", "r"});
  e.signals.push_back({"BTC<b>", "1h", "SELL", 0, e.close_time_ms, 87000.5, 80000, 8.75, 50, 5, "dropped",
                       "conflict: BUY on 1d outranks this SELL on 1h"});
  const Message m = must_render(event_entry(8, topic::signals_found, e));
  BOOST_CHECK_EQUAL(m.subject, "Signals found: 2 (1 to trade)");
  BOOST_CHECK(has(m.text, "Check: 2025-12-30 00:00 UTC"));
  BOOST_CHECK(has(m.text, "BUY BTCUSDT 1d @ 87000.5 (-8.42% from MA20): order\n"));
  BOOST_CHECK(has(m.text, "(8.75% from MA50): dropped, conflict: BUY on 1d outranks this SELL on 1h"));
  BOOST_CHECK(has(m.chat_html, "BTC&lt;b&gt;"));
  BOOST_CHECK(!has(m.html, "BTC<b>"));
}

// [notify.routes] accepts exactly notifiable_event_types(): each of them
// must make a message, or a valid route would send nothing.
BOOST_AUTO_TEST_CASE(every_routable_event_type_renders_a_message) {
  SignalEvent sig{"ETHUSDT", "4h", "BUY", 0, 1'700'000'000'000, 1900.5, 2000, -4.98, 20, -5, "order", "below MA"};
  TradeEvent rej = fill();
  rej.reject_reason = "insufficient balance";
  const std::map<std::string, storage::OutboxEntry> samples = {
      {topic::trade_fill, event_entry(1, topic::trade_fill, fill())},
      {topic::trade_rejected, event_entry(2, topic::trade_rejected, rej)},
      {topic::signal_buy, event_entry(3, topic::signal_buy, sig)},
      {topic::signal_sell, event_entry(4, topic::signal_sell, sig)},
      {topic::portfolio_status, event_entry(5, topic::portfolio_status, PortfolioStatusEvent{})},
      {topic::node_start, event_entry(6, topic::node_start, NodeStartEvent{})},
      {topic::node_stop, event_entry(7, topic::node_stop, NodeStopEvent{"stopped"})},
      {topic::data_error, event_entry(8, topic::data_error, DataErrorEvent{"binance", "BTCUSDT:1h", "HTTP 503"})},
      {topic::signals_found, event_entry(9, topic::signals_found, SignalsFoundEvent{1'700'000'000'000, {sig}})},
  };
  for (const auto& type : notifiable_event_types()) {
    BOOST_TEST_CONTEXT(type) {
      BOOST_REQUIRE(samples.count(type) == 1u);
      BOOST_TEST(!must_render(samples.at(type)).subject.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(payload_kinds_render_and_bad_ones_are_clear_errors) {
  storage::OutboxEntry e;
  e.id = 8;
  e.type = kSourceDownType;
  e.content = encode(SourceDownAlert{"polygon", "SPY:1d", 5, "timeout"});
  BOOST_CHECK_EQUAL(must_render(e).subject, "Data source down: polygon for 5 cycles");
  e.content = "\xc1";
  BOOST_CHECK(!render_entry(e));
  e.type = "no.such.kind";
  e.content = encode(TestMessage{"x"});
  auto r = render_entry(e);
  BOOST_REQUIRE(!r);
  BOOST_CHECK(has(r.error().message, "no.such.kind"));
  // An event whose body does not match its type, and a truncated envelope.
  auto bad = event_entry(9, topic::trade_fill, std::string("not a map"));
  BOOST_CHECK(!render_entry(bad));
  bad.content.resize(bad.content.size() / 2);
  BOOST_CHECK(!render_entry(bad));
}

BOOST_AUTO_TEST_CASE(daily_report_has_the_table_summary_portfolio_and_chart) {
  DailyReport r;
  r.time_ms = 1'767'052'800'000;  // 2025-12-30
  r.recommendations = {{"BTCUSDT", "BUY", 0.72, 87000, 84000, 93000, "300 USDT", "Breakout above <90k> range"},
                       {"ETHUSDT", "SELL", 0.55, 2950, 3050, 2800, "150 USDT", "momentum fading"},
                       {"SOLUSDT", "BUY", 0.6, 190, 182, 210, "100 USDT", "trend"}};
  r.market_summary = "Risk-on; BTC dominance 57%.";
  r.portfolio = {r.time_ms, "USDT", "9000.00000000", "10500.00000000", {{"BTCUSDT", "BTC", "0.01", 90000, "900.00000000"}}};
  for (int i = 0; i < 30; ++i) r.equity.push_back({r.time_ms - (30 - i) * 86'400'000LL, 10000.0 + i * 17});
  const Message m = daily_report_message(77, r);
  BOOST_CHECK_EQUAL(m.subject, "Trading Signals for Dec 30 - 3 Recommendations");
  for (const char* col : {">Symbol<", ">Direction<", ">Conviction<", ">Entry<", ">Stop<", ">Target<", ">Size<", ">Reasoning<"})
    BOOST_CHECK(has(m.html, col));
  BOOST_CHECK(has(m.html, "Breakout above &lt;90k&gt; range"));
  BOOST_CHECK(has(m.html, "72%"));
  BOOST_CHECK(has(m.html, "<svg"));
  BOOST_CHECK(has(m.html, "<polyline"));
  BOOST_CHECK(has(m.html, "Risk-on; BTC dominance 57%."));
  BOOST_CHECK(has(m.html, "10500.00 USDT"));
  BOOST_CHECK(has(m.text, "- BUY BTCUSDT (conviction 72%): entry 87000, stop 84000, target 93000, size 300 USDT"));
  DailyReport one;
  one.time_ms = 1'767'052'800'000;
  one.recommendations.resize(1);
  BOOST_CHECK_EQUAL(daily_report_message(1, one).subject, "Trading Signals for Dec 30 - 1 Recommendation");
  DailyReport none;
  none.time_ms = 1'735'689'600'000;  // 2025-01-01
  const Message n = daily_report_message(2, none);
  BOOST_CHECK_EQUAL(n.subject, "Trading Signals for Jan 1 - 0 Recommendations");
  BOOST_CHECK(has(n.html, "no data"));
}

// Stored report.daily rows hold these bytes (values with a fraction: they
// are packed as float64): the structs may change name or home, never their
// msgpack maps.
BOOST_AUTO_TEST_CASE(daily_report_payload_bytes_are_the_stored_schema) {
  using namespace std::string_literals;
  const std::string point = "\x82\xa7time_ms\x01\xa5value\xcb\x40\x04\x00\x00\x00\x00\x00\x00"s;
  BOOST_CHECK(encode(ChartPoint{1, 2.5}) == point);
  const std::string rec = "\x88\xa6symbol\xa1" "A" "\xa9" "direction\xa3" "BUY\xaa" "conviction\xcb\x3f\xe0\0\0\0\0\0\0"
                          "\xa5" "entry\xcb\x40\x02\0\0\0\0\0\0\xa4" "stop\xcb\x3f\xf8\0\0\0\0\0\0"
                          "\xa6" "target\xcb\x40\x0e\0\0\0\0\0\0\xa4" "size\xa1" "s\xa9" "reasoning\xa1" "r"s;
  BOOST_CHECK(encode(ReportRecommendation{"A", "BUY", 0.5, 2.25, 1.5, 3.75, "s", "r"}) == rec);
}

BOOST_AUTO_TEST_CASE(charts_thin_long_series_and_survive_bad_values) {
  std::vector<ChartPoint> pts;
  for (int i = 0; i < 100000; ++i) pts.push_back({i * 60'000LL, 100.0 + (i % 1000 == 0 ? 50.0 : 0.0)});
  pts.push_back({100000 * 60'000LL, std::nan("")});
  const std::string svg = svg_line_chart(pts, ChartStyle{});
  BOOST_CHECK(svg.size() < 200'000);
  BOOST_CHECK(has(svg, "150"));  // the spikes survive thinning
  BOOST_CHECK(!has(svg, "nan"));
  BOOST_CHECK(has(svg_line_chart({{0, 5}}, ChartStyle{}), "<polyline"));
}

BOOST_AUTO_TEST_CASE(dates_and_numbers) {
  BOOST_CHECK_EQUAL(rfc5322_date(1'767'103'200'000), "Tue, 30 Dec 2025 14:00:00 +0000");
  BOOST_CHECK_EQUAL(format_decimal("1234.50000000", 2), "1234.50");
  BOOST_CHECK_EQUAL(format_decimal("0.10000000", -1), "0.1");
  BOOST_CHECK_EQUAL(format_decimal("12.00000000", -1), "12");
  BOOST_CHECK_EQUAL(format_decimal("garbage", 2), "garbage");
  BOOST_CHECK_EQUAL(format_number(0.000012346, 8), "0.00001235");
  BOOST_CHECK_EQUAL(format_number(std::nan(""), 2), "n/a");
  BOOST_CHECK_EQUAL(escape_html("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;'&lt;/a&gt;");
}
