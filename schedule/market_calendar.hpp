#pragma once
// Which days an exchange trades: weekends and listed holidays are closed
// (NYSE's list for 2025-2028 ships in config/nyse_holidays.toml). Crypto
// trades every day (always_open). Early closes (13:00) count as trading days.
//
// The equity job's cron (`30 16 * * 1-5`, America/New_York) fires on every
// weekday; the shell asks is_trading_day(local_date(now, zone)) first and
// skips holidays: no job, no stale recommendations.
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "config/breakout_config.hpp"

namespace tn {

class MarketCalendar {
 public:
  // Saturdays, Sundays and the given days closed.
  static MarketCalendar with_holidays(std::vector<CivilDate> holidays);
  // Every day a trading day (crypto).
  static MarketCalendar always_open();

  bool is_trading_day(const CivilDate& d) const;
  // The last trading day strictly before d.
  CivilDate previous_trading_day(const CivilDate& d) const;
  // True when the holiday list has a date in `year` (a list that has run out
  // should be renewed: the node can warn instead of trading on a holiday).
  bool covers_year(int32_t year) const;

 private:
  MarketCalendar() = default;
  bool weekends_closed_ = false;
  std::vector<CivilDate> holidays_;  // sorted, unique
};

// Saturday = 6, Sunday = 0 (as cron counts).
int weekday_of(const CivilDate& d);

// The calendar date at utc_ms in IANA zone `tz` ("America/New_York", "UTC").
// invalid_input for an unknown zone.
Result<CivilDate> local_date(int64_t utc_ms, std::string_view tz);

}  // namespace tn
