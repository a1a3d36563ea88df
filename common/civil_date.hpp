#pragma once
// Calendar days (proleptic Gregorian, UTC) and their day numbers since
// 1970-01-01: the one copy of Howard Hinnant's civil algorithms, for every
// layer that names a date (holidays, report dates, CSV dates, log lines)
// without a time zone database.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/time.hpp"

namespace tn {

// A calendar day, comparable.
struct CivilDate {
  int32_t year = 1970;
  uint32_t month = 1, day = 1;
  friend bool operator==(const CivilDate&, const CivilDate&) = default;
  friend auto operator<=>(const CivilDate&, const CivilDate&) = default;
};

// "2025-01-01" -> CivilDate; invalid_input for anything else (bad day too).
Result<CivilDate> parse_civil_date(std::string_view text);
// The latest time parse_utc_time accepts: 9999-12-31 23:59:59.999 UTC.
inline constexpr int64_t kMaxUtcTimeMs = 253'402'300'799'999;
// A point in time a person types, in UTC: Unix milliseconds ("1609459200000"),
// a day ("2021-01-01", its midnight) or a day and time ("2021-01-01T12:30",
// "2021-01-01 12:30:15", "2021-01-01T12:30:15.250Z"; a trailing Z only).
// invalid_input naming the text for anything else, other zones included,
// and for times before 1970 or after kMaxUtcTimeMs.
Result<int64_t> parse_utc_time(std::string_view text);
// YYYY-MM-DD.
std::string format_civil_date(const CivilDate& d);
// Days since 1970-01-01 and back.
int64_t days_from_civil(const CivilDate& d);
CivilDate civil_from_days(int64_t days);
// The day a UTC time falls in (times before 1970 floor, not truncate).
inline int64_t days_from_ms(int64_t ms) { return (ms >= 0 ? ms : ms - (kDayMs - 1)) / kDayMs; }

}  // namespace tn
