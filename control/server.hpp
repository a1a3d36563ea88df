#pragma once
// The node's end of the control plane: a ZeroMQ ROUTER socket answering
// msgpack requests (messages/control.hpp). Plain C++, no CAF: the control
// actor owns one ControlServer, calls poll_once() from its own thread only
// (ZeroMQ sockets are not thread-safe) and supplies the handler that
// actually answers commands.
//
// Why ROUTER and not REP: REP is a strict recv/send state machine serving
// one peer at a time and silently drops anything not framed like REQ, so a
// client that misbehaves (sends without the delimiter, never reads its
// replies) leaves it stuck or answers nobody. ROUTER gives every message
// its sender's identity: each request is answered on its own, including
// badly framed ones (with an error reply), replies are sent without ever
// blocking (a client that does not read them loses them once its queue is
// full, ROUTER_MANDATORY makes that visible as a count), and peers are
// fair-queued, so a good request waits behind about one batch of another
// client's flood, not behind the whole flood.
//
// Bad input never throws out of here and never stops the server: a request
// that is not msgpack, truncated, larger than kMaxControlRequestBytes, of
// another protocol version, without a command, or framed with extra frames
// gets an ok=false reply saying why. A frame above kMaxControlFrameBytes is
// refused by ZeroMQ itself (the connection is dropped before the bytes are
// buffered), so no reply is possible for it. An incomplete multipart
// message from a client that vanishes is discarded by ZeroMQ.
//
// Security: see control_security.hpp. With CURVE the server also runs the
// ZAP handler (a REP socket on inproc://zeromq.zap.01 in its own context)
// that lets only the allowed client keys finish the handshake; it is
// serviced by poll_once() like the requests.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "control/security.hpp"
#include "common/error.hpp"
#include "messages/control.hpp"

namespace tn {

// Replies to a client that has gone are dropped at once on close.
inline constexpr int kControlLingerMs = 0;
// Frames above this are refused by ZeroMQ (peer disconnected). Between
// kMaxControlRequestBytes and this, the request gets an error reply.
inline constexpr int64_t kMaxControlFrameBytes = 16 * 1024 * 1024;
// Per-client queues, in messages. Control is one request at a time per
// client; these bound what one client can make the node hold: at worst
// kControlRecvHwm * kMaxControlFrameBytes (256 MiB) inbound, and only from
// a client already let in (loopback, or an allowed CURVE key).
inline constexpr int kControlRecvHwm = 16;
inline constexpr int kControlSendHwm = 16;
// Requests (and separately ZAP requests) handled per poll_once(): the
// caller's other work never waits behind an unbounded flood.
inline constexpr size_t kMaxRequestsPerPoll = 64;
inline constexpr size_t kMaxZapRequestsPerPoll = 64;
// Frames kept per incoming message: identity, delimiter, payload and one
// more to see there are extras. Further frames are read and counted only.
inline constexpr size_t kMaxKeptControlFrames = 4;
// Encoded replies above this (the client's limit) become an error reply.
inline constexpr size_t kMaxControlReplyBytes = 64 * 1024 * 1024;
inline constexpr const char* kControlZapDomain = "tradernode-control";
inline constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";

using ControlHandler = std::function<ControlReply(const ControlRequest&)>;

struct ControlServerStats {
  uint64_t requests = 0;         // messages answered (good or bad)
  uint64_t bad_requests = 0;     // of which got an error reply from the server itself
  uint64_t handler_errors = 0;   // the handler threw; answered with an internal error
  uint64_t replies_dropped = 0;  // client gone or not reading its replies
  uint64_t zap_allowed = 0;      // CURVE handshakes accepted
  uint64_t zap_denied = 0;       // CURVE handshakes refused (key not allowed)
};

class ControlServer {
 public:
  // Binds a ROUTER to endpoint ("tcp://127.0.0.1:5556"; port 0 picks a
  // free one, see endpoint()). Errors, all naming the endpoint:
  //   invalid_input: CURVE needed (not loopback, or security.curve) but no
  //     secret key file or no allowed client key given, a bad key;
  //     a secret key file readable by group/others; not_found: no such file;
  //   io: bad endpoint, address in use; internal: libzmq without CURVE.
  static Result<std::unique_ptr<ControlServer>> open(const std::string& endpoint,
                                                     const ControlSecurity& security);

  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;
  ~ControlServer();

  // The endpoint actually bound (ZMQ_LAST_ENDPOINT), with the real port.
  const std::string& endpoint() const { return endpoint_; }
  bool curve() const { return curve_; }
  // Z85 public key clients must name as the server key; "" without CURVE.
  const std::string& server_public_key() const { return server_public_; }

  // Waits up to timeout for requests (zmq::poll, no sleeping), then
  // answers at most kMaxRequestsPerPoll of them, calling handler for each
  // request that decoded. Returns as soon as at least one was answered or
  // timeout passed; returns the number answered. ZAP handshakes are served
  // meanwhile. A handler that throws yields an internal-error reply (the
  // handler should not throw; nothing does across this boundary). The
  // reply's v and id are set here; the handler sets ok, error and body.
  // Only a failing socket is an error; a signal (EINTR) returns early.
  Result<size_t> poll_once(std::chrono::milliseconds timeout, const ControlHandler& handler);

  // For a caller that polls many sockets: poll these (the ROUTER, plus the
  // ZAP socket under CURVE) with its own, and call poll_once(0ms, ...) when
  // any is readable.
  std::vector<zmq::pollitem_t> poll_items();
  zmq::socket_t& socket() { return router_; }

  const ControlServerStats& stats() const { return stats_; }

 private:
  ControlServer() = default;

  struct Incoming;
  bool read_message(Incoming& in);
  ControlReply answer(const Incoming& in, const ControlHandler& handler);
  void send_reply(const Incoming& in, const ControlReply& reply);
  size_t handle_requests(const ControlHandler& handler);
  size_t handle_zap();

  // Constant after open().
  zmq::context_t ctx_;    // declared first: destroyed after the sockets
  zmq::socket_t zap_;     // REP on kZapEndpoint; unused without CURVE
  zmq::socket_t router_;  // declared last: closed first
  std::string endpoint_;
  bool curve_ = false;
  std::string server_public_;             // Z85
  std::set<std::string> allowed_keys_;    // 32-byte binary public keys

  // Mutable, touched by the owning thread only.
  ControlServerStats stats_;
};

}  // namespace tn
