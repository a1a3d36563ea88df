#include "common/timeframe.hpp"

#include <charconv>

#include "common/time.hpp"

namespace tn {

std::optional<int64_t> parse_timeframe_ms(std::string_view tf) {
  if (tf.size() < 2) return std::nullopt;
  const char unit = tf.back();
  int64_t n = 0;
  auto digits = tf.substr(0, tf.size() - 1);
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || p != digits.data() + digits.size() || n <= 0 || n > 10000) return std::nullopt;
  int64_t unit_ms = 0;
  switch (unit) {
    case 'm': unit_ms = kMinuteMs; break;
    case 'h': unit_ms = kHourMs; break;
    case 'd': unit_ms = kDayMs; break;
    case 'w': unit_ms = kWeekMs; break;
    default: return std::nullopt;
  }
  return n * unit_ms;
}

}  // namespace tn
