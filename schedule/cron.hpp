#pragma once
// Cron jobs in a named IANA time zone: `30 16 * * 1-5` in America/New_York
// (US equities' close), `0 0 * * *` in UTC (crypto's daily bar).
//
// Syntax: five fields, minute hour day-of-month month day-of-week, each a
// comma list of `*`, `N`, `A-B`, `*/S`, `A-B/S` or `N/S` (= N-max/S).
// Months and weekdays also take names (jan..dec, sun..sat, any case).
// Day-of-week is 0-7 with 0 and 7 both Sunday. The macros @yearly
// (@annually), @monthly, @weekly, @daily (@midnight) and @hourly expand to
// their usual five fields.
//
// Semantics follow Vixie cron (Debian's cron), so a crontab line behaves the
// same here as it does there:
//  - day rule: when day-of-month and day-of-week both start with something
//    other than `*`, a day matches if EITHER matches; if one of them starts
//    with `*` (`*`, `*/2`, ...) BOTH must match. (Vixie tests the first
//    character; note `*/2` therefore counts as unrestricted.)
//  - daylight saving, for a "fixed" job (minute and hour fields not starting
//    with `*`, e.g. `30 2 * * *`):
//      * a local time skipped by a spring-forward gap fires at the first
//        valid instant after the gap, i.e. at the transition (02:30 on
//        2026-03-08 in New York fires at 03:00 EDT = 07:00 UTC);
//      * a local time that happens twice (fall back) fires once, at its first
//        occurrence (01:30 on 2026-11-01 in New York fires at 01:30 EDT).
//    A "wildcard" job (minute or hour starting with `*`, e.g. `*/15 * * * *`,
//    `0 * * * *`) runs by the clock instead: local times in a gap do not
//    exist and are skipped, repeated local times fire in both passes, so
//    "every 15 minutes" stays every 15 real minutes across a change.
// Expressions that can never fire (`0 0 31 2 *`) are rejected by parse_cron.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/error.hpp"

namespace date {
class time_zone;  // <date/tz.h> stays out of this header (and its users)
}

namespace tn {

class CronJob {
 public:
  // The first firing strictly after utc_ms, in UTC ms. kNeverMs when utc_ms
  // is outside years 1900..9000 (or, defensively, nothing fires within the
  // 400-year Gregorian cycle, which parse_cron already rules out).
  // Cost: skips non-matching months and days; at most ~24 + 60 zone lookups
  // on a matching day.
  int64_t next_after(int64_t utc_ms) const;

  const std::string& expression() const { return expr_; }
  const std::string& zone_name() const { return zone_; }

 private:
  friend Result<CronJob> parse_cron(std::string_view expr, std::string_view tz);
  CronJob() = default;
  enum class Pass { first, second };  // which occurrence of a repeated local time
  int64_t scan(int64_t utc_ms, Pass pass) const;
  int64_t first_on_day(int64_t local_day, int64_t utc_ms, Pass pass) const;
  int64_t to_utc_ms(int64_t local_day, int hour, int minute, Pass pass) const;
  bool day_matches(int dom, int dow) const;

  std::string expr_, zone_;
  // Bit i set = value i allowed. dow_ uses 0..6 (7 folded onto 0).
  uint64_t minutes_ = 0, hours_ = 0, dom_ = 0, months_ = 0, dow_ = 0;
  bool dom_star_ = false, dow_star_ = false;  // field starts with '*' (day rule)
  bool wild_ = false;                         // minute or hour starts with '*' (DST rule)
  const date::time_zone* tz_ = nullptr;       // nullptr: UTC, no database needed
};

// Parses a five-field expression (or a macro) for time zone `tz` (IANA
// name, e.g. "America/New_York"; "UTC" needs no tzdata). invalid_input
// errors quote the expression, name the field and the bad token, e.g.
//   cron "61 * * * *": minute: "61" is out of range 0-59
Result<CronJob> parse_cron(std::string_view expr, std::string_view tz);

}  // namespace tn
