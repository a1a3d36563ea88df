#include "messages/codec.hpp"

#include <algorithm>

namespace tn {

msgpack::unpack_limit decode_limits(size_t input_bytes) {
  // msgpack-c reserves count * sizeof(msgpack::object) as soon as it reads an
  // array or map header, before any element arrives. Found by fuzz_records:
  // with fixed limits (16M elements, depth 64) a 31-byte record of nested
  // array headers made it reserve 512 MB per level. An input of n bytes can
  // hold at most n elements (n / 2 map pairs), so counts beyond that are
  // refused; the depth bounds what nesting can multiply (tradernode's
  // deepest value, an envelope around a report, is 5 levels).
  const size_t n = std::min(input_bytes, kMaxMessageBytes);
  return msgpack::unpack_limit(n, n / 2 + 1, n, n, n, kMaxDecodeDepth);
}

}  // namespace tn
