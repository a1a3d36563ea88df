#define BOOST_TEST_MODULE control_server
#include <boost/test/unit_test.hpp>

// ControlServer and call() over real loopback sockets, including hostile
// clients. Raw-socket tests drive poll_once() on the test thread; tests of
// the blocking call() run the server on its own thread (ServerThread).
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "control/client.hpp"
#include "control/server.hpp"
#include "messages/codec.hpp"
#include "messages/control.hpp"
#include "tests/control/control_test_util.hpp"

using namespace tn;
using namespace tn::test;
using clock_type = std::chrono::steady_clock;

namespace {

int64_t ms_since(clock_type::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t).count();
}

// A server answered on the test thread, and raw clients to attack it with.
struct Fixture {
  std::shared_ptr<CannedHandler> canned = std::make_shared<CannedHandler>();
  ControlHandler handler = [c = canned](const ControlRequest& r) { return (*c)(r); };
  std::unique_ptr<ControlServer> server = open_server();
  zmq::context_t ctx;

  // Pumps the server until the client has a message or the bound passes.
  std::optional<std::vector<std::string>> answer_for(zmq::socket_t& client,
                                                     std::chrono::milliseconds bound = kWait) {
    const auto deadline = clock_type::now() + bound;
    while (clock_type::now() < deadline) {
      auto n = server->poll_once(50ms, handler);
      BOOST_REQUIRE(n.ok());
      if (auto got = recv_frames(client, 0ms)) return got;
    }
    return std::nullopt;
  }

  // Sends frames from a fresh DEALER and returns the decoded reply; the
  // reply must come back framed like the request (delimiter or not).
  ControlReply exchange(const std::vector<std::string>& frames, bool delimited = true) {
    auto c = raw_socket(ctx, server->endpoint());
    send_frames(c, frames);
    auto got = answer_for(c);
    BOOST_REQUIRE_MESSAGE(got.has_value(), "no reply");
    BOOST_REQUIRE_EQUAL(got->size(), delimited ? 2u : 1u);
    if (delimited) BOOST_TEST((*got)[0].empty());
    return decode_reply(got->back());
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(client_call_round_trip_on_an_ephemeral_port) {
  auto handler = std::make_shared<CannedHandler>();
  auto server = open_server("tcp://127.0.0.1:0");
  const std::string ep = server->endpoint();
  BOOST_TEST(ep.rfind("tcp://127.0.0.1:", 0) == 0);
  BOOST_TEST(ep != "tcp://127.0.0.1:0");
  ServerThread st(std::move(server), handler);

  ControlRequest req;
  req.id = new_request_id();
  req.command = control_cmd::status;
  auto reply = call(ep, req, kWait);
  BOOST_REQUIRE_MESSAGE(reply.ok(), (reply.ok() ? "" : reply.error().to_string()));
  BOOST_TEST(reply->ok);
  BOOST_TEST(reply->id == req.id);
  auto status = decode<StatusBody>(reply->body);
  BOOST_REQUIRE(status.ok());
  BOOST_TEST(status->node == "test-node");

  req.command = "frobnicate";  // unknown: the server passes it, the handler decides
  req.id = new_request_id();
  auto unknown = call(ep, req, kWait);
  BOOST_REQUIRE(unknown.ok());
  BOOST_TEST(!unknown->ok);
  BOOST_TEST(unknown->error == "unknown command 'frobnicate'");
  BOOST_TEST(handler->seen().back().command == "frobnicate");

  // Many calls in a row, each on its own connection.
  for (int i = 0; i < 20; ++i) {
    req.command = control_cmd::resume;
    req.id = new_request_id();
    auto r = call(ep, req, kWait);
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(r->ok);
    BOOST_TEST(r->body.empty());
  }
  st.stop();
  BOOST_TEST(st.server().stats().requests == 22u);
  BOOST_TEST(st.server().stats().bad_requests == 0u);
}

BOOST_AUTO_TEST_CASE(req_and_bare_dealer_clients_are_both_answered) {
  Fixture f;
  auto req = raw_socket(f.ctx, f.server->endpoint(), zmq::socket_type::req);
  send_frames(req, {request_bytes(control_cmd::status, "via-req")});
  auto got = f.answer_for(req);
  BOOST_REQUIRE(got.has_value());
  BOOST_REQUIRE_EQUAL(got->size(), 1u);  // REQ strips the delimiter
  BOOST_TEST(decode_reply((*got)[0]).id == "via-req");

  auto r = f.exchange({request_bytes(control_cmd::status, "bare")}, /*delimited=*/false);
  BOOST_TEST(r.ok);
  BOOST_TEST(r.id == "bare");
}

BOOST_AUTO_TEST_CASE(hostile_payloads_get_error_replies) {
  Fixture f;
  const std::string good = request_bytes(control_cmd::status, "g1");
  struct Case { std::string name, payload, expect; };
  const std::vector<Case> cases{
      {"garbage", "\xc1\xc1 not msgpack at all", "malformed"},
      {"truncated", good.substr(0, good.size() / 2), "malformed"},
      {"not a map", encode(std::string("status")), "not a msgpack map"},
      {"huge array claim", std::string("\xdd\x00\xff\xff\xff", 5), "malformed"},
      {"empty", "", "empty request"},
      {"v=99", request_bytes(control_cmd::status, "v99", 99), "version 99"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      auto r = f.exchange({"", c.payload});
      BOOST_TEST(!r.ok);
      BOOST_TEST(r.error.find(c.expect) != std::string::npos, r.error);
    }
  }
  BOOST_TEST(f.exchange({"", request_bytes("status", "v99", 99)}).id == "v99");  // still correlated
  BOOST_TEST(f.canned->seen().empty());  // the handler never saw any of it
  BOOST_TEST(f.exchange({"", good}).ok);  // and the server still works
}

BOOST_AUTO_TEST_CASE(oversized_requests) {
  Fixture f;
  // Just over the request limit, and a 10 MB frame: error replies.
  for (size_t size : {kMaxControlRequestBytes + 1, size_t{10} * 1024 * 1024}) {
    BOOST_TEST_CONTEXT(size) {
      auto r = f.exchange({"", std::string(size, 'x')});
      BOOST_TEST(!r.ok);
      BOOST_TEST(r.error.find("exceeds the limit") != std::string::npos, r.error);
    }
  }
  // Above the frame limit ZeroMQ drops the connection: no reply, no harm.
  auto huge = raw_socket(f.ctx, f.server->endpoint());
  send_frames(huge, {"", std::string(static_cast<size_t>(kMaxControlFrameBytes) + 1, 'x')});
  BOOST_TEST(!f.answer_for(huge, 500ms).has_value());
  BOOST_TEST(f.exchange({"", request_bytes(control_cmd::status)}).ok);
  BOOST_TEST(f.canned->seen().size() == 1u);
}

BOOST_AUTO_TEST_CASE(extra_frames_are_refused) {
  Fixture f;
  const std::string good = request_bytes(control_cmd::status);
  auto r = f.exchange({"", good, "extra"});
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.error == "expected one request frame, got 2");
  auto bare = f.exchange({good, "extra", "more"}, /*delimited=*/false);
  BOOST_TEST(!bare.ok);
  BOOST_TEST(bare.error == "expected one request frame, got 3");
  BOOST_TEST(!f.exchange({""}).ok);  // a delimiter alone
  BOOST_TEST(f.canned->seen().empty());
}

BOOST_AUTO_TEST_CASE(handler_that_throws_gets_an_internal_error_reply) {
  Fixture f;
  auto r = f.exchange({"", request_bytes("throw", "t1")});
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.id == "t1");
  BOOST_TEST(r.error.find("boom") != std::string::npos);
  BOOST_TEST(f.server->stats().handler_errors == 1u);
  BOOST_TEST(f.exchange({"", request_bytes(control_cmd::status)}).ok);
}

BOOST_AUTO_TEST_CASE(clients_that_vanish_do_not_wedge_the_endpoint) {
  Fixture f;
  {
    // One frame of garbage, then gone (linger so the frame really leaves).
    auto c = raw_socket(f.ctx, f.server->endpoint(), zmq::socket_type::dealer, 1000);
    send_frames(c, {"", "garbage"});
  }
  {
    // A valid request, then gone before the answer.
    auto c = raw_socket(f.ctx, f.server->endpoint(), zmq::socket_type::dealer, 1000);
    send_frames(c, {"", request_bytes(control_cmd::status)});
  }
  {
    // Half a multipart message (more flag set), then gone: ZeroMQ discards it.
    auto c = raw_socket(f.ctx, f.server->endpoint(), zmq::socket_type::dealer, 1000);
    BOOST_REQUIRE(c.send(zmq::str_buffer(""), zmq::send_flags::sndmore));
  }
  // Connects, sends nothing, stays connected during the next exchange.
  auto idle = raw_socket(f.ctx, f.server->endpoint());
  auto r = f.exchange({"", request_bytes(control_cmd::status, "after")});
  BOOST_TEST(r.ok);
  BOOST_TEST(r.id == "after");
  // What the vanished clients sent was answered (replies to a gone peer
  // are dropped, never blocked on); the half message never arrived.
  const auto start = clock_type::now();
  while (f.server->stats().requests < 3 && ms_since(start) < kWait.count())
    BOOST_REQUIRE(f.server->poll_once(50ms, f.handler).ok());
  BOOST_TEST(f.server->stats().requests == 3u);
  BOOST_TEST(f.server->stats().bad_requests == 1u);
  BOOST_TEST(f.server->stats().replies_dropped <= 2u);
  BOOST_TEST_MESSAGE("replies dropped: " << f.server->stats().replies_dropped);
}

BOOST_AUTO_TEST_CASE(a_flood_of_garbage_does_not_starve_a_good_request) {
  Fixture f;
  constexpr int kGarbage = 1000;
  // Both clients connected first (one round trip each), so what is
  // measured is the server's queueing, not the TCP handshakes.
  zmq::socket_t flood(f.ctx, zmq::socket_type::dealer);
  flood.set(zmq::sockopt::linger, 0);
  flood.set(zmq::sockopt::sndhwm, kGarbage + 10);  // the whole flood queues at once
  flood.connect(f.server->endpoint());
  auto good = raw_socket(f.ctx, f.server->endpoint());
  for (auto* c : {&flood, &good}) {
    send_frames(*c, {"", request_bytes(control_cmd::resume, "warm-up")});
    BOOST_REQUIRE(f.answer_for(*c).has_value());
  }
  // The flooder never reads its replies; the good client asks after it.
  for (int i = 0; i < kGarbage; ++i) send_frames(flood, {"", "garbage #" + std::to_string(i)});
  send_frames(good, {"", request_bytes(control_cmd::status, "good")});
  const auto start = clock_type::now();
  std::optional<std::vector<std::string>> got;
  size_t polls = 0;
  while (!got && ms_since(start) < kWait.count()) {
    auto n = f.server->poll_once(100ms, f.handler);
    BOOST_REQUIRE(n.ok());
    BOOST_TEST(n.value() <= kMaxRequestsPerPoll);  // bounded batch
    ++polls;
    got = recv_frames(good, 0ms);
  }
  BOOST_REQUIRE_MESSAGE(got.has_value(), "the good request was not answered");
  BOOST_TEST(decode_reply(got->back()).id == "good");
  BOOST_TEST(ms_since(start) < 2000);
  // Fair queueing: the good request does not wait for the whole flood.
  BOOST_TEST(f.server->stats().bad_requests < static_cast<uint64_t>(kGarbage));
  BOOST_TEST_MESSAGE("answered after " << polls << " polls, " << f.server->stats().bad_requests
                                       << " garbage replies");
  // The rest of the flood is drained without trouble.
  while (f.server->stats().requests < static_cast<uint64_t>(kGarbage) + 3 &&
         ms_since(start) < kWait.count())
    BOOST_REQUIRE(f.server->poll_once(100ms, f.handler).ok());
  BOOST_TEST(f.server->stats().bad_requests == static_cast<uint64_t>(kGarbage));
}

BOOST_AUTO_TEST_CASE(poll_once_respects_its_timeout) {
  Fixture f;
  const auto start = clock_type::now();
  auto n = f.server->poll_once(100ms, f.handler);
  BOOST_REQUIRE(n.ok());
  BOOST_TEST(n.value() == 0u);
  BOOST_TEST(ms_since(start) >= 90);
  BOOST_TEST(ms_since(start) < 1000);
  auto zero = f.server->poll_once(0ms, f.handler);
  BOOST_TEST(zero.ok());
}

BOOST_AUTO_TEST_CASE(call_without_an_answer_times_out_cleanly) {
  // A bound endpoint nobody serves: the request is queued, never answered.
  auto silent = open_server();
  ControlRequest req;
  req.id = new_request_id();
  req.command = control_cmd::status;
  const auto start = clock_type::now();
  auto r = call(silent->endpoint(), req, 200ms);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().code == Errc::timeout);
  BOOST_TEST(r.error().message == "no answer from " + silent->endpoint() + " within 200 ms");
  BOOST_TEST(ms_since(start) >= 190);
  BOOST_TEST(ms_since(start) < 2000);

  auto bad = call("no-such-transport://x", req, 200ms);
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().code == Errc::io);

  ControlRequest big = req;
  big.args["pad"] = std::string(kMaxControlRequestBytes, 'x');
  auto too_big = call(silent->endpoint(), big, 200ms);
  BOOST_REQUIRE(!too_big.ok());
  BOOST_TEST(too_big.error().code == Errc::invalid_input);
}

BOOST_AUTO_TEST_CASE(bad_endpoints_and_ports_in_use) {
  auto a = open_server();
  auto again = ControlServer::open(a->endpoint(), {});
  BOOST_REQUIRE(!again.ok());
  BOOST_TEST(again.error().code == Errc::io);
  BOOST_TEST(again.error().message.find(a->endpoint()) != std::string::npos);
  auto garbage = ControlServer::open("tcp://127.0.0.1:notaport", {});
  BOOST_TEST(!garbage.ok());
}
