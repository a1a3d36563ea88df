#include "schedule/market_calendar.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>

#include <date/tz.h>

namespace tn {

MarketCalendar MarketCalendar::with_holidays(std::vector<CivilDate> holidays) {
  MarketCalendar c;
  c.weekends_closed_ = true;
  std::sort(holidays.begin(), holidays.end());
  holidays.erase(std::unique(holidays.begin(), holidays.end()), holidays.end());
  c.holidays_ = std::move(holidays);
  return c;
}

MarketCalendar MarketCalendar::always_open() { return MarketCalendar(); }

int weekday_of(const CivilDate& d) {
  const int64_t days = days_from_civil(d);  // 1970-01-01 was a Thursday (4)
  return static_cast<int>(((days % 7) + 7 + 4) % 7);
}

bool MarketCalendar::is_trading_day(const CivilDate& d) const {
  if (!weekends_closed_) return true;
  const int wd = weekday_of(d);
  if (wd == 0 || wd == 6) return false;
  return !std::binary_search(holidays_.begin(), holidays_.end(), d);
}

CivilDate MarketCalendar::previous_trading_day(const CivilDate& d) const {
  int64_t day = days_from_civil(d) - 1;
  // At most a weekend plus a few holidays in a row; the bound only guards
  // against a hostile list closing every day.
  for (int i = 0; i < 400 && !is_trading_day(civil_from_days(day)); ++i) --day;
  return civil_from_days(day);
}

bool MarketCalendar::covers_year(int32_t year) const {
  if (!weekends_closed_) return true;
  return std::any_of(holidays_.begin(), holidays_.end(),
                     [&](const CivilDate& h) { return h.year == year; });
}

Result<CivilDate> local_date(int64_t utc_ms, std::string_view tz) {
  const int64_t utc_days = days_from_ms(utc_ms);
  if (tz == "UTC") return civil_from_days(utc_days);
  try {
    const date::time_zone* zone = date::locate_zone(std::string(tz));
    const date::sys_time<std::chrono::milliseconds> t{std::chrono::milliseconds(utc_ms)};
    const auto local = zone->to_local(t);
    const auto days = std::chrono::floor<date::days>(local);
    return civil_from_days(days.time_since_epoch().count());
  } catch (const std::exception& e) {
    return make_error(Errc::invalid_input, "time zone \"" + std::string(tz) + "\": " + e.what());
  }
}

}  // namespace tn
