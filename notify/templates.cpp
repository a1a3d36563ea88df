#include "notify/templates.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <chrono>
#include <cmath>

namespace tn::notify {

std::string escape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string format_number(double v, int max_decimals) {
  if (!std::isfinite(v)) return "n/a";
  std::string s = fmt::format("{:.{}f}", v, max_decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string format_decimal(std::string_view dec, int decimals) {
  std::string s(dec);
  const size_t dot = s.find('.');
  if (decimals < 0) {
    if (dot == std::string::npos) return s;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
  }
  // Round through the double only when precision would be lost otherwise:
  // display values (money to the cent) are far inside double's range.
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str()) return s;  // not a number: show as given
  return fmt::format("{:.{}f}", v, decimals);
}

std::string format_money(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  std::string digits = fmt::format("{:.{}f}", std::abs(v), decimals);
  const size_t dot = std::min(digits.find('.'), digits.size());
  for (size_t i = dot; i > 3; i -= 3) digits.insert(i - 3, 1, ',');
  const bool negative = v < 0 && digits.find_first_not_of("0.,") != std::string::npos;
  return negative ? "-" + digits : digits;
}

std::string format_percent(double fraction, int decimals) {
  if (std::isnan(fraction)) return "n/a";
  if (std::isinf(fraction)) return fraction > 0 ? "inf" : "-inf";
  std::string s = fmt::format("{:.{}f}%", fraction * 100, decimals);
  if (s[0] == '-' && s.find_first_not_of("-0.%") == std::string::npos) s.erase(0, 1);
  return s;
}

namespace {
date::sys_time<std::chrono::milliseconds> tp(int64_t ms) {
  return date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms));
}
}  // namespace

std::string format_utc(int64_t ms) {
  return date::format("%Y-%m-%d %H:%M UTC", date::floor<std::chrono::minutes>(tp(ms)));
}
std::string format_date(int64_t ms) {
  return date::format("%Y-%m-%d", date::floor<date::days>(tp(ms)));
}
std::string format_month_day(int64_t ms) {
  const date::year_month_day ymd{date::floor<date::days>(tp(ms))};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return fmt::format("{} {}", kMonths[static_cast<unsigned>(ymd.month()) - 1],
                     static_cast<unsigned>(ymd.day()));
}
std::string rfc5322_date(int64_t ms) {
  // The "C" locale's English names, as RFC 5322 wants.
  return date::format("%a, %d %b %Y %H:%M:%S +0000", date::floor<std::chrono::seconds>(tp(ms)));
}

std::string render(const std::string& tmpl, const mustache::data& d, Escape escape) {
  mustache::mustache m(tmpl);
  if (!m.is_valid()) return "(template error: " + m.error_message() + ")";
  if (escape == Escape::none)
    m.set_custom_escape([](const std::string& s) { return s; });
  else
    m.set_custom_escape([](const std::string& s) { return escape_html(s); });
  return m.render(d);
}

std::string html_page(const std::string& title, const std::string& body_html, const std::string& css) {
  static const std::string kPage =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>{{title}}</title>{{#has_css}}<style>{{{css}}}</style>{{/has_css}}</head>\n"
      "<body style=\"margin:0;padding:16px;background:#f6f8fa;color:#1f2328;"
      "font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px\">\n"
      "<div style=\"max-width:900px;margin:0 auto;background:#ffffff;border:1px solid #d0d7de;"
      "border-radius:6px;padding:16px 20px\">\n<h2 style=\"margin-top:0\">{{title}}</h2>\n"
      "{{{body}}}\n</div></body></html>\n";
  mustache::data d;
  d.set("title", title);
  d.set("body", body_html);
  d.set("has_css", mustache::data(!css.empty()));
  d.set("css", css);
  return render(kPage, d, Escape::html);
}

}  // namespace tn::notify
