#pragma once
// msgpack encode/decode for every message struct. msgpack-c throws on bad
// input; decode() catches at this edge and returns an Error instead.
#include <string>
#include <string_view>

#include <msgpack.hpp>

#include "common/error.hpp"

namespace tn {

// Upper bound on any single decoded message; larger input is refused before
// msgpack allocates for it.
inline constexpr size_t kMaxMessageBytes = 64 * 1024 * 1024;

template <class T>
std::string encode(const T& value) {
  msgpack::sbuffer buf;
  msgpack::pack(buf, value);
  return std::string(buf.data(), buf.size());
}

// Deepest nesting accepted in any decoded value.
inline constexpr size_t kMaxDecodeDepth = 16;

// Limits fitted to the input's size, so that a hostile 10-byte input cannot
// claim (and make msgpack-c reserve memory for) a huge array or map.
msgpack::unpack_limit decode_limits(size_t input_bytes);

template <class T>
Result<T> decode(std::string_view bytes) {
  if (bytes.size() > kMaxMessageBytes)
    return make_error(Errc::invalid_input, "message of " + std::to_string(bytes.size()) +
                                               " bytes exceeds the limit");
  try {
    std::size_t off = 0;
    msgpack::object_handle oh =
        msgpack::unpack(bytes.data(), bytes.size(), off, nullptr, nullptr,
                            decode_limits(bytes.size()));
    if (off != bytes.size()) return make_error(Errc::invalid_input, "trailing bytes after message");
    T value{};
    oh.get().convert(value);
    return value;
  } catch (const std::exception& e) {
    return make_error(Errc::invalid_input, std::string("malformed msgpack: ") + e.what());
  }
}

}  // namespace tn
