#include "messages/codec.hpp"

namespace tn {

msgpack::unpack_limit decode_limits() {
  // array, map, str, bin, ext, depth
  return msgpack::unpack_limit(16 * 1024 * 1024, 1024 * 1024, 16 * 1024 * 1024,
                               16 * 1024 * 1024, 1024 * 1024, 64);
}

}  // namespace tn
