// libFuzzer target: a value read back from LMDB (a corrupted or hostile
// database file). The first byte picks the record type as storage/ reads
// it with decode<T>; a bad record must be an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "messages/codec.hpp"
#include "messages/orders.hpp"
#include "storage/format.hpp"

namespace fmt = tn::storage::format;

template <class T>
void round_trip(std::string_view bytes) {
  auto r = tn::decode<T>(bytes);
  if (r) (void)tn::encode(*r);  // what decoded must encode again
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0: round_trip<fmt::AccountRecord>(bytes); break;
    case 1: round_trip<fmt::RecommendationRecord>(bytes); break;
    case 2: round_trip<fmt::OutboxRecord>(bytes); break;
    case 3: round_trip<tn::OrderResult>(bytes); break;
    default: round_trip<int64_t>(bytes); break;  // balances, meta counters
  }
  return 0;
}
