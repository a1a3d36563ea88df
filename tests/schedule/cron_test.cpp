#define BOOST_TEST_MODULE schedule_cron
#include <boost/test/unit_test.hpp>

#include <date/date.h>
#include <date/tz.h>

#include <functional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "schedule/cron.hpp"

using namespace tn;
namespace chr = std::chrono;

namespace {
// UTC ms of a calendar date and time.
int64_t utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  const date::sys_days day{date::year{y} / date::month{mo} / date::day{d}};
  return (day.time_since_epoch().count() * 86400LL + h * 3600LL + mi * 60LL + s) * 1000;
}

CronJob job(const std::string& expr, const std::string& tz = "UTC") {
  auto r = parse_cron(expr, tz);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().to_string()));
  return *r;
}

// The firings in (from, to], by repeated next_after.
std::vector<int64_t> firings(const CronJob& j, int64_t from, int64_t to) {
  std::vector<int64_t> out;
  for (int64_t t = j.next_after(from); t <= to; t = j.next_after(t)) out.push_back(t);
  return out;
}

std::string error_of(const std::string& expr, const std::string& tz = "UTC") {
  auto r = parse_cron(expr, tz);
  if (r.ok()) return "<parsed>";
  BOOST_TEST((r.error().code == Errc::invalid_input));
  return r.error().message;
}

// Brute-force oracle over every minute of a window, written from the rules in
// cron.hpp rather than from the implementation: a wildcard job fires at each
// UTC minute whose local time matches; a fixed job fires at the first UTC
// instant of each matching local time, and at the end of a gap that swallowed
// a matching local time.
using Pred = std::function<bool(int mi, int h, int dom, int mon, int dow)>;
std::vector<int64_t> oracle(const Pred& match, bool wild, const std::string& tz, int64_t from, int64_t to) {
  const date::time_zone* z = date::locate_zone(tz);
  auto fields_match = [&](date::local_seconds l) {
    const auto day = chr::floor<date::days>(l);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss<chr::seconds> tod{l - day};
    return match(int(tod.minutes().count()), int(tod.hours().count()), int(unsigned(ymd.day())),
                 int(unsigned(ymd.month())), int(date::weekday{day}.c_encoding()));
  };
  std::set<int64_t> out;
  for (int64_t u = from - from % 60000 + 60000; u <= to; u += 60000) {
    const date::sys_seconds s{chr::seconds{u / 1000}};
    const date::local_seconds l = z->to_local(s);
    if (!fields_match(l)) continue;
    const auto info = z->get_info(l);
    if (wild || info.result == date::local_info::unique || s.time_since_epoch() == l.time_since_epoch() - info.first.offset)
      out.insert(u);
  }
  if (!wild) {
    const auto l0 = chr::floor<chr::minutes>(z->to_local(date::sys_seconds{chr::seconds{from / 1000}}));
    const auto l1 = z->to_local(date::sys_seconds{chr::seconds{to / 1000}});
    for (date::local_seconds l = l0; l <= l1; l += chr::minutes{1}) {
      const auto info = z->get_info(l);
      if (info.result != date::local_info::nonexistent || !fields_match(l)) continue;
      const int64_t u = info.second.begin.time_since_epoch().count() * 1000;
      if (u > from && u <= to) out.insert(u);
    }
  }
  return {out.begin(), out.end()};
}
}  // namespace

BOOST_AUTO_TEST_CASE(equities_close_in_new_york_across_dst_start) {
  const auto j = job("30 16 * * 1-5", "America/New_York");
  BOOST_TEST(j.zone_name() == "America/New_York");
  // Friday 2026-03-06, EST (UTC-5): 21:30 UTC.
  BOOST_TEST(j.next_after(utc(2026, 3, 6)) == utc(2026, 3, 6, 21, 30));
  // Weekend skipped; Monday 2026-03-09 is EDT (UTC-4): 20:30 UTC.
  BOOST_TEST(j.next_after(utc(2026, 3, 6, 21, 30)) == utc(2026, 3, 9, 20, 30));
  BOOST_TEST(j.next_after(utc(2026, 3, 6, 21, 29, 59) + 999) == utc(2026, 3, 6, 21, 30));
}

BOOST_AUTO_TEST_CASE(crypto_midnight_in_utc) {
  const auto j = job("0 0 * * *");
  BOOST_TEST(j.next_after(utc(2026, 3, 6, 12)) == utc(2026, 3, 7));
  BOOST_TEST(j.next_after(utc(2026, 3, 7)) == utc(2026, 3, 8));  // strictly after
  BOOST_TEST(j.next_after(utc(2026, 12, 31, 23, 59)) == utc(2027, 1, 1));
  BOOST_TEST(job("0 0 * * *", "Etc/UTC").next_after(utc(2026, 3, 6)) == utc(2026, 3, 7));
}

BOOST_AUTO_TEST_CASE(new_york_spring_gap_fires_at_the_transition) {
  const auto j = job("30 2 * * *", "America/New_York");
  BOOST_TEST(j.next_after(utc(2026, 3, 6, 12)) == utc(2026, 3, 7, 7, 30));  // 02:30 EST
  // 02:30 does not exist on 2026-03-08: 03:00 EDT, the first valid instant.
  BOOST_TEST(j.next_after(utc(2026, 3, 7, 12)) == utc(2026, 3, 8, 7, 0));
  BOOST_TEST(j.next_after(utc(2026, 3, 8, 7, 0)) == utc(2026, 3, 9, 6, 30));  // 02:30 EDT
  // A job at 03:00 and the gap's jobs land on one instant: fired once.
  const auto k = job("0,30 2,3 * * *", "America/New_York");
  BOOST_TEST(firings(k, utc(2026, 3, 8, 6), utc(2026, 3, 8, 8)) ==
             (std::vector<int64_t>{utc(2026, 3, 8, 7, 0), utc(2026, 3, 8, 7, 30)}));
}

BOOST_AUTO_TEST_CASE(new_york_fall_back_fires_once) {
  const auto j = job("30 1 * * *", "America/New_York");
  // 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST): first only.
  BOOST_TEST(j.next_after(utc(2026, 10, 31, 12)) == utc(2026, 11, 1, 5, 30));
  BOOST_TEST(j.next_after(utc(2026, 11, 1, 5, 30)) == utc(2026, 11, 2, 6, 30));
  // Asked from inside the second pass, the repeated time is not fired again.
  BOOST_TEST(j.next_after(utc(2026, 11, 1, 6, 0)) == utc(2026, 11, 2, 6, 30));
}

BOOST_AUTO_TEST_CASE(london_gap_and_overlap) {
  const auto j = job("30 1 * * *", "Europe/London");
  // 2026-03-29 01:00 GMT -> 02:00 BST: 01:30 missing, fires at 01:00 UTC.
  BOOST_TEST(j.next_after(utc(2026, 3, 28, 12)) == utc(2026, 3, 29, 1, 0));
  BOOST_TEST(j.next_after(utc(2026, 3, 29, 1, 0)) == utc(2026, 3, 30, 0, 30));
  // 2026-10-25 02:00 BST -> 01:00 GMT: 01:30 BST (00:30 UTC) only.
  BOOST_TEST(j.next_after(utc(2026, 10, 24, 12)) == utc(2026, 10, 25, 0, 30));
  BOOST_TEST(j.next_after(utc(2026, 10, 25, 0, 30)) == utc(2026, 10, 26, 1, 30));
}

BOOST_AUTO_TEST_CASE(wildcard_jobs_keep_real_time_across_changes) {
  const auto hourly = job("0 * * * *", "America/New_York");
  // Fall back: 00:00 EDT, 01:00 EDT, 01:00 EST, 02:00 EST: every real hour.
  BOOST_TEST(firings(hourly, utc(2026, 11, 1, 3, 30), utc(2026, 11, 1, 7, 30)) ==
             (std::vector<int64_t>{utc(2026, 11, 1, 4), utc(2026, 11, 1, 5), utc(2026, 11, 1, 6),
                                   utc(2026, 11, 1, 7)}));
  // Spring forward: 01:00 EST then 03:00 EDT, one real hour apart.
  BOOST_TEST(firings(hourly, utc(2026, 3, 8, 5, 30), utc(2026, 3, 8, 8, 30)) ==
             (std::vector<int64_t>{utc(2026, 3, 8, 6), utc(2026, 3, 8, 7), utc(2026, 3, 8, 8)}));
  const auto half = job("30 * * * *", "America/New_York");  // no extra firing at 03:00
  BOOST_TEST(firings(half, utc(2026, 3, 8, 6), utc(2026, 3, 8, 8)) ==
             (std::vector<int64_t>{utc(2026, 3, 8, 6, 30), utc(2026, 3, 8, 7, 30)}));
  const auto q = job("*/15 * * * *", "America/New_York");
  const auto f = firings(q, utc(2026, 11, 1, 4), utc(2026, 11, 1, 8));
  BOOST_TEST(f.size() == 16u);
  for (size_t i = 1; i < f.size(); ++i) BOOST_TEST(f[i] - f[i - 1] == 15 * 60000);
}

BOOST_AUTO_TEST_CASE(dst_days_match_a_brute_force_oracle) {
  struct Case {
    const char* expr;
    bool wild;
    Pred match;
  };
  const std::vector<Case> cases = {
      {"30 2 * * *", false, [](int mi, int h, int, int, int) { return mi == 30 && h == 2; }},
      {"30 1 * * *", false, [](int mi, int h, int, int, int) { return mi == 30 && h == 1; }},
      {"0,30 0-3 * * *", false, [](int mi, int h, int, int, int) { return mi % 30 == 0 && h <= 3; }},
      {"45 1,2 * * 0", false, [](int mi, int h, int, int, int dow) { return mi == 45 && (h == 1 || h == 2) && dow == 0; }},
      {"0 0 * * *", false, [](int mi, int h, int, int, int) { return mi == 0 && h == 0; }},
      {"*/15 * * * *", true, [](int mi, int, int, int, int) { return mi % 15 == 0; }},
      {"0 * * * *", true, [](int mi, int, int, int, int) { return mi == 0; }},
      {"*/10 1-3 * * *", true, [](int mi, int h, int, int, int) { return mi % 10 == 0 && h >= 1 && h <= 3; }},
      {"* 2 * * *", true, [](int, int h, int, int, int) { return h == 2; }},
      {"0,30 0,23 * * *", false, [](int mi, int h, int, int, int) { return mi % 30 == 0 && (h == 0 || h == 23); }},
      {"*/20 23 * * 6", true, [](int mi, int h, int, int, int dow) { return mi % 20 == 0 && h == 23 && dow == 6; }},
      {"0 0 5,6 4,9 *", false, [](int mi, int h, int dom, int mon, int) {
         return mi == 0 && h == 0 && (dom == 5 || dom == 6) && (mon == 4 || mon == 9); }},
  };
  struct Window {
    const char* tz;
    int64_t from, to;
  };
  const std::vector<Window> windows = {
      {"America/New_York", utc(2026, 3, 7), utc(2026, 3, 10)},
      {"America/New_York", utc(2026, 10, 31), utc(2026, 11, 3)},
      {"Europe/London", utc(2026, 3, 28), utc(2026, 3, 31)},
      {"Europe/London", utc(2026, 10, 24), utc(2026, 10, 27)},
      {"Australia/Lord_Howe", utc(2026, 4, 3), utc(2026, 4, 6)},  // 30-minute change
      {"Australia/Lord_Howe", utc(2026, 10, 2), utc(2026, 10, 5)},
      {"America/Santiago", utc(2026, 4, 3), utc(2026, 4, 7)},  // 24:00 -> 23:00
      {"America/Santiago", utc(2026, 9, 4), utc(2026, 9, 8)},  // 24:00 -> 01:00: midnight missing
      {"America/Havana", utc(2026, 3, 7), utc(2026, 3, 10)},
      {"Asia/Kolkata", utc(2026, 3, 7), utc(2026, 3, 10)},  // no DST, +05:30
  };
  for (const auto& w : windows)
    for (const auto& c : cases) {
      const auto j = job(c.expr, w.tz);
      BOOST_TEST(firings(j, w.from, w.to) == oracle(c.match, c.wild, w.tz, w.from, w.to),
                 c.expr << " in " << w.tz << " from " << w.from);
    }
}

BOOST_AUTO_TEST_CASE(steps_lists_ranges_and_names) {
  const int64_t h0 = utc(2026, 3, 4, 10);
  auto minutes_of = [&](const char* expr) {
    std::vector<int> out;
    for (int64_t t : firings(job(expr), h0 - 1, h0 + 3600000 - 1)) out.push_back(int((t - h0) / 60000));
    return out;
  };
  BOOST_TEST(minutes_of("*/15 * * * *") == (std::vector<int>{0, 15, 30, 45}));
  BOOST_TEST(minutes_of("1-30/5 * * * *") == (std::vector<int>{1, 6, 11, 16, 21, 26}));
  BOOST_TEST(minutes_of("5,10,50-52 * * * *") == (std::vector<int>{5, 10, 50, 51, 52}));
  BOOST_TEST(minutes_of("15/20 * * * *") == (std::vector<int>{15, 35, 55}));
  BOOST_TEST(minutes_of("59,0 * * * *") == (std::vector<int>{0, 59}));
  const auto hours = firings(job("0 9-17/4 * * *"), utc(2026, 3, 4), utc(2026, 3, 5) - 1);
  BOOST_TEST(hours == (std::vector<int64_t>{utc(2026, 3, 4, 9), utc(2026, 3, 4, 13), utc(2026, 3, 4, 17)}));
  // Names, any case; weekday ranges by name.
  const auto n = job("0 12 * jan,JUL Mon-fri");
  BOOST_TEST(n.next_after(utc(2026, 3, 4)) == utc(2026, 7, 1, 12));  // a Wednesday
  BOOST_TEST(n.next_after(utc(2026, 7, 3, 12)) == utc(2026, 7, 6, 12));  // Fri -> Mon
  // 0 and 7 are both Sunday; 5-7 is Fri, Sat, Sun.
  BOOST_TEST(job("0 0 * * 0").next_after(utc(2026, 3, 4)) == utc(2026, 3, 8));
  BOOST_TEST(job("0 0 * * 7").next_after(utc(2026, 3, 4)) == utc(2026, 3, 8));
  BOOST_TEST(firings(job("0 0 * * 5-7"), utc(2026, 3, 4), utc(2026, 3, 11)) ==
             (std::vector<int64_t>{utc(2026, 3, 6), utc(2026, 3, 7), utc(2026, 3, 8)}));
  // Macros.
  BOOST_TEST(job("@daily").next_after(utc(2026, 3, 4, 1)) == utc(2026, 3, 5));
  BOOST_TEST(job("@hourly").next_after(utc(2026, 3, 4, 1, 1)) == utc(2026, 3, 4, 2));
  BOOST_TEST(job("@weekly").next_after(utc(2026, 3, 4)) == utc(2026, 3, 8));  // Sunday
  BOOST_TEST(job("@monthly").next_after(utc(2026, 3, 4)) == utc(2026, 4, 1));
  BOOST_TEST(job("@yearly").next_after(utc(2026, 3, 4)) == utc(2027, 1, 1));
  BOOST_TEST(job("  0\t0  * * *  ").next_after(utc(2026, 3, 4, 1)) == utc(2026, 3, 5));
}

BOOST_AUTO_TEST_CASE(day_of_month_or_day_of_week) {
  // Both restricted: the 13th OR a Friday. April 2026: Fri 3, 10, Mon 13, Fri 17.
  BOOST_TEST(firings(job("0 0 13 * 5"), utc(2026, 4, 1), utc(2026, 4, 17)) ==
             (std::vector<int64_t>{utc(2026, 4, 3), utc(2026, 4, 10), utc(2026, 4, 13), utc(2026, 4, 17)}));
  // One side `*`: only the other counts.
  BOOST_TEST(firings(job("0 0 * * 5"), utc(2026, 4, 1), utc(2026, 4, 17)) ==
             (std::vector<int64_t>{utc(2026, 4, 3), utc(2026, 4, 10), utc(2026, 4, 17)}));
  BOOST_TEST(firings(job("0 0 13 * *"), utc(2026, 4, 1), utc(2026, 5, 1)) == (std::vector<int64_t>{utc(2026, 4, 13)}));
  // Vixie's first-character rule: `*/2` counts as `*`, so BOTH must match
  // (odd days that are Mondays: 13 and 27 April 2026) ...
  BOOST_TEST(firings(job("0 0 */2 * 1"), utc(2026, 4, 1), utc(2026, 4, 30)) ==
             (std::vector<int64_t>{utc(2026, 4, 13), utc(2026, 4, 27)}));
  // ... while the same days written as a range are restricted: EITHER.
  const auto either = firings(job("0 0 1-31/2 * 1"), utc(2026, 4, 1), utc(2026, 4, 8));
  BOOST_TEST(either == (std::vector<int64_t>{utc(2026, 4, 3), utc(2026, 4, 5), utc(2026, 4, 6), utc(2026, 4, 7)}));
}

BOOST_AUTO_TEST_CASE(february_29_and_long_searches) {
  const auto j = job("0 0 29 2 *");
  BOOST_TEST(j.next_after(utc(2026, 3, 1)) == utc(2028, 2, 29));
  BOOST_TEST(j.next_after(utc(2028, 2, 29)) == utc(2032, 2, 29));
  BOOST_TEST(j.next_after(utc(2096, 3, 1)) == utc(2104, 2, 29));  // 2100 is not a leap year
  // Feb 29 that is also a Sunday (`*/7` is Sunday and counts as `*`: AND).
  const auto k = job("0 0 29 2 */7");
  BOOST_TEST(k.next_after(utc(2026, 1, 1)) == utc(2032, 2, 29));
  BOOST_TEST(k.next_after(utc(2032, 2, 29)) == utc(2060, 2, 29));  // 28 years later
  // Restricted weekday: EITHER rule, so Mondays in February fire too.
  BOOST_TEST(job("0 0 31 2 1").next_after(utc(2026, 1, 1)) == utc(2026, 2, 2));
  BOOST_TEST(job("0 0 31 */2 *").next_after(utc(2026, 1, 31)) == utc(2026, 3, 31));
  // Outside the supported years: no answer instead of overflow.
  BOOST_TEST(j.next_after(INT64_MAX) == kNeverMs);
  BOOST_TEST(j.next_after(INT64_MIN) == kNeverMs);
  BOOST_TEST(job("0 0 * * *").next_after(utc(8999, 12, 31, 12)) == utc(9000, 1, 1));
}

BOOST_AUTO_TEST_CASE(bad_expressions_give_clear_errors) {
  auto has = [](const std::string& msg, std::initializer_list<const char*> parts) {
    for (const char* p : parts)
      if (msg.find(p) == std::string::npos) return false;
    return true;
  };
  struct Bad {
    const char* expr;
    std::initializer_list<const char*> says;
  };
  const Bad bad[] = {
      {"", {"empty expression"}},
      {"   \t ", {"empty expression"}},
      {"* * * * * *", {"expected 5 fields", "got 6"}},
      {"* * * *", {"got 4"}},
      {"61 * * * *", {"cron \"61 * * * *\"", "minute", "\"61\"", "0-59"}},
      {"*/0 * * * *", {"minute", "step \"0\""}},
      {"*/61 * * * *", {"minute", "step \"61\""}},
      {"a-b * * * *", {"minute", "\"a\"", "not a number"}},
      {"5-1 * * * *", {"minute", "reversed"}},
      {"1- * * * *", {"minute", "missing number"}},
      {"-1 * * * *", {"minute", "missing number"}},
      {"1,,2 * * * *", {"minute", "empty list element"}},
      {"1, * * * *", {"minute", "empty list element"}},
      {"99999999999999999999 * * * *", {"minute", "out of range"}},
      {"*/99999999999999 * * * *", {"minute", "step"}},
      {"* 24 * * *", {"hour", "\"24\""}},
      {"* * 0 * *", {"day-of-month", "\"0\"", "1-31"}},
      {"* * 32 * *", {"day-of-month", "\"32\""}},
      {"* * * 13 *", {"month", "\"13\"", "1-12"}},
      {"* * * 0 *", {"month", "\"0\""}},
      {"* * * foo *", {"month", "\"foo\"", "not a number or a name"}},
      {"* * * * 8", {"day-of-week", "\"8\"", "0-7"}},
      {"* * * * sunday", {"day-of-week", "\"sunday\""}},
      {"*/x * * * *", {"minute", "step \"x\""}},
      {"1/2/3 * * * *", {"minute", "step \"2/3\""}},
      {"*/ * * * *", {"minute", "step"}},
      {"+5 * * * *", {"minute", "\"+5\""}},
      {"\x01 * * * *", {"minute"}},
      {"@reboot", {"unknown macro"}},
      {"0 0 31 2 *", {"never fires", "\"31\"", "\"2\""}},
      {"0 0 30 2 *", {"never fires"}},
      {"0 0 30,31 2 *", {"never fires"}},
      {"0 0 31 4,6,9,11 *", {"never fires"}},
      {"0 0 31 2 */2", {"never fires"}},  // `*/2` weekday is AND: still never
  };
  for (const auto& b : bad) {
    const std::string msg = error_of(b.expr);
    BOOST_TEST(has(msg, b.says), "\"" << b.expr << "\" -> " << msg);
  }
  BOOST_TEST(has(error_of(std::string(2000, '*')), {"longer than"}));
  BOOST_TEST(has(error_of("0 0 * * *", "Mars/Olympus"), {"unknown time zone", "\"Mars/Olympus\""}));
  BOOST_TEST(has(error_of("0 0 * * *", "../../etc/passwd"), {"unknown time zone"}));
  BOOST_TEST(has(error_of("0 0 * * *", ""), {"empty time zone"}));
  BOOST_TEST(has(error_of("0 0 * * *", "america/new_york"), {"unknown time zone"}));  // names are exact
}

// Random junk: parse never crashes, and whatever parses answers quickly with
// a firing in the future (a hang would time the suite out).
BOOST_AUTO_TEST_CASE(random_input_never_crashes_or_hangs) {
  std::mt19937 rng(7);
  const std::string alphabet = "0123456789*/-,  \tMONjanSuN@x";
  const char* zones[] = {"UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe"};
  int parsed = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string expr;
    const size_t len = rng() % 24;
    for (size_t k = 0; k < len; ++k) expr += alphabet[rng() % alphabet.size()];
    if (i % 2) {  // half of them shaped like five fields, to get past the count
      const char* parts[] = {"*", "*/7", "1-5", "0", "59", "13", "2", "31", "7", "3,4", "5/9", "29"};
      expr.clear();
      for (int f = 0; f < 5; ++f) expr += std::string(f ? " " : "") + parts[rng() % std::size(parts)];
    }
    auto r = parse_cron(expr, zones[rng() % std::size(zones)]);
    if (!r.ok()) {
      BOOST_TEST(!r.error().message.empty());
      continue;
    }
    ++parsed;
    const int64_t t = utc(2026, 1, 1) + int64_t(rng() % 1000) * 86400000;
    const int64_t n = r->next_after(t);
    BOOST_TEST((n > t && n < utc(2100, 1, 1)), expr << " in " << r->zone_name());
  }
  BOOST_TEST(parsed > 100);
}
