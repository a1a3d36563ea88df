#pragma once
// Shared by the breakout suites: real daily series from data/ and small
// synthetic ones with chosen closes.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include "market/bar_source.hpp"
#include "breakout/strategy.hpp"
#include "config/breakout_config.hpp"
#include "common/time.hpp"

namespace tn {  // printable in test messages
inline std::ostream& operator<<(std::ostream& o, BreakoutType t) { return o << breakout_type_name(t); }
inline std::ostream& operator<<(std::ostream& o, NoSignal r) { return o << no_signal_name(r); }
inline std::ostream& operator<<(std::ostream& o, Conviction c) { return o << conviction_name(c); }
inline std::ostream& operator<<(std::ostream& o, const CivilDate& d) { return o << format_civil_date(d); }
}  // namespace tn

namespace tn::test {

// data/<rel>, loaded and validated by the CSV loader; the first n bars when n > 0.
inline BarSeries real_series(const std::string& rel, size_t n = 0) {
  const char* dir = std::getenv("TN_DATA_DIR");
  BOOST_REQUIRE_MESSAGE(dir, "TN_DATA_DIR is not set (run through meson test)");
  auto r = load_csv_bars(std::string(dir) + "/" + rel, kDayMs);
  BOOST_REQUIRE_MESSAGE(r.ok(), rel + ": " + (r.ok() ? "" : r.error().to_string()));
  BarSeries s = std::move(r.value());
  if (n > 0 && n < s.size()) {
    for (auto* col : {&s.open, &s.high, &s.low, &s.close, &s.volume}) col->resize(n);
    s.open_time_ms.resize(n);
  }
  return s;
}

// Daily bars from closes: open = previous close, high/low = max/min(open, close) +- spread.
inline BarSeries series_of(const std::vector<double>& closes, int64_t first_day = 19000,
                           double spread = 1.0) {
  BarSeries s;
  for (size_t i = 0; i < closes.size(); ++i) {
    const double c = closes[i], o = i ? closes[i - 1] : c;
    s.open_time_ms.push_back((first_day + static_cast<int64_t>(i)) * kDayMs);
    s.open.push_back(o);
    s.high.push_back(std::max(o, c) + spread);
    s.low.push_back(std::min(o, c) - spread);
    s.close.push_back(c);
    s.volume.push_back(1);
  }
  return s;
}

// n closes rising by step from start: always above its SMA with positive ROC
// and a fresh 55-day high on the last bar.
inline std::vector<double> rising(size_t n, double start = 100, double step = 1) {
  std::vector<double> v;
  for (size_t i = 0; i < n; ++i) v.push_back(start + step * static_cast<double>(i));
  return v;
}

}  // namespace tn::test
