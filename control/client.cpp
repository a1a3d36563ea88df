#include "control/client.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>

#include <zmq.hpp>

#include "messages/codec.hpp"

namespace tn {

namespace {

using client_clock = std::chrono::steady_clock;

// A reply that is not [empty, reply] (how the server answers a DEALER that
// frames like REQ) is skipped; kept frames bound what a hostile server can
// make us hold per message.
constexpr size_t kMaxKeptReplyFrames = 3;

std::string no_answer(const std::string& endpoint, std::chrono::milliseconds timeout) {
  return "no answer from " + endpoint + " within " + std::to_string(timeout.count()) + " ms";
}

}  // namespace

std::string new_request_id() {
  static std::atomic<uint64_t> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::to_string(::getpid()) + "-" +
         std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count()) + "-" +
         std::to_string(++counter);
}

Result<ControlReply> call(const std::string& endpoint, const ControlRequest& req,
                          std::chrono::milliseconds timeout,
                          const std::optional<CurveClientKeys>& curve) {
  const std::string request = encode(req);
  if (request.size() > kMaxControlRequestBytes)
    return make_error(Errc::invalid_input, "request of " + std::to_string(request.size()) +
                                               " bytes exceeds the limit of " +
                                               std::to_string(kMaxControlRequestBytes));
  const auto deadline = client_clock::now() + timeout;
  zmq::context_t ctx;
  zmq::socket_t sock;
  try {
    sock = zmq::socket_t(ctx, zmq::socket_type::dealer);
    sock.set(zmq::sockopt::linger, kControlClientLingerMs);
    sock.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(kMaxMessageBytes));
    if (curve) {
      sock.set(zmq::sockopt::curve_serverkey, curve->server_public);
      sock.set(zmq::sockopt::curve_publickey, curve->client_public);
      sock.set(zmq::sockopt::curve_secretkey, curve->client_secret);
    }
    sock.connect(endpoint);
  } catch (const zmq::error_t& e) {
    return make_error(Errc::io, "cannot connect to " + endpoint + ": " + e.what());
  }
  try {
    // DEALER queues on the pipe connect() created: never blocks.
    if (!sock.send(zmq::const_buffer(nullptr, 0), zmq::send_flags::sndmore | zmq::send_flags::dontwait) ||
        !sock.send(zmq::buffer(request), zmq::send_flags::dontwait))
      return make_error(Errc::io, "cannot queue a request for " + endpoint);
  } catch (const zmq::error_t& e) {
    return make_error(Errc::io, "cannot send to " + endpoint + ": " + e.what());
  }

  std::vector<zmq::message_t> kept;
  zmq::message_t part;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - client_clock::now());
    if (left.count() <= 0) return make_error(Errc::timeout, no_answer(endpoint, timeout));
    zmq::pollitem_t item{sock.handle(), 0, ZMQ_POLLIN, 0};
    try {
      if (zmq::poll(&item, 1, left) == 0) continue;  // re-check the deadline
      kept.clear();
      if (!sock.recv(part, zmq::recv_flags::dontwait)) continue;
      for (;;) {
        const bool more = part.more();
        if (kept.size() < kMaxKeptReplyFrames) kept.push_back(std::move(part));
        if (!more) break;
        (void)sock.recv(part, zmq::recv_flags::none);  // the rest is already here
      }
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      return make_error(Errc::io, "waiting for " + endpoint + ": " + e.what());
    }
    if (kept.size() != 2 || kept[0].size() != 0)
      return make_error(Errc::invalid_input,
                        "reply from " + endpoint + " is not framed as [empty, reply]");
    auto reply = decode<ControlReply>(std::string_view(kept[1].data<char>(), kept[1].size()));
    if (!reply)
      return make_error(Errc::invalid_input,
                        "unreadable reply from " + endpoint + ": " + reply.error().message);
    if (reply->id != req.id) continue;  // an answer to some other request
    if (reply->v != kControlVersion)
      return make_error(Errc::schema_version, "reply from " + endpoint + " has protocol version " +
                                                  std::to_string(reply->v) + " (this client speaks " +
                                                  std::to_string(kControlVersion) + ")");
    return reply;
  }
}

}  // namespace tn
