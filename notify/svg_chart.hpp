#pragma once
// Line charts as inline SVG (no script, no external file): readable offline
// in a browser and in mail clients that show SVG. Used for the equity curve
// of the daily report and the equity/drawdown of the backtest report.
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
  std::string stroke = "#1f6feb";
  bool fill_to_zero = false;   // area between the line and 0 (drawdown)
  bool percent = false;        // axis labels as percent of 1.0
};

// Points must be in time order; non-finite values are skipped. Long series
// are thinned to at most ~2 points per horizontal pixel (min and max of each
// bucket, so spikes stay visible). No points: a chart saying "no data".
std::string svg_line_chart(const std::vector<ChartPoint>& points, const ChartStyle& style);

// The running drawdown of an equity series: value / running peak - 1 (<= 0).
std::vector<ChartPoint> drawdown_series(const std::vector<ChartPoint>& equity);

}  // namespace tn::notify
