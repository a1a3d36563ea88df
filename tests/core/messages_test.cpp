#define BOOST_TEST_MODULE core_messages
#include <boost/test/unit_test.hpp>

#include <random>

#include "actors/notifier/notifier_core.hpp"
#include "messages/codec.hpp"
#include "messages/envelope.hpp"
#include "messages/events.hpp"
#include "messages/internal.hpp"
#include "messages/market.hpp"
#include "messages/orders.hpp"

using namespace tn;

namespace {
template <class T>
T round_trip(const T& v) {
  auto r = decode<T>(encode(v));
  if (!r.ok()) BOOST_FAIL(r.error().to_string());
  return r.value();
}
OrderResult sample_result() {
  OrderResult r;
  r.request = OrderRequest{"id1", "acct", "BTCUSDT", "BTC", "USDT", "1d", "BUY", 1, 2, 19000.5,
                           3000 * kAmountScale, "why"};
  r.filled = true;
  r.quantity = 15789473;
  r.value = 3000 * kAmountScale;
  r.quote_after = 7000 * kAmountScale;
  r.base_after = 15789473;
  r.event_seq = 9;
  return r;
}
}  // namespace

BOOST_AUTO_TEST_CASE(every_message_round_trips) {
  BarWindow w{3, 10, 20, true, 0, false, {1, 4}, {0, 1, 2}, {5, 6}, {1, 2}, {3, 4}, {0.5, 1}, {2, 3}, {9, 8}};
  auto w2 = round_trip(w);
  BOOST_TEST(w2.window == 3u);
  BOOST_TEST(w2.last);
  BOOST_TEST(w2.streams == w.streams);
  BOOST_TEST(w2.offsets == w.offsets);
  BOOST_TEST(w2.close == w.close);
  BOOST_TEST(w2.volume == w.volume);
  SnapshotWindow s{w, {1.5, 2}};
  auto s2 = round_trip(s);
  BOOST_TEST(s2.ma == s.ma);
  BOOST_TEST(s2.bars.close == w.close);
  SignalWindow sw{4, 99, true, 0, 1, 1000, {Candidate{2, 5, 6, kSideSell, 1, 2, 3}}, {Mark{2, 7, 8.5}}};
  auto sw2 = round_trip(sw);
  BOOST_REQUIRE(sw2.candidates.size() == 1u);
  BOOST_TEST(sw2.candidates[0].side == kSideSell);
  BOOST_TEST(sw2.candidates[0].distance == 3.0);
  BOOST_TEST(sw2.marks[0].price == 8.5);
  OrderRequest second = sample_result().request;
  second.order_id = "id2";
  PlaceOrders po{{sample_result().request, second}, {EventDraft{"signal.buy", std::string("\x80", 1), 7}}};
  auto po2 = round_trip(po);
  BOOST_REQUIRE(po2.orders.size() == 2u);
  BOOST_TEST(po2.orders[0].order_id == "id1");
  BOOST_TEST(po2.orders[1].order_id == "id2");
  BOOST_REQUIRE(po2.before.size() == 1u);
  BOOST_TEST(po2.before[0].type == "signal.buy");
  BOOST_TEST(po2.before[0].body == std::string("\x80", 1));
  BOOST_TEST(po2.before[0].ts_ns == 7);
  OrderResults rs{{sample_result(), sample_result()}};
  rs.results[1].duplicate = true;
  auto rs2 = round_trip(rs);
  BOOST_REQUIRE(rs2.results.size() == 2u);
  BOOST_TEST(!rs2.results[0].duplicate);
  BOOST_TEST(rs2.results[1].duplicate);
  auto r2 = round_trip(sample_result());
  BOOST_TEST(r2.request.order_id == "id1");
  BOOST_TEST(r2.request.quote_amount == 3000 * kAmountScale);
  BOOST_TEST(r2.quantity == 15789473);
  SignalEvent se{"BTCUSDT", "1d", "BUY", 1, 2, 3, 4, -5, 20, -5, "order", "r"};
  BOOST_TEST(round_trip(se).reason == "r");
  TradeEvent te;
  te.quantity = "0.1";
  BOOST_TEST(round_trip(te).quantity == "0.1");
  PortfolioStatusEvent pe{1, "USDT", "1.0", "2.0", {PositionView{"BTCUSDT", "BTC", "1", 2, "2"}}};
  BOOST_TEST(round_trip(pe).positions.at(0).asset == "BTC");
  NodeStartEvent ne{"backtest", "a", {"BTCUSDT:1d"}, "10000.00000000"};
  BOOST_TEST(round_trip(ne).watchlist.at(0) == "BTCUSDT:1d");
  BOOST_TEST(round_trip(NodeStopEvent{"done"}).reason == "done");
  BOOST_TEST(round_trip(DataErrorEvent{"csv", "BTCUSDT:1d", "m"}).message == "m");
  BacktestSummary bs{1, 2, 3, 4, "5", "6", 0.5, 1.5, 2.5};
  BOOST_TEST(round_trip(bs).max_drawdown == 0.5);
}

BOOST_AUTO_TEST_CASE(decode_rejects_bad_input) {
  BOOST_TEST(!decode<BarWindow>("").ok());
  BOOST_TEST(!decode<BarWindow>("\xc1").ok());  // never-used msgpack byte
  auto good = encode(sample_result());
  BOOST_TEST(!decode<OrderResult>(good.substr(0, good.size() / 2)).ok());  // truncated
  BOOST_TEST(!decode<OrderResult>(good + "x").ok());                        // trailing
  BOOST_TEST(!decode<BarWindow>(std::string("\xdd\xff\xff\xff\xff", 5)).ok());  // huge array
  BOOST_TEST(!decode<OrderResult>(encode(std::string("a string"))).ok());    // wrong type
}

BOOST_AUTO_TEST_CASE(envelope_round_trip_and_json) {
  EnvelopeHeader h{kEnvelopeVersion, 42, 1234567, "node-a", topic::trade_fill};
  TradeEvent te;
  te.symbol = "BTCUSDT";
  te.side = "BUY";
  te.quantity = "0.15789473";
  auto bytes = encode_envelope(h, encode(te));
  auto env = decode_envelope(bytes);
  BOOST_REQUIRE(env.ok());
  BOOST_TEST(env->header.seq == 42u);
  BOOST_TEST(env->header.node == "node-a");
  BOOST_TEST(env->header.type == "trade.fill");
  BOOST_TEST(env->body.get().as<TradeEvent>().quantity == "0.15789473");
  auto json = envelope_to_json(bytes);
  BOOST_REQUIRE(json.ok());
  BOOST_TEST(json.value().find("\"seq\":42") != std::string::npos);
  BOOST_TEST(json.value().find("\"symbol\":\"BTCUSDT\"") != std::string::npos);
  auto line = describe_event(bytes);
  BOOST_REQUIRE(line.ok());
  BOOST_REQUIRE(line.value().has_value());
  BOOST_TEST(line.value()->find("TRADE BUY 0.15789473 BTCUSDT") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_late_bar_is_one_log_line) {
  EnvelopeHeader h{kEnvelopeVersion, 7, 1, "node-a", topic::data_late};
  DataLateEvent e{"BTCUSDT:1m", "BTCUSDT", "1m", 1704067200000, 1704067260000, 1, 1704067262000};
  auto line = describe_event(encode_envelope(h, encode(e)));
  BOOST_REQUIRE(line.ok());
  BOOST_REQUIRE(line.value().has_value());
  BOOST_TEST(*line.value() == "DATA LATE BTCUSDT:1m: the bar opening 2024-01-01 00:00 UTC (due 2024-01-01 00:01 UTC) "
                              "is not served yet");
}

BOOST_AUTO_TEST_CASE(envelope_hostile_input) {
  EnvelopeHeader h{kEnvelopeVersion, 1, 1, "n", "trade.fill"};
  auto good = encode_envelope(h, encode(TradeEvent{}));
  BOOST_TEST(!decode_envelope("").ok());
  BOOST_TEST(!decode_envelope(good.substr(0, good.size() - 3)).ok());
  BOOST_TEST(!decode_envelope(encode(std::vector<int>{1, 2})).ok());  // not a map
  EnvelopeHeader v2 = h;
  v2.v = 2;
  auto newer = decode_envelope(encode_envelope(v2, encode(TradeEvent{})));
  BOOST_REQUIRE(!newer.ok());
  BOOST_TEST(newer.error().code == Errc::schema_version);
  // A body that is not a TradeEvent: the notifier says so, no crash.
  auto odd = encode_envelope(h, encode(std::string("not a map")));
  BOOST_TEST(!describe_event(odd).ok());
  // Random bytes never crash the decoder.
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string junk(rng() % 64, '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    if (i % 2) junk = good.substr(0, rng() % good.size()) + junk;
    (void)decode_envelope(junk);
    (void)envelope_to_json(junk);
  }
}
