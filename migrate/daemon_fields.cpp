#include "migrate/daemon_fields.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "common/civil_date.hpp"
#include "messages/orders.hpp"

namespace tn::migrate {

namespace {

// At most this much of a bad value goes into a message.
std::string shown(std::string_view text) {
  std::string out(1, '\'');
  out.append(text.substr(0, 60));
  if (text.size() > 60) out += "...";
  out += '\'';
  return out;
}

// A decimal's digits and power of ten: value = digits * 10^exp10.
struct Decimal {
  bool negative = false;
  std::string digits;  // no leading zeros; empty for zero
  int64_t exp10 = 0;
};

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// [+-] digits [. digits] [e [+-] digits], at least one digit before the exponent.
Result<Decimal> split_decimal(std::string_view text) {
  auto bad = [&] { return make_error(Errc::invalid_input, shown(text) + " is not a number"); };
  Decimal d;
  std::string_view s = text;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) d.negative = s[0] == '-', s.remove_prefix(1);
  std::string_view mantissa = s, exponent;
  if (auto e = s.find_first_of("eE"); e != std::string_view::npos)
    mantissa = s.substr(0, e), exponent = s.substr(e + 1);
  std::string_view whole = mantissa, frac;
  if (auto dot = mantissa.find('.'); dot != std::string_view::npos)
    whole = mantissa.substr(0, dot), frac = mantissa.substr(dot + 1);
  if ((whole.empty() && frac.empty()) || (!whole.empty() && !all_digits(whole)) ||
      (!frac.empty() && !all_digits(frac)))
    return bad();
  if (s.find('e') != std::string_view::npos || s.find('E') != std::string_view::npos) {
    std::string_view ex = exponent;
    bool neg = false;
    if (!ex.empty() && (ex[0] == '+' || ex[0] == '-')) neg = ex[0] == '-', ex.remove_prefix(1);
    if (!all_digits(ex) || ex.size() > 4) return bad();
    int64_t e = 0;
    for (char c : ex) e = e * 10 + (c - '0');
    d.exp10 = neg ? -e : e;
  }
  d.digits = std::string(whole) + std::string(frac);
  d.exp10 -= static_cast<int64_t>(frac.size());
  const auto nz = d.digits.find_first_not_of('0');
  d.digits = nz == std::string::npos ? std::string() : d.digits.substr(nz);
  return d;
}

}  // namespace

Result<Amount> parse_decimal_amount(std::string_view text) {
  auto d = split_decimal(text);
  if (!d) return d.error();
  // Amount units: digits * 10^(exp10 + 8), past the eighth decimal dropped.
  const int64_t shift = d->exp10 + 8;
  std::string units = d->digits;
  if (shift >= 0) {
    if (static_cast<int64_t>(units.size()) + shift > 19 && !units.empty())
      return make_error(Errc::invalid_input, shown(text) + " is out of range");
    units.append(static_cast<size_t>(shift), '0');
  } else {
    units = -shift >= static_cast<int64_t>(units.size()) ? std::string()
                                                         : units.substr(0, units.size() - static_cast<size_t>(-shift));
  }
  uint64_t v = 0;
  if (!units.empty()) {
    auto [end, ec] = std::from_chars(units.data(), units.data() + units.size(), v);
    if (ec != std::errc() || v > static_cast<uint64_t>(std::numeric_limits<Amount>::max()))
      return make_error(Errc::invalid_input, shown(text) + " is out of range");
  }
  const auto a = static_cast<Amount>(v);
  return d->negative ? -a : a;
}

Result<double> parse_decimal_double(std::string_view text) {
  if (auto d = split_decimal(text); !d) return d.error();
  std::string_view s = text;
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);  // from_chars takes '-' only
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v))
    return make_error(Errc::invalid_input, shown(text) + " is out of range");
  return v;
}

Result<int64_t> parse_daemon_time(std::string_view t) {
  auto bad = [&] {
    return make_error(Errc::invalid_input, shown(t) +
                                               " is not an ISO-8601 date and time like "
                                               "\"2024-03-01 12:00:00\" or \"2024-03-01T12:00:00.123456\"");
  };
  // Two digits at i, at most max.
  auto two = [&](size_t i, int64_t max, int64_t& out) {
    if (i + 2 > t.size() || !all_digits(t.substr(i, 2))) return false;
    out = (t[i] - '0') * 10 + (t[i + 1] - '0');
    return out <= max;
  };
  if (t.size() < 19 || (t[10] != ' ' && t[10] != 'T') || t[13] != ':' || t[16] != ':') return bad();
  auto date = parse_civil_date(t.substr(0, 10));
  if (!date) return bad();
  int64_t h = 0, m = 0, s = 0;
  if (!two(11, 23, h) || !two(14, 59, m) || !two(17, 59, s)) return bad();
  int64_t ms = 0;
  size_t i = 19;
  if (i < t.size() && t[i] == '.') {
    size_t n = 0;
    while (i + 1 + n < t.size() && std::isdigit(static_cast<unsigned char>(t[i + 1 + n]))) ++n;
    if (n < 1 || n > 9) return bad();
    for (size_t k = 0; k < 3; ++k) ms = ms * 10 + (k < n ? t[i + 1 + k] - '0' : 0);
    i += 1 + n;
  }
  int64_t offset_ms = 0;
  if (i < t.size() && t[i] == 'Z') {
    ++i;
  } else if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
    int64_t oh = 0, om = 0;
    if (!two(i + 1, 23, oh) || i + 3 >= t.size() || t[i + 3] != ':' || !two(i + 4, 59, om)) return bad();
    offset_ms = (t[i] == '-' ? -1 : 1) * (oh * kHourMs + om * kMinuteMs);
    i += 6;
  }
  if (i != t.size()) return bad();
  return days_from_civil(*date) * kDayMs + h * kHourMs + m * kMinuteMs + s * kSecondMs + ms - offset_ms;
}

Result<std::string> parse_side(std::string_view text) {
  std::string up(text);
  for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (up == kBuy || up == kSell) return up;
  return make_error(Errc::invalid_input, shown(text) + " is not BUY or SELL");
}

Result<OrderFate> parse_status(std::string_view text) {
  std::string low(text);
  for (char& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* s : {"filled", "executed"})
    if (low == s) return OrderFate::filled;
  for (const char* s : {"pending", "open", "new"})
    if (low == s) return OrderFate::open;
  for (const char* s : {"cancelled", "canceled", "rejected", "failed", "expired"})
    if (low == s) return OrderFate::not_filled;
  return make_error(Errc::invalid_input,
                    shown(text) + " is not a status the import knows (filled, executed; pending, open, "
                                  "new; cancelled, canceled, rejected, failed, expired)");
}

}  // namespace tn::migrate
