#include "notify/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "notify/templates.hpp"

namespace tn::notify {

namespace {

std::vector<ChartPoint> thin(const std::vector<ChartPoint>& in, size_t buckets) {
  std::vector<ChartPoint> pts;
  for (const auto& p : in)
    if (std::isfinite(p.value)) pts.push_back(p);
  if (pts.size() <= 2 * buckets) return pts;
  std::vector<ChartPoint> out;
  const size_t per = (pts.size() + buckets - 1) / buckets;
  for (size_t b = 0; b < pts.size(); b += per) {
    const auto first = pts.begin() + static_cast<long>(b);
    const auto last = pts.begin() + static_cast<long>(std::min(b + per, pts.size()));
    auto [lo, hi] = std::minmax_element(first, last, [](const ChartPoint& a, const ChartPoint& c) {
      return a.value < c.value;
    });
    if (lo->time_ms <= hi->time_ms) out.insert(out.end(), {*lo, *hi});
    else out.insert(out.end(), {*hi, *lo});
  }
  return out;
}

std::string label(double v, bool percent) {
  return percent ? fmt::format("{:.1f}%", v * 100) : format_number(v, 2);
}

}  // namespace

std::string svg_line_chart(const std::vector<ChartPoint>& points, const ChartStyle& st) {
  constexpr int kLeft = 70, kRight = 10, kTop = 24, kBottom = 22;
  const int pw = std::max(10, st.width - kLeft - kRight), ph = std::max(10, st.height - kTop - kBottom);
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "role=\"img\" aria-label=\"{2}\" style=\"font-family:sans-serif;font-size:11px\">"
      "<rect width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>"
      "<text x=\"{3}\" y=\"15\" font-size=\"13\" font-weight=\"bold\">{2}</text>",
      st.width, st.height, escape_html(st.title), kLeft);
  const auto pts = thin(points, static_cast<size_t>(pw));
  if (pts.empty())
    return svg + fmt::format("<text x=\"{}\" y=\"{}\">no data</text></svg>", kLeft, kTop + ph / 2);
  double lo = pts[0].value, hi = pts[0].value;
  for (const auto& p : pts) lo = std::min(lo, p.value), hi = std::max(hi, p.value);
  if (st.fill_to_zero) lo = std::min(lo, 0.0), hi = std::max(hi, 0.0);
  if (hi - lo < 1e-12) hi = lo + (std::abs(lo) > 0 ? std::abs(lo) * 0.01 : 1.0);
  const double t0 = static_cast<double>(pts.front().time_ms);
  const double tspan = std::max(1.0, static_cast<double>(pts.back().time_ms) - t0);
  auto x = [&](const ChartPoint& p) { return kLeft + (static_cast<double>(p.time_ms) - t0) / tspan * pw; };
  auto y = [&](double v) { return kTop + (hi - v) / (hi - lo) * ph; };
  // frame, grid and labels
  svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#d0d7de\"/>",
                     kLeft, kTop, pw, ph);
  for (int i = 0; i <= 4; ++i) {
    const double v = lo + (hi - lo) * i / 4;
    svg += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#eaeef2\"/>"
                       "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>",
                       kLeft, kLeft + pw, y(v), kLeft - 4, y(v) + 4, label(v, st.percent));
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                     kLeft, st.height - 6, format_date(pts.front().time_ms), kLeft + pw,
                     st.height - 6, format_date(pts.back().time_ms));
  std::string line;
  for (const auto& p : pts) line += fmt::format("{:.1f},{:.1f} ", x(p), y(p.value));
  if (st.fill_to_zero)
    svg += fmt::format("<polygon points=\"{:.1f},{:.1f} {}{:.1f},{:.1f}\" fill=\"{}\" fill-opacity=\"0.25\"/>",
                       x(pts.front()), y(0), line, x(pts.back()), y(0), st.stroke);
  svg += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/></svg>",
                     line, st.stroke);
  return svg;
}

std::vector<ChartPoint> drawdown_series(const std::vector<ChartPoint>& equity) {
  std::vector<ChartPoint> out;
  double peak = 0;
  for (const auto& p : equity) {
    if (!std::isfinite(p.value)) continue;
    peak = std::max(peak, p.value);
    out.push_back({p.time_ms, peak > 0 ? p.value / peak - 1.0 : 0.0});
  }
  return out;
}

}  // namespace tn::notify
