// libFuzzer target: one control request as it arrives on the control
// endpoint (msgpack bytes from any client). Decoding must give a request or
// an error, never crash; the helpers the node runs on a decoded request
// (arg readers, error-reply id, reply encoding) get the same bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "messages/codec.hpp"
#include "messages/control.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto req = tn::decode_control_request(bytes);
  if (!req) {
    (void)tn::make_error_reply(tn::peek_request_id(bytes), req.error().message);
    return 0;
  }
  (void)tn::control_arg_u64(*req, tn::control_arg::days, 7, 3650);
  (void)tn::control_arg_u64(*req, tn::control_arg::from_seq, 1, UINT64_MAX);
  (void)tn::control_arg_flag(*req, tn::control_arg::entries_only);
  (void)tn::decode_close_args(*req);
  (void)tn::decode_trades_args(*req);
  (void)tn::encode(tn::make_ok_reply(*req));
  // A replay body is what a client decodes from a reply: same bytes, other reader.
  (void)tn::decode_replay_body(bytes);
  return 0;
}
