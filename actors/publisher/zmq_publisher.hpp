#pragma once
// The node's end of the event stream: one ZeroMQ XPUB socket, plain C++ (no
// CAF). The publisher actor owns one ZmqPublisher and calls it from its own
// thread only (ZeroMQ sockets are not thread-safe).
//
// Frames are [topic, envelope] (messages/envelope.hpp). Egress never blocks
// the trading loop: a subscriber that does not keep up loses messages once
// its high-water mark is reached (XPUB's default drop policy). The durable
// event log, not this socket, is the record; seq lets a subscriber see what
// it missed.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <zmq.hpp>

#include "common/error.hpp"

namespace tn {

// Pending messages are dropped on close: exit must never wait for a slow
// or absent subscriber (events are also in the durable log).
inline constexpr int kPublisherLingerMs = 0;
// Default per-subscriber send queue, in messages, when config says nothing.
inline constexpr int kDefaultPublisherSendHwm = 10000;
// Subscription messages are [1 or 0][topic prefix]; topics are short dotted
// names. A peer sending a larger inbound message is disconnected by ZeroMQ.
inline constexpr int64_t kMaxSubscriptionMessageBytes = 4096;

class ZmqPublisher {
 public:
  // Binds an XPUB socket to endpoint ("tcp://127.0.0.1:5555";
  // "tcp://127.0.0.1:0" picks a free port, see endpoint()). send_hwm is the
  // per-subscriber queue limit in messages (0 = unlimited, as in ZeroMQ).
  // A bad endpoint or a port in use gives Errc::io naming the endpoint;
  // a negative send_hwm gives Errc::invalid_input.
  static Result<std::unique_ptr<ZmqPublisher>> open(const std::string& endpoint, int send_hwm);

  ZmqPublisher(const ZmqPublisher&) = delete;
  ZmqPublisher& operator=(const ZmqPublisher&) = delete;
  ~ZmqPublisher();

  // The endpoint actually bound (ZMQ_LAST_ENDPOINT), with the real port.
  std::string endpoint() const { return endpoint_; }

  // Sends [topic, envelope] without ever blocking. A subscriber at its
  // high-water mark simply misses the message; that is not an error.
  // Also drains pending (un)subscriptions first (see below).
  // Errors: an envelope above kMaxMessageBytes (no subscriber would accept
  // it) is Errc::invalid_input; a socket failure is Errc::io.
  Status publish(const std::string& topic, std::string_view envelope);

  // Reads pending (un)subscription messages without blocking and returns
  // the current count. The count is of subscriptions: each subscribe
  // message (first byte 1) adds one, each unsubscribe (first byte 0, also
  // sent by ZeroMQ when a subscriber disconnects) removes one. A SUB with
  // one prefix (or the default "everything") counts as one subscriber.
  // ZeroMQ queues these messages until read; publish() drains them too, so
  // a publisher that only publishes never lets the queue grow.
  size_t drain_subscriptions();

  // Waits (zmq::poll, no sleeping) until at least n subscriptions are known
  // or timeout passes; returns the count reached either way. Only a socket
  // failure is an error.
  Result<size_t> wait_subscribers(size_t n, std::chrono::milliseconds timeout);

  // Messages handed to ZeroMQ / refused with EAGAIN since open().
  uint64_t published() const { return published_; }
  uint64_t refused() const { return refused_; }

 private:
  ZmqPublisher() = default;

  // Constant after open().
  zmq::context_t ctx_;  // declared first: destroyed after the socket
  zmq::socket_t socket_;
  std::string endpoint_;

  // Mutable state, touched by the owning thread only.
  size_t subscriptions_ = 0;  // subscribe minus unsubscribe messages seen
  uint64_t published_ = 0;
  uint64_t refused_ = 0;
};

}  // namespace tn
