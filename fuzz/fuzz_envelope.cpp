// libFuzzer target: one event envelope as tradersub receives it from the
// publisher socket (or reads it back from the event log): decode it, and
// print it as JSON the way tradersub does.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "messages/envelope.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)tn::decode_envelope(bytes);
  (void)tn::envelope_to_json(bytes);
  return 0;
}
