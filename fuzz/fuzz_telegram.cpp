// libFuzzer target: a Telegram Bot API answer (status and body) as the
// channel reads it after sendMessage. The first byte picks the status.
#include <cstddef>
#include <cstdint>
#include <string>

#include "notify/telegram.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const long kStatus[] = {200, 429, 400, 403, 500, 502, 401, 404};
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  (void)tn::notify::telegram_answer(kStatus[data[0] % 8], body);
  return 0;
}
