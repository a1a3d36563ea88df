// libFuzzer target: a TOML config file (config/*.toml): parse_config must
// give a Config or an error naming the key, never crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)tn::parse_config(text, "fuzz.toml");
  return 0;
}
