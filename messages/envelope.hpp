#pragma once
// The one envelope every published event travels in:
//   {v, seq, ts_ns, node, type, body}
// encoded as a msgpack map; body is the event struct's own msgpack map,
// nested as is. ZeroMQ frames are [topic = type, envelope].
#include <cstdint>
#include <string>
#include <string_view>

#include <msgpack.hpp>

#include "common/error.hpp"

namespace tn {

inline constexpr uint32_t kEnvelopeVersion = 1;

struct EnvelopeHeader {
  uint32_t v = kEnvelopeVersion;
  uint64_t seq = 0;
  int64_t ts_ns = 0;
  std::string node;
  std::string type;
};

// body_msgpack must already be one msgpack object (as made by encode()).
std::string encode_envelope(const EnvelopeHeader& h, std::string_view body_msgpack);

struct DecodedEnvelope {
  EnvelopeHeader header;
  msgpack::object_handle body;  // owns the memory of the decoded body
};

Result<DecodedEnvelope> decode_envelope(std::string_view bytes);

// The whole envelope as one line of JSON (what tradersub prints).
Result<std::string> envelope_to_json(std::string_view bytes);

}  // namespace tn
