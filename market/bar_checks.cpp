#include "market/bar_checks.hpp"

#include <cmath>

#include "common/civil_date.hpp"

namespace tn::market {

bool interval_supported(int64_t iv) {
  if (iv == kDayMs || iv == kWeekMs) return true;
  return iv >= kMinuteMs && iv < kDayMs && iv % kMinuteMs == 0 && kDayMs % iv == 0;
}

std::string interval_name(int64_t iv) {
  if (iv % kWeekMs == 0) return std::to_string(iv / kWeekMs) + "w";
  if (iv % kDayMs == 0) return std::to_string(iv / kDayMs) + "d";
  if (iv % kHourMs == 0) return std::to_string(iv / kHourMs) + "h";
  return std::to_string(iv / kMinuteMs) + "m";
}

int64_t bar_floor(int64_t t, int64_t iv) {
  const int64_t origin = iv == kWeekMs ? kMondayOffsetMs : 0;
  int64_t r = (t - origin) % iv;
  if (r < 0) r += iv;
  return t - r;
}

bool bar_aligned(int64_t t, int64_t iv) { return bar_floor(t, iv) == t; }

Result<size_t> check_bars(const BarSeries& s, int64_t iv) {
  const size_t n = s.size();
  if (s.open_time_ms.size() != n || s.open.size() != n || s.high.size() != n ||
      s.low.size() != n || s.volume.size() != n)
    return make_error(Errc::invalid_input, "bar columns of different lengths");
  size_t gaps = 0;
  for (size_t i = 0; i < n; ++i) {
    const double o = s.open[i], h = s.high[i], l = s.low[i], c = s.close[i], v = s.volume[i];
    const int64_t t = s.open_time_ms[i];
    const auto bad = [&](const char* what) {
      return make_error(Errc::invalid_input,
                        "bar " + std::to_string(i) + " (open " + std::to_string(t) + "): " + what);
    };
    if (!std::isfinite(o) || !std::isfinite(h) || !std::isfinite(l) || !std::isfinite(c))
      return bad("price is not a finite number");
    if (o <= 0 || h <= 0 || l <= 0 || c <= 0) return bad("price <= 0");
    if (!(l <= h)) return bad("low above high");
    if (o < l || o > h) return bad("open outside [low, high]");
    if (c < l || c > h) return bad("close outside [low, high]");
    if (!std::isfinite(v) || v < 0) return bad("volume negative or not finite");
    if (!bar_aligned(t, iv)) return bad(("time not aligned to " + interval_name(iv)).c_str());
    if (i > 0) {
      const int64_t prev = s.open_time_ms[i - 1];
      if (t <= prev) return bad("time not after the previous bar");
      if (t - prev > iv) ++gaps;
    }
  }
  return gaps;
}

size_t count_gaps(const BarSeries& s, int64_t iv) {
  size_t gaps = 0;
  for (size_t i = 1; i < s.open_time_ms.size(); ++i) gaps += s.open_time_ms[i] - s.open_time_ms[i - 1] > iv;
  return gaps;
}

bool parse_iso_date(const std::string& s, int64_t& day_ms) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)),
            d = std::stoi(s.substr(8, 2));
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && d == 29 && !leap) return false;
  day_ms = days_from_civil(CivilDate{y, static_cast<uint32_t>(m), static_cast<uint32_t>(d)}) * kDayMs;
  return true;
}

std::string iso_date(int64_t t_ms) {
  return format_civil_date(civil_from_days(bar_floor(t_ms, kDayMs) / kDayMs));
}

}  // namespace tn::market
