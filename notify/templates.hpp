#pragma once
// Shared pieces of every notification template (kainjow-mustache): value
// formatting, HTML escaping, the HTML page frame. Templates themselves live
// beside what they render (render.cpp, reports.cpp).
#include <cstdint>
#include <string>
#include <string_view>

#include <kainjow/mustache.hpp>

namespace tn::notify {

namespace mustache = kainjow::mustache;

// & < > " as entities: safe in HTML text and attributes, and exactly the
// named entities Telegram's HTML mode accepts.
std::string escape_html(std::string_view s);

// 1234.5 -> "1234.5", at most max_decimals, trailing zeros trimmed.
std::string format_number(double v, int max_decimals = 8);
// A ledger decimal string ("1234.50000000") with exactly `decimals`
// decimals (rounded half up), or trimmed of trailing zeros when decimals < 0.
std::string format_decimal(std::string_view dec, int decimals);

// Money for a reader: 12345.678 -> "12,345.68" (thousands separated,
// `decimals` fixed); non-finite -> "n/a".
std::string format_money(double v, int decimals = 2);
// A fraction as percent: 0.1234 -> "12.34%"; NaN -> "n/a", +inf -> "inf".
std::string format_percent(double fraction, int decimals = 2);

std::string format_utc(int64_t ms);      // "2025-12-30 14:00 UTC"
std::string format_date(int64_t ms);     // "2025-12-30"
std::string format_month_day(int64_t ms);  // "Dec 30"
std::string rfc5322_date(int64_t ms);    // "Tue, 30 Dec 2025 14:00:00 +0000"

enum class Escape { none, html };
// Renders tmpl; {{x}} is escaped per `escape`, {{{x}}} never. A template that
// does not parse is a bug in this program: the result says so in the text.
std::string render(const std::string& tmpl, const mustache::data& d, Escape escape);

// A complete, self-contained HTML document around body_html: inline styles
// only, so mail clients keep the look, unless `css` is given (a page read
// in a browser, where a style sheet in the head is far smaller).
std::string html_page(const std::string& title, const std::string& body_html,
                      const std::string& css = "");

}  // namespace tn::notify
