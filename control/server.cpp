#include "control/server.hpp"

#include <algorithm>
#include <array>
#include <cerrno>

#include <zmq.h>

#include "messages/codec.hpp"

namespace tn {

namespace {

using server_clock = std::chrono::steady_clock;

Error zmq_failure(const std::string& what, const std::string& endpoint, const zmq::error_t& e) {
  return make_error(Errc::io, what + " " + endpoint + ": " + e.what());
}

std::string as_string(const zmq::message_t& m) { return std::string(m.data<char>(), m.size()); }

// Receives one part; a signal mid-message retries the same part. Throws
// zmq::error_t on a real socket failure.
zmq::recv_result_t recv_part(zmq::socket_t& s, zmq::message_t& m, zmq::recv_flags flags) {
  for (;;) {
    try {
      return s.recv(m, flags);
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;
    }
  }
}

}  // namespace

// One message off the ROUTER: the first frames kept, the rest counted.
struct ControlServer::Incoming {
  std::vector<zmq::message_t> kept;  // kept[0] is the peer's identity
  size_t frames = 0;                 // all frames, identity included
};

namespace {

// The sender of a message as ZeroMQ knows it: its address (TCP) and, under
// CURVE, the client key the ZAP handler named as User-Id. A transport
// without an address (inproc, ipc) leaves what it does not have out.
std::string peer_of(const zmq::message_t& m) {
  const auto property = [&](const char* name) -> std::string {
    const char* v = zmq_msg_gets(m.handle(), name);
    return v ? v : "";
  };
  std::string out = property("Peer-Address");
  const std::string key = property("User-Id");
  if (!key.empty()) out += (out.empty() ? "key " : " key ") + key;
  return out.empty() ? "a local client" : out;
}

}  // namespace

Result<std::unique_ptr<ControlServer>> ControlServer::open(const std::string& endpoint,
                                                           const ControlSecurity& security) {
  const bool loopback = is_loopback_endpoint(endpoint);
  const bool curve = security.curve || !loopback;
  std::unique_ptr<ControlServer> s(new ControlServer());
  s->curve_ = curve;
  std::string secret;
  if (curve) {
    const std::string why = loopback ? "CURVE was asked for on control endpoint " + endpoint
                                     : "control endpoint " + endpoint +
                                           " is not loopback, so CURVE is required";
    if (!zmq_has("curve"))
      return make_error(Errc::internal, why + ", but this libzmq was built without CURVE");
    if (security.secret_key_file.empty())
      return make_error(Errc::invalid_input,
                        why + ": give the server's secret key file (mode 0600) and the allowed "
                              "client public keys, or bind to 127.0.0.1");
    if (security.allowed_client_keys.empty())
      return make_error(Errc::invalid_input, why + ": no allowed client public key is listed");
    for (size_t i = 0; i < security.allowed_client_keys.size(); ++i) {
      const std::string& k = security.allowed_client_keys[i];
      std::array<uint8_t, 32> bin{};
      if (!is_z85_key(k) || !zmq_z85_decode(bin.data(), k.c_str()))
        return make_error(Errc::invalid_input, "allowed client key #" + std::to_string(i + 1) +
                                                   " for " + endpoint +
                                                   " is not a 40-character Z85 public key");
      s->allowed_keys_.insert(std::string(reinterpret_cast<const char*>(bin.data()), bin.size()));
    }
    auto sec = read_secret_key_file(security.secret_key_file);
    if (!sec) return make_error(sec.error().code, why + ": " + sec.error().message);
    secret = *sec;
    auto pub = curve_public_key(secret);
    if (!pub) return pub.error();
    s->server_public_ = *pub;
  }
  try {
    if (curve) {
      // The ZAP handler must exist before the first handshake; without one
      // libzmq would let every CURVE client in.
      s->zap_ = zmq::socket_t(s->ctx_, zmq::socket_type::rep);
      s->zap_.set(zmq::sockopt::linger, kControlLingerMs);
      s->zap_.bind(kZapEndpoint);
    }
    s->router_ = zmq::socket_t(s->ctx_, zmq::socket_type::router);
    s->router_.set(zmq::sockopt::linger, kControlLingerMs);
    s->router_.set(zmq::sockopt::maxmsgsize, kMaxControlFrameBytes);
    s->router_.set(zmq::sockopt::rcvhwm, kControlRecvHwm);
    s->router_.set(zmq::sockopt::sndhwm, kControlSendHwm);
    // Sending to a vanished peer fails (EHOSTUNREACH) instead of vanishing
    // silently, so replies_dropped is honest; with dontwait, a full queue
    // is EAGAIN, never a block.
    s->router_.set(zmq::sockopt::router_mandatory, 1);
    if (curve) {
      s->router_.set(zmq::sockopt::curve_server, 1);
      s->router_.set(zmq::sockopt::curve_secretkey, secret);
      s->router_.set(zmq::sockopt::zap_domain, kControlZapDomain);
    }
  } catch (const zmq::error_t& e) {
    return zmq_failure("cannot set up the control socket for", endpoint, e);
  }
  try {
    s->router_.bind(endpoint);
  } catch (const zmq::error_t& e) {
    return zmq_failure("cannot bind the control socket to", endpoint, e);
  }
  try {
    s->endpoint_ = s->router_.get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t& e) {
    return zmq_failure("cannot read the bound endpoint of", endpoint, e);
  }
  return s;
}

ControlServer::~ControlServer() = default;  // linger 0: close never waits

std::vector<zmq::pollitem_t> ControlServer::poll_items() {
  std::vector<zmq::pollitem_t> items{{router_.handle(), 0, ZMQ_POLLIN, 0}};
  if (curve_) items.push_back({zap_.handle(), 0, ZMQ_POLLIN, 0});
  return items;
}

Result<size_t> ControlServer::poll_once(std::chrono::milliseconds timeout,
                                        const ControlHandler& handler) {
  const auto deadline = server_clock::now() + timeout;
  size_t answered = 0;
  for (;;) {
    auto items = poll_items();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - server_clock::now());
    try {
      zmq::poll(items.data(), items.size(), std::max(left, std::chrono::milliseconds(0)));
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) return answered;
      return make_error(Errc::io, "polling control endpoint " + endpoint_ + ": " + e.what());
    }
    try {
      if (curve_ && (items[1].revents & ZMQ_POLLIN)) handle_zap();
      if (items[0].revents & ZMQ_POLLIN) answered += handle_requests(handler);
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) return answered;
      return make_error(Errc::io, "reading control endpoint " + endpoint_ + ": " + e.what());
    }
    if (answered > 0 || server_clock::now() >= deadline) return answered;
  }
}

bool ControlServer::read_message(Incoming& in) {
  in.kept.clear();
  in.frames = 0;
  zmq::message_t part;
  if (!recv_part(router_, part, zmq::recv_flags::dontwait)) return false;
  for (;;) {
    ++in.frames;
    const bool more = part.more();
    if (in.kept.size() < kMaxKeptControlFrames) in.kept.push_back(std::move(part));
    if (!more) return true;
    // Multipart messages arrive whole: the rest is already queued.
    (void)recv_part(router_, part, zmq::recv_flags::none);
  }
}

ControlReply ControlServer::answer(const Incoming& in, const ControlHandler& handler) {
  // After the identity: [empty, payload] from REQ (or a DEALER framing like
  // REQ), [payload] from a bare DEALER.
  const bool delimited = in.kept.size() > 1 && in.kept[1].size() == 0;
  const size_t payload_frames = in.frames - 1 - (delimited ? 1 : 0);
  if (payload_frames != 1) {
    ++stats_.bad_requests;
    return make_error_reply({}, payload_frames == 0
                                    ? std::string("empty request")
                                    : "expected one request frame, got " +
                                          std::to_string(payload_frames));
  }
  const zmq::message_t& payload = in.kept[delimited ? 2 : 1];
  const std::string_view bytes(payload.data<char>(), payload.size());
  auto req = decode_control_request(bytes);
  if (!req) {
    ++stats_.bad_requests;
    return make_error_reply(peek_request_id(bytes), req.error().message);
  }
  req->peer = peer_of(payload);
  ControlReply reply;
  try {
    reply = handler(*req);
  } catch (const std::exception& e) {
    ++stats_.handler_errors;
    reply = make_error_reply({}, "internal error handling '" + req->command + "': " + e.what());
  } catch (...) {
    ++stats_.handler_errors;
    reply = make_error_reply({}, "internal error handling '" + req->command + "'");
  }
  reply.v = kControlVersion;
  reply.id = req->id;
  return reply;
}

void ControlServer::send_reply(const Incoming& in, const ControlReply& reply) {
  std::string bytes = encode(reply);
  if (bytes.size() > kMaxControlReplyBytes)
    bytes = encode(make_error_reply(reply.id, "reply of " + std::to_string(bytes.size()) +
                                                  " bytes exceeds the limit of " +
                                                  std::to_string(kMaxControlReplyBytes)));
  const bool delimited = in.kept.size() > 1 && in.kept[1].size() == 0;
  try {
    const auto flags = zmq::send_flags::dontwait;
    if (!router_.send(zmq::buffer(in.kept[0].data(), in.kept[0].size()),
                      flags | zmq::send_flags::sndmore)) {
      ++stats_.replies_dropped;  // EAGAIN: the client is not reading its replies
      return;
    }
    // Once the identity frame is routed, the rest of the message follows
    // on the same pipe (multipart messages are atomic).
    if (delimited) (void)router_.send(zmq::const_buffer(nullptr, 0), flags | zmq::send_flags::sndmore);
    (void)router_.send(zmq::buffer(bytes), flags);
  } catch (const zmq::error_t& e) {
    if (e.num() != EHOSTUNREACH && e.num() != EINTR) throw;
    ++stats_.replies_dropped;  // the client left before its answer
  }
}

size_t ControlServer::handle_requests(const ControlHandler& handler) {
  size_t n = 0;
  Incoming in;
  while (n < kMaxRequestsPerPoll && read_message(in)) {
    ++n;
    ++stats_.requests;
    send_reply(in, answer(in, handler));
  }
  return n;
}

size_t ControlServer::handle_zap() {
  // ZAP request (RFC 27): version, request_id, domain, address, identity,
  // mechanism, credentials... ; for CURVE one credential, the 32-byte key.
  // Reply: version, request_id, status_code, status_text, user_id, metadata.
  size_t n = 0;
  std::vector<std::string> f;
  zmq::message_t part;
  while (n < kMaxZapRequestsPerPoll) {
    if (!recv_part(zap_, part, zmq::recv_flags::dontwait)) break;
    ++n;
    f.clear();
    for (;;) {
      if (f.size() < 8) f.push_back(as_string(part));
      if (!part.more()) break;
      (void)recv_part(zap_, part, zmq::recv_flags::none);
    }
    const std::string request_id = f.size() > 1 ? f[1] : std::string();
    bool allow = f.size() == 7 && f[0] == "1.0" && f[5] == "CURVE" && allowed_keys_.count(f[6]);
    std::string user;
    if (allow) {
      char z85[kZ85KeyChars + 1] = {};
      zmq_z85_encode(z85, reinterpret_cast<const uint8_t*>(f[6].data()), 32);
      user = z85;
      ++stats_.zap_allowed;
    } else {
      ++stats_.zap_denied;
    }
    // REP must answer every request it read, whatever it held.
    const std::array<std::string, 6> reply{"1.0", request_id, allow ? "200" : "400",
                                           allow ? "OK" : "client key not allowed", user, ""};
    for (size_t i = 0; i < reply.size(); ++i)
      (void)zap_.send(zmq::buffer(reply[i]),
                      i + 1 < reply.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
  }
  return n;
}

}  // namespace tn
