#pragma once
// Line charts as inline SVG (no script, no external file): readable offline
// in a browser and in mail clients that show SVG. Used for the equity curve
// of the daily report and the equity/drawdown of the backtest reports.
#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

namespace tn::notify {

// A point of a chart: a value in plain units at a time. Also the equity
// point of a stored daily report (daily_report.hpp), so its msgpack fields
// are part of that payload's schema.
struct ChartPoint {
  int64_t time_ms = 0;
  double value = 0;
  MSGPACK_DEFINE_MAP(time_ms, value);
};

struct ChartStyle {
  int width = 720, height = 240;
  std::string title;        // escaped by the chart
  std::string stroke = "#1f6feb";  // svg_line_chart's one series
  bool fill_to_zero = false;   // svg_line_chart: area between the line and 0 (drawdown)
  bool percent = false;        // value axis in percent of 1.0
  bool log_scale = false;      // value axis logarithmic (when every value is > 0)
};

struct ChartSeries {
  std::string label;  // in the legend (escaped); empty: not listed
  std::string stroke = "#1f6feb";
  std::vector<ChartPoint> points;
  bool fill_to_zero = false;
  bool dashed = false;
};

// Every series on one pair of axes: a time axis with dates at round steps
// (hours, days, weeks, months, years: at most 8 ticks), a value axis with
// round steps (1, 2, 2.5, 5 x 10^k) labelled 2.5k, 1.2M or 25%, or a
// logarithmic one (style.log_scale). Points
// must be in time order; non-finite values are skipped. Long series are
// thinned to at most ~2 points per horizontal pixel (min and max of each
// bucket, so spikes stay visible). No points: a chart saying "no data".
std::string svg_chart(const std::vector<ChartSeries>& series, const ChartStyle& style);
// One series in style.stroke.
std::string svg_line_chart(const std::vector<ChartPoint>& points, const ChartStyle& style);

// The axes' ticks, exposed for tests.
struct ValueTicks {
  double lo = 0, hi = 1;  // the axis range: the first and last tick
  std::vector<std::pair<double, std::string>> ticks;
};
ValueTicks value_ticks(double lo, double hi, bool percent, int target = 5);
// 1, 2, 5 x 10^k (only 10^k over more than three decades) inside [lo, hi]
// (lo > 0); the range is [lo, hi] itself, with a margin.
ValueTicks log_value_ticks(double lo, double hi);
std::vector<std::pair<int64_t, std::string>> time_ticks(int64_t t0, int64_t t1, int max_ticks = 8);

}  // namespace tn::notify
