#include "actors/publisher/zmq_publisher.hpp"

#include <cerrno>

#include "messages/codec.hpp"

namespace tn {

namespace {

Error zmq_failure(const std::string& what, const std::string& endpoint, const zmq::error_t& e) {
  return make_error(Errc::io, what + " " + endpoint + ": " + e.what());
}

}  // namespace

Result<std::unique_ptr<ZmqPublisher>> ZmqPublisher::open(const std::string& endpoint,
                                                          int send_hwm) {
  if (send_hwm < 0)
    return make_error(Errc::invalid_input,
                      "publisher send_hwm must be >= 0, got " + std::to_string(send_hwm));
  std::unique_ptr<ZmqPublisher> p(new ZmqPublisher());
  try {
    p->socket_ = zmq::socket_t(p->ctx_, zmq::socket_type::xpub);
    // Options first: they apply to connections made after they are set.
    p->socket_.set(zmq::sockopt::linger, kPublisherLingerMs);
    p->socket_.set(zmq::sockopt::sndhwm, send_hwm);
    p->socket_.set(zmq::sockopt::maxmsgsize, kMaxSubscriptionMessageBytes);
    // Pass every subscribe and unsubscribe up, even for a prefix another
    // subscriber already holds, so drain_subscriptions() can count them.
    p->socket_.set(zmq::sockopt::xpub_verbose, 1);
    p->socket_.set(zmq::sockopt::xpub_verboser, 1);
  } catch (const zmq::error_t& e) {
    return zmq_failure("cannot create XPUB socket for", endpoint, e);
  }
  try {
    p->socket_.bind(endpoint);
  } catch (const zmq::error_t& e) {
    return zmq_failure("cannot bind XPUB to", endpoint, e);
  }
  try {
    p->endpoint_ = p->socket_.get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t& e) {
    return zmq_failure("cannot read bound endpoint of", endpoint, e);
  }
  return p;
}

ZmqPublisher::~ZmqPublisher() = default;  // linger 0: close never waits

Status ZmqPublisher::publish(const std::string& topic, std::string_view envelope) {
  if (envelope.size() > kMaxMessageBytes)
    return make_error(Errc::invalid_input, "envelope of " + std::to_string(envelope.size()) +
                                               " bytes on " + topic + " exceeds the limit");
  // Keeps the count current and ZeroMQ's queue of (un)subscription
  // messages short even if the owner never drains it (cheap: no syscall
  // when nothing is pending).
  drain_subscriptions();
  try {
    // Multipart messages are atomic: if the first frame is taken, the
    // second is queued with it (XPUB never refuses the tail of a message).
    auto first = socket_.send(zmq::buffer(topic), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
    if (!first) {  // EAGAIN: only with XPUB_NODROP; a drop, not an error
      ++refused_;
      return Status::OK();
    }
    auto second = socket_.send(zmq::buffer(envelope.data(), envelope.size()),
                               zmq::send_flags::dontwait);
    if (!second) {
      ++refused_;
      return Status::OK();
    }
  } catch (const zmq::error_t& e) {
    return make_error(Errc::io, "publish on " + endpoint_ + " (" + topic + "): " + e.what());
  }
  ++published_;
  return Status::OK();
}

size_t ZmqPublisher::drain_subscriptions() {
  zmq::message_t msg;
  for (;;) {
    zmq::recv_result_t got;
    try {
      got = socket_.recv(msg, zmq::recv_flags::dontwait);
    } catch (const zmq::error_t&) {
      break;  // EINTR or a closing context: report what we know
    }
    if (!got) break;  // nothing pending
    if (msg.size() == 0) continue;
    const auto kind = static_cast<const unsigned char*>(msg.data())[0];
    if (kind == 1) {
      ++subscriptions_;
    } else if (kind == 0) {
      if (subscriptions_ > 0) --subscriptions_;
    }
    // Anything else (an XSUB peer's own message) is not a subscription.
  }
  return subscriptions_;
}

Result<size_t> ZmqPublisher::wait_subscribers(size_t n, std::chrono::milliseconds timeout) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + timeout;
  for (;;) {
    if (drain_subscriptions() >= n) return subscriptions_;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    if (left.count() <= 0) return subscriptions_;
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    try {
      zmq::poll(&item, 1, left);  // wakes as soon as a (un)subscription arrives
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;  // a signal: re-check the deadline
      return make_error(Errc::io, "waiting for subscribers on " + endpoint_ + ": " + e.what());
    }
  }
}

}  // namespace tn
