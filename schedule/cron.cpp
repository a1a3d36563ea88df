#include "schedule/cron.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <exception>
#include <vector>

namespace tn {

namespace {

namespace chr = std::chrono;

struct FieldSpec {
  const char* name;
  int lo, hi;
  const char* const* names;  // 3-letter names, or nullptr
  int name_base;             // value of names[0]
};
constexpr const char* kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr const char* kDowNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr FieldSpec kFields[5] = {
    {"minute", 0, 59, nullptr, 0},    {"hour", 0, 23, nullptr, 0},
    {"day-of-month", 1, 31, nullptr, 0}, {"month", 1, 12, kMonthNames, 1},
    {"day-of-week", 0, 7, kDowNames, 0},
};
constexpr size_t kMaxExprChars = 1024;
// Days in the 400-year Gregorian cycle: the calendar repeats after it, so a
// day pattern that matches at all matches within it.
constexpr int64_t kCycleDays = 146097;
// Supported range of next_after's argument: years 1900 to 9000, keeping all
// date arithmetic (plus one cycle) far inside date::year's range.
constexpr int64_t kMinUtcMs = -2208988800000LL;    // 1900-01-01
constexpr int64_t kMaxUtcMs = 221845392000000LL;   // 9000-01-01

std::string quoted(std::string_view s) {
  if (s.size() > 40) return "\"" + std::string(s.substr(0, 40)) + "...\"";
  return "\"" + std::string(s) + "\"";
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool iequal3(std::string_view s, const char* name) {
  if (s.size() != 3) return false;
  for (size_t i = 0; i < 3; ++i)
    if ((s[i] | 0x20) != name[i]) return false;
  return true;
}

// One value: a number in [lo, hi] or a name. On failure `why` says which.
bool parse_value(std::string_view tok, const FieldSpec& f, int& out, std::string& why) {
  if (tok.empty()) {
    why = "missing number";
    return false;
  }
  if (is_digits(tok)) {
    // Nine digits fit an int; anything longer is out of range, not a crash.
    int v = 0;
    if (tok.size() > 9 || std::from_chars(tok.data(), tok.data() + tok.size(), v).ec != std::errc() ||
        v < f.lo || v > f.hi) {
      why = quoted(tok) + " is out of range " + std::to_string(f.lo) + "-" + std::to_string(f.hi);
      return false;
    }
    out = v;
    return true;
  }
  if (f.names) {
    const int count = f.hi - f.lo + 1 - (f.hi == 7 ? 1 : 0);
    for (int i = 0; i < count; ++i)
      if (iequal3(tok, f.names[i])) {
        out = f.name_base + i;
        return true;
      }
  }
  why = quoted(tok) + (f.names ? " is not a number or a name" : " is not a number");
  return false;
}

// One list element: `*`, `N`, `A-B`, each optionally `/S`.
bool parse_item(std::string_view item, const FieldSpec& f, uint64_t& bits, std::string& why) {
  if (item.empty()) {
    why = "empty list element";
    return false;
  }
  std::string_view range = item, step_text;
  bool has_step = false;
  if (auto slash = item.find('/'); slash != std::string_view::npos) {
    range = item.substr(0, slash);
    step_text = item.substr(slash + 1);
    has_step = true;
  }
  int a = f.lo, b = f.hi;
  if (range != "*") {
    const auto dash = range.find('-');
    if (!parse_value(range.substr(0, dash), f, a, why)) return false;
    if (dash != std::string_view::npos) {
      if (!parse_value(range.substr(dash + 1), f, b, why)) return false;
      if (a > b) {
        why = "range " + quoted(range) + " is reversed (" + std::to_string(a) + " > " + std::to_string(b) + ")";
        return false;
      }
    } else {
      b = has_step ? f.hi : a;  // `N/S` means N-max/S
    }
  }
  int step = 1;
  if (has_step) {
    const int span = f.hi - f.lo + 1;
    if (!is_digits(step_text) || step_text.size() > 9 ||
        std::from_chars(step_text.data(), step_text.data() + step_text.size(), step).ec != std::errc() ||
        step < 1 || step > span) {
      why = "step " + quoted(step_text) + " must be a number from 1 to " + std::to_string(span);
      return false;
    }
  }
  for (int v = a; v <= b; v += step) bits |= uint64_t{1} << v;
  return true;
}

bool parse_field(std::string_view text, const FieldSpec& f, uint64_t& bits, std::string& why) {
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    if (!parse_item(text.substr(pos, comma == std::string_view::npos ? comma : comma - pos), f, bits, why))
      return false;
    if (comma == std::string_view::npos) return true;
    pos = comma + 1;
  }
}

std::string_view expand_macro(std::string_view e) {
  if (e == "@yearly" || e == "@annually") return "0 0 1 1 *";
  if (e == "@monthly") return "0 0 1 * *";
  if (e == "@weekly") return "0 0 * * 0";
  if (e == "@daily" || e == "@midnight") return "0 0 * * *";
  if (e == "@hourly") return "0 * * * *";
  return {};
}

std::vector<std::string_view> split_ws(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

int highest_bit(uint64_t bits) { return 63 - std::countl_zero(bits); }

}  // namespace

Result<CronJob> parse_cron(std::string_view expr, std::string_view tz) {
  const std::string where = "cron " + quoted(expr) + ": ";
  auto fail = [&](const std::string& msg) { return make_error(Errc::invalid_input, where + msg); };
  if (expr.size() > kMaxExprChars) return fail("longer than " + std::to_string(kMaxExprChars) + " characters");

  std::string_view body = expr;
  const auto trimmed = split_ws(expr);
  if (trimmed.size() == 1 && trimmed[0].starts_with('@')) {
    body = expand_macro(trimmed[0]);
    if (body.empty()) return fail("unknown macro " + quoted(trimmed[0]) +
                                  " (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)");
  }
  const auto fields = split_ws(body);
  if (fields.empty()) return fail("empty expression");
  if (fields.size() != 5)
    return fail("expected 5 fields (minute hour day-of-month month day-of-week), got " +
                std::to_string(fields.size()));

  CronJob job;
  uint64_t* bits[5] = {&job.minutes_, &job.hours_, &job.dom_, &job.months_, &job.dow_};
  for (size_t i = 0; i < 5; ++i) {
    std::string why;
    if (!parse_field(fields[i], kFields[i], *bits[i], why)) return fail(std::string(kFields[i].name) + ": " + why);
  }
  if (job.dow_ & (uint64_t{1} << 7)) job.dow_ = (job.dow_ & 0x7f) | 1;  // 7 is Sunday too
  job.dom_star_ = fields[2].front() == '*';
  job.dow_star_ = fields[4].front() == '*';
  job.wild_ = fields[0].front() == '*' || fields[1].front() == '*';

  // Never fires? Only possible when the days must match day-of-month (AND
  // rule or no weekday restriction) and no chosen month has a chosen day.
  // Every existing date falls on every weekday within the 400-year cycle.
  if (job.dom_star_ || job.dow_star_) {
    constexpr int kMaxDays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool possible = false;
    for (int m = 1; m <= 12; ++m)
      if ((job.months_ >> m & 1) && (job.dom_ & ((uint64_t{2} << kMaxDays[m]) - 2))) possible = true;
    if (!possible)
      return fail("never fires: day-of-month " + quoted(fields[2]) + " does not occur in month " +
                  quoted(fields[3]));
  }

  if (tz.empty()) return fail("empty time zone (use \"UTC\" or an IANA name like \"America/New_York\")");
  if (tz != "UTC" && tz != "Etc/UTC") {
    try {
      job.tz_ = date::locate_zone(tz);
    } catch (const std::exception& e) {
      return fail("unknown time zone " + quoted(tz) + " (" + e.what() + ")");
    }
  }
  job.expr_ = std::string(expr);
  job.zone_ = std::string(tz);
  return job;
}

bool CronJob::day_matches(int dom, int dow) const {
  const bool d = dom_ >> dom & 1, w = dow_ >> dow & 1;
  return (dom_star_ || dow_star_) ? (d && w) : (d || w);
}

// Local wall time -> UTC ms under the DST rules in cron.hpp. kNeverMs means
// "does not exist and is skipped" (wildcard job in a gap).
int64_t CronJob::to_utc_ms(int64_t local_day, int hour, int minute, Pass pass) const {
  const date::local_seconds ls{chr::seconds{local_day * 86400 + hour * 3600 + minute * 60}};
  if (!tz_) return ls.time_since_epoch().count() * 1000;
  const date::local_info info = tz_->get_info(ls);
  chr::seconds utc{};
  switch (info.result) {
    case date::local_info::unique:
      utc = ls.time_since_epoch() - info.first.offset;
      break;
    case date::local_info::nonexistent:
      if (wild_) return kNeverMs;
      utc = info.second.begin.time_since_epoch();  // the gap's end: first valid instant
      break;
    case date::local_info::ambiguous:
      utc = ls.time_since_epoch() - (pass == Pass::first ? info.first.offset : info.second.offset);
      break;
  }
  return utc.count() * 1000;
}

// Within one local day and one pass, local order and UTC order agree (a gap
// collapses onto its end, a repeated hour maps to one chosen pass), so the
// first candidate after utc_ms in local order is the earliest one, and whole
// hours can be skipped by testing their last candidate.
int64_t CronJob::first_on_day(int64_t local_day, int64_t utc_ms, Pass pass) const {
  const int last_minute = highest_bit(minutes_);
  const int last_hour = highest_bit(hours_);
  const int64_t day_end = to_utc_ms(local_day, last_hour, last_minute, pass);
  if (day_end != kNeverMs && day_end <= utc_ms) return kNeverMs;
  for (int h = 0; h < 24; ++h) {
    if (!(hours_ >> h & 1)) continue;
    const int64_t hour_end = to_utc_ms(local_day, h, last_minute, pass);
    if (hour_end != kNeverMs && hour_end <= utc_ms) continue;
    for (int m = 0; m < 60; ++m) {
      if (!(minutes_ >> m & 1)) continue;
      const int64_t u = to_utc_ms(local_day, h, m, pass);
      if (u != kNeverMs && u > utc_ms) return u;
    }
  }
  return kNeverMs;
}

int64_t CronJob::scan(int64_t utc_ms, Pass pass) const {
  const date::sys_seconds t = chr::floor<chr::seconds>(date::sys_time<chr::milliseconds>(chr::milliseconds{utc_ms}));
  const date::local_seconds local = tz_ ? tz_->to_local(t) : date::local_seconds{t.time_since_epoch()};
  // Start one local day early: in the second pass of a repeated hour a
  // candidate earlier in local time can still be later in UTC.
  const auto first_day = chr::floor<date::days>(local) - date::days{1};
  const auto last_day = first_day + date::days{kCycleDays + 2};
  date::year_month_day ymd{first_day};
  int y = int(ymd.year()), m = int(unsigned(ymd.month())), d = int(unsigned(ymd.day()));
  while (true) {
    const date::year_month ym{date::year{y}, date::month(unsigned(m))};
    if (date::local_days{ym / 1} > last_day) return kNeverMs;
    if (months_ >> m & 1) {
      const int month_len = int(unsigned((ym / date::last).day()));
      for (; d <= month_len; ++d) {
        const date::local_days day{ym / unsigned(d)};
        if (day > last_day) return kNeverMs;
        if (!day_matches(d, int(date::weekday{day}.c_encoding()))) continue;
        const int64_t u = first_on_day(day.time_since_epoch().count(), utc_ms, pass);
        if (u != kNeverMs) return u;
      }
    }
    d = 1;  // skip to the next month
    if (++m > 12) m = 1, ++y;
  }
}

int64_t CronJob::next_after(int64_t utc_ms) const {
  if (utc_ms < kMinUtcMs || utc_ms >= kMaxUtcMs) return kNeverMs;
  const int64_t first = scan(utc_ms, Pass::first);
  // A wildcard job also fires in the second pass of a repeated hour.
  return wild_ ? std::min(first, scan(utc_ms, Pass::second)) : first;
}

}  // namespace tn
