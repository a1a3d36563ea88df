#pragma once
// The client's end of the control plane (traderctl, tests, scripts in C++):
// one request, one reply, never a hang. Plain C++, no CAF.
#include <chrono>
#include <optional>
#include <string>

#include "control/security.hpp"
#include "common/error.hpp"
#include "messages/control.hpp"

namespace tn {

// Nothing to flush on exit: an unanswered request is simply abandoned.
inline constexpr int kControlClientLingerMs = 0;

// Sends req to the control endpoint and waits up to timeout for the reply
// with the same id (a DEALER socket framed like REQ, polled with
// zmq::poll; replies with another id are skipped). With curve, the
// connection uses CURVE with those keys (required by a non-loopback node).
// A node that answers ok=false is a successful call: look at reply.ok.
// Errors:
//   timeout: "no answer from E within T ms" (node not running, wrong
//     endpoint, or, under CURVE, this client's key not allowed);
//   invalid_input: a reply that does not decode or a request over the
//     size limit; io: a bad endpoint or a socket failure.
Result<ControlReply> call(const std::string& endpoint, const ControlRequest& req,
                          std::chrono::milliseconds timeout,
                          const std::optional<CurveClientKeys>& curve = std::nullopt);

// A correlation id unlikely to repeat: pid, a clock reading and a counter.
std::string new_request_id();

}  // namespace tn
