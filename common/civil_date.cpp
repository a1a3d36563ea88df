#include "common/civil_date.hpp"

#include <cstdio>

namespace tn {

int64_t days_from_civil(const CivilDate& d) {
  const int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (d.month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const uint32_t day = static_cast<uint32_t>(doy - (153 * mp + 2) / 5 + 1);
  const uint32_t month = static_cast<uint32_t>(mp < 10 ? mp + 3 : mp - 9);
  return CivilDate{static_cast<int32_t>(yoe + era * 400 + (month <= 2 ? 1 : 0)), month, day};
}

Result<CivilDate> parse_civil_date(std::string_view t) {
  auto bad = [&] {
    std::string msg(1, '"');  // built by appends: g++ 12 warns falsely on "x" + string
    msg.append(t.substr(0, 40));
    msg += "\" is not a date like \"2025-01-01\"";
    return make_error(Errc::invalid_input, msg);
  };
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return bad();
  auto num = [&](size_t from, size_t len, int64_t& out) {
    out = 0;
    for (size_t i = from; i < from + len; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      out = out * 10 + (t[i] - '0');
    }
    return true;
  };
  int64_t y = 0, m = 0, d = 0;
  if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d) || m < 1 || m > 12 || d < 1) return bad();
  const CivilDate date{static_cast<int32_t>(y), static_cast<uint32_t>(m), static_cast<uint32_t>(d)};
  if (civil_from_days(days_from_civil(date)) != date) return bad();  // 2025-02-30
  return date;
}

namespace {

// Digits at [from, from + len) of t as a number; false if any is not a digit.
bool digits(std::string_view t, size_t from, size_t len, int64_t& out) {
  out = 0;
  if (from + len > t.size()) return false;
  for (size_t i = from; i < from + len; ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
    out = out * 10 + (t[i] - '0');
  }
  return true;
}

// "HH:MM", "HH:MM:SS" or "HH:MM:SS.fff" (1..3 fraction digits): ms into the day.
bool time_of_day(std::string_view t, int64_t& ms) {
  int64_t h = 0, m = 0, s = 0, frac = 0;
  if (!digits(t, 0, 2, h) || t.size() < 5 || t[2] != ':' || !digits(t, 3, 2, m)) return false;
  if (t.size() > 5) {
    if (t[5] != ':' || !digits(t, 6, 2, s)) return false;
    if (t.size() > 8) {
      const size_t n = t.size() - 9;
      if (t[8] != '.' || n < 1 || n > 3 || !digits(t, 9, n, frac)) return false;
      for (size_t i = n; i < 3; ++i) frac *= 10;
    } else if (t.size() != 8) {
      return false;
    }
  }
  if (h > 23 || m > 59 || s > 59) return false;
  ms = ((h * 60 + m) * 60 + s) * 1000 + frac;
  return true;
}

}  // namespace

Result<int64_t> parse_utc_time(std::string_view t) {
  auto bad = [&](const char* why) {
    std::string msg(1, '"');
    msg.append(t.substr(0, 40));
    msg += "\" ";
    msg += why;
    return make_error(Errc::invalid_input, msg);
  };
  constexpr const char* kForm =
      "is not a time: Unix milliseconds, or a UTC date and time like 2021-01-01 or "
      "2021-01-01T12:30:00Z";
  if (t.empty()) return bad(kForm);
  if (t.find_first_not_of("0123456789") == std::string_view::npos) {
    int64_t ms = 0;
    if (t.size() > 15 || !digits(t, 0, t.size(), ms) || ms > kMaxUtcTimeMs)
      return bad("is after 9999-12-31 (Unix milliseconds expected)");
    return ms;
  }
  if (t.size() < 10) return bad(kForm);
  auto day = parse_civil_date(t.substr(0, 10));
  if (!day) return bad(kForm);
  int64_t in_day = 0;
  if (t.size() > 10) {
    std::string_view rest = t.substr(11);
    if (t[10] != 'T' && t[10] != ' ') return bad(kForm);
    if (!rest.empty() && rest.back() == 'Z') rest.remove_suffix(1);
    if (!time_of_day(rest, in_day)) return bad(kForm);
  }
  const int64_t ms = days_from_civil(*day) * kDayMs + in_day;
  if (ms < 0) return bad("is before 1970-01-01");
  return ms;
}

std::string format_civil_date(const CivilDate& d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", d.year, d.month, d.day);
  return buf;
}

}  // namespace tn
