#define BOOST_TEST_MODULE publisher_zmq
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "actors/publisher/zmq_publisher.hpp"
#include "messages/codec.hpp"
#include "messages/envelope.hpp"
#include "messages/events.hpp"

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr auto kWait = 5000ms;  // upper bound on anything loopback should do

int64_t ms(clock_type::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

std::string trade_envelope(uint64_t seq, const std::string& type) {
  tn::TradeEvent t;
  t.order_id = "o-" + std::to_string(seq);
  t.symbol = "BTCUSDT";
  t.side = "BUY";
  t.price = 42000.5;
  t.quantity = "0.01000000";
  tn::EnvelopeHeader h;
  h.seq = seq;
  h.ts_ns = 1700000000000000000;
  h.node = "test-node";
  h.type = type;
  return tn::encode_envelope(h, tn::encode(t));
}

std::unique_ptr<tn::ZmqPublisher> open_pub(int hwm = 1000) {
  auto p = tn::ZmqPublisher::open("tcp://127.0.0.1:0", hwm);
  BOOST_REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().to_string()));
  return std::move(p.value());
}

zmq::socket_t make_sub(zmq::context_t& ctx, const std::string& endpoint, const std::string& prefix) {
  zmq::socket_t s(ctx, zmq::socket_type::sub);
  s.set(zmq::sockopt::linger, 0);
  s.set(zmq::sockopt::subscribe, prefix);
  s.connect(endpoint);
  return s;
}

// One whole multipart message, or nothing within the timeout.
std::optional<std::vector<std::string>> recv_frames(zmq::socket_t& s, std::chrono::milliseconds t) {
  zmq::pollitem_t item{s.handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, t) == 0) return std::nullopt;
  std::vector<std::string> frames;
  zmq::message_t m;
  do {
    BOOST_REQUIRE(s.recv(m, zmq::recv_flags::dontwait));
    frames.push_back(m.to_string());
  } while (m.more());
  return frames;
}

}  // namespace

BOOST_AUTO_TEST_CASE(binds_port_zero_and_reports_real_endpoint) {
  auto pub = open_pub();
  const auto ep = pub->endpoint();
  BOOST_TEST(ep.rfind("tcp://127.0.0.1:", 0) == 0);
  BOOST_TEST(ep != "tcp://127.0.0.1:0");
}

BOOST_AUTO_TEST_CASE(sub_receives_topic_and_decodable_envelope) {
  auto pub = open_pub();
  zmq::context_t ctx;
  auto sub = make_sub(ctx, pub->endpoint(), "");
  auto n = pub->wait_subscribers(1, kWait);
  BOOST_REQUIRE(n.ok());
  BOOST_REQUIRE_EQUAL(*n, 1u);

  BOOST_REQUIRE(pub->publish(tn::topic::trade_fill, trade_envelope(7, tn::topic::trade_fill)).ok());
  auto frames = recv_frames(sub, kWait);
  BOOST_REQUIRE(frames.has_value());
  BOOST_REQUIRE_EQUAL(frames->size(), 2u);
  BOOST_TEST((*frames)[0] == "trade.fill");

  auto env = tn::decode_envelope((*frames)[1]);
  BOOST_REQUIRE_MESSAGE(env.ok(), (env.ok() ? "" : env.error().to_string()));
  BOOST_TEST(env->header.seq == 7u);
  BOOST_TEST(env->header.type == "trade.fill");
  BOOST_TEST(env->header.node == "test-node");
  tn::TradeEvent t;
  env->body.get().convert(t);
  BOOST_TEST(t.order_id == "o-7");
  BOOST_TEST(t.symbol == "BTCUSDT");
  BOOST_TEST(t.quantity == "0.01000000");
  BOOST_TEST(t.price == 42000.5);
  BOOST_TEST(pub->published() == 1u);
}

BOOST_AUTO_TEST_CASE(prefix_filtering) {
  auto pub = open_pub();
  zmq::context_t ctx;
  auto sub = make_sub(ctx, pub->endpoint(), "trade.");
  BOOST_REQUIRE_EQUAL(*pub->wait_subscribers(1, kWait), 1u);

  // Messages arrive in order: had signal.buy passed the filter it would
  // come first, so no waiting for an absence is needed.
  BOOST_REQUIRE(pub->publish(tn::topic::signal_buy, trade_envelope(1, tn::topic::signal_buy)).ok());
  BOOST_REQUIRE(pub->publish(tn::topic::trade_fill, trade_envelope(2, tn::topic::trade_fill)).ok());
  BOOST_REQUIRE(pub->publish(tn::topic::signal_sell, trade_envelope(3, tn::topic::signal_sell)).ok());
  BOOST_REQUIRE(pub->publish(tn::topic::trade_rejected, trade_envelope(4, tn::topic::trade_rejected)).ok());

  auto a = recv_frames(sub, kWait);
  auto b = recv_frames(sub, kWait);
  BOOST_REQUIRE(a && b);
  BOOST_TEST((*a)[0] == "trade.fill");
  BOOST_TEST((*b)[0] == "trade.rejected");
}

BOOST_AUTO_TEST_CASE(wait_subscribers_counts_one_then_two_and_times_out) {
  auto pub = open_pub();
  BOOST_TEST(pub->drain_subscriptions() == 0u);

  // Nobody comes: returns the count reached (0) at the timeout, not later.
  auto t0 = clock_type::now();
  auto none = pub->wait_subscribers(1, 200ms);
  auto took = clock_type::now() - t0;
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(*none == 0u);
  BOOST_TEST(ms(took) >= 190);
  BOOST_TEST(ms(took) < 2000);

  zmq::context_t ctx;
  auto s1 = make_sub(ctx, pub->endpoint(), "");
  BOOST_TEST(*pub->wait_subscribers(1, kWait) == 1u);
  // Same prefix again: XPUB_VERBOSE makes the duplicate visible.
  auto s2 = make_sub(ctx, pub->endpoint(), "");
  BOOST_TEST(*pub->wait_subscribers(2, kWait) == 2u);

  // Asking for 3 when only 2 exist: the count reached, after the timeout.
  t0 = clock_type::now();
  auto two = pub->wait_subscribers(3, 200ms);
  took = clock_type::now() - t0;
  BOOST_REQUIRE(two.ok());
  BOOST_TEST(*two == 2u);
  BOOST_TEST(ms(took) < 2000);

  // An unsubscribe is counted down (the 300 ms wait just drains).
  s2.set(zmq::sockopt::unsubscribe, "");
  BOOST_TEST(*pub->wait_subscribers(3, 300ms) == 1u);
  // So is a subscriber that goes away.
  s1.close();
  BOOST_TEST(*pub->wait_subscribers(3, 300ms) == 0u);
}

BOOST_AUTO_TEST_CASE(a_subscriber_that_never_reads_does_not_block_publish) {
  constexpr int kHwm = 10;
  constexpr int kMessages = 200000;
  auto pub = open_pub(kHwm);
  zmq::context_t ctx;
  zmq::socket_t lazy(ctx, zmq::socket_type::sub);
  lazy.set(zmq::sockopt::linger, 0);
  lazy.set(zmq::sockopt::rcvhwm, kHwm);
  lazy.set(zmq::sockopt::rcvbuf, 4096);
  lazy.set(zmq::sockopt::subscribe, "");
  lazy.connect(pub->endpoint());
  BOOST_REQUIRE_EQUAL(*pub->wait_subscribers(1, kWait), 1u);

  const std::string env = trade_envelope(1, tn::topic::trade_fill);
  auto slowest = clock_type::duration::zero();
  const auto start = clock_type::now();
  for (int i = 0; i < kMessages; ++i) {
    const auto t = clock_type::now();
    auto s = pub->publish(tn::topic::trade_fill, env);
    const auto d = clock_type::now() - t;
    if (d > slowest) slowest = d;
    if (!s.ok()) BOOST_FAIL("publish failed: " + s.error().to_string());
    if (clock_type::now() - start > 10s) BOOST_FAIL("publish loop took over 10 s: blocked?");
  }
  const auto total = clock_type::now() - start;
  BOOST_TEST(ms(total) < 5000);
  BOOST_TEST(ms(slowest) < 500);
  BOOST_TEST(pub->published() + pub->refused() == static_cast<uint64_t>(kMessages));
}

BOOST_AUTO_TEST_CASE(bind_to_used_port_is_a_clear_error) {
  auto first = open_pub();
  auto second = tn::ZmqPublisher::open(first->endpoint(), 1000);
  BOOST_REQUIRE(!second.ok());
  BOOST_TEST((second.error().code == tn::Errc::io));
  BOOST_TEST(second.error().message.find(first->endpoint()) != std::string::npos);
  BOOST_TEST(second.error().message.find("in use") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_endpoint_and_bad_hwm_are_errors) {
  auto bad = tn::ZmqPublisher::open("not-an-endpoint", 1000);
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST((bad.error().code == tn::Errc::io));
  BOOST_TEST(bad.error().message.find("not-an-endpoint") != std::string::npos);

  auto proto = tn::ZmqPublisher::open("bogus://127.0.0.1:1", 1000);
  BOOST_REQUIRE(!proto.ok());
  BOOST_TEST((proto.error().code == tn::Errc::io));

  auto hwm = tn::ZmqPublisher::open("tcp://127.0.0.1:0", -1);
  BOOST_REQUIRE(!hwm.ok());
  BOOST_TEST((hwm.error().code == tn::Errc::invalid_input));
}

BOOST_AUTO_TEST_CASE(publish_with_no_subscriber_is_fine) {
  auto pub = open_pub();
  for (int i = 0; i < 1000; ++i)
    BOOST_REQUIRE(pub->publish("health", trade_envelope(i, "health")).ok());
}
