#include "notify/svg_chart.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "common/time.hpp"
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

// Decimals that show x (a multiple of a round step) exactly, at most 3.
int decimals_for(double x) {
  int d = 0;
  for (double scaled = std::abs(x); d < 3 && std::abs(scaled - std::round(scaled)) > 1e-6 * std::max(1.0, scaled);
       scaled *= 10)
    ++d;
  return d;
}

enum class TimeUnit { hour, day, month, year };
struct TimeStep {
  TimeUnit unit;
  int n;
  int64_t approx_ms;
};

date::sys_time<std::chrono::milliseconds> utc_time(int64_t ms) {
  return date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms));
}
int64_t ms_of(date::sys_days d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d.time_since_epoch()).count();
}

std::string time_label(int64_t t, TimeUnit unit) {
  switch (unit) {
    case TimeUnit::hour: return date::format("%m-%d %H:%M", date::floor<std::chrono::minutes>(utc_time(t)));
    case TimeUnit::day: return date::format("%Y-%m-%d", date::floor<date::days>(utc_time(t)));
    case TimeUnit::month: return date::format("%b %Y", date::floor<date::days>(utc_time(t)));
    case TimeUnit::year: return date::format("%Y", date::floor<date::days>(utc_time(t)));
  }
  return {};
}

// Ticks of one step inside [t0, t1]; the caller bounds their number.
std::vector<int64_t> ticks_of(const TimeStep& s, int64_t t0, int64_t t1) {
  std::vector<int64_t> out;
  if (s.unit == TimeUnit::hour || s.unit == TimeUnit::day) {
    const int64_t step = s.approx_ms;
    for (int64_t t = boundary_after(t0 - 1, step); t <= t1; t += step) out.push_back(t);
    return out;
  }
  const date::year_month_day first{date::floor<date::days>(utc_time(t0))};
  date::year_month ym{first.year(), first.month()};
  if (s.unit == TimeUnit::year) ym = {first.year(), date::January};
  const date::months step{s.unit == TimeUnit::year ? 12 * s.n : s.n};
  for (;; ym += date::months{1}) {
    const int64_t t = ms_of(date::sys_days{ym / 1});
    if (t > t1) break;
    const int months = static_cast<int>(ym.year()) * 12 + static_cast<int>(static_cast<unsigned>(ym.month())) - 1;
    if (t >= t0 && months % step.count() == 0) out.push_back(t);
  }
  return out;
}

}  // namespace

ValueTicks value_ticks(double lo, double hi, bool percent, int target) {
  ValueTicks out;
  if (!std::isfinite(lo) || !std::isfinite(hi)) return out;
  if (hi < lo) std::swap(lo, hi);
  if (hi - lo < 1e-12) {
    const double pad = std::abs(lo) > 0 ? std::abs(lo) * 0.01 : 1.0;
    lo -= pad, hi += pad;
  }
  const double raw = (hi - lo) / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
  out.lo = std::floor(lo / step + 1e-9) * step;
  out.hi = std::ceil(hi / step - 1e-9) * step;
  const double scale = percent ? 100.0
                       : std::max(std::abs(out.lo), std::abs(out.hi)) >= 1e6 ? 1e-6
                       : std::max(std::abs(out.lo), std::abs(out.hi)) >= 1e3 ? 1e-3
                                                                             : 1.0;
  const char* suffix = percent ? "%" : scale == 1e-6 ? "M" : scale == 1e-3 ? "k" : "";
  const int decimals = decimals_for(step * scale);
  const int n = static_cast<int>(std::llround((out.hi - out.lo) / step));
  for (int i = 0; i <= n; ++i) {
    const double v = out.lo + step * i;
    std::string label = format_number(v * scale, decimals) + suffix;  // 1M, 1.5M: no trailing zeros
    if (std::abs(v * scale) < 0.5 * std::pow(10.0, -decimals)) label = percent ? "0%" : "0";
    out.ticks.emplace_back(v, std::move(label));
  }
  return out;
}

ValueTicks log_value_ticks(double lo, double hi) {
  ValueTicks out;
  if (!(lo > 0) || !std::isfinite(hi) || hi < lo) return out;
  out.lo = lo / 1.05, out.hi = hi * 1.05;
  const int first = static_cast<int>(std::floor(std::log10(out.lo)));
  const int last = static_cast<int>(std::ceil(std::log10(out.hi)));
  const bool wide = std::log10(out.hi / out.lo) > 3;  // 1, 2, 5 would be too many
  const std::vector<double> mantissas = wide ? std::vector<double>{1} : std::vector<double>{1, 2, 5};
  for (int e = first; e <= last; ++e) {
    for (double m : mantissas) {
      const double v = m * std::pow(10.0, e);
      if (v < out.lo || v > out.hi) continue;
      const double scale = v >= 1e6 ? 1e-6 : v >= 1e3 ? 1e-3 : 1.0;
      out.ticks.emplace_back(v, format_number(v * scale, decimals_for(v * scale)) +
                                    (scale == 1e-6 ? "M" : scale == 1e-3 ? "k" : ""));
    }
  }
  return out;
}

std::vector<std::pair<int64_t, std::string>> time_ticks(int64_t t0, int64_t t1, int max_ticks) {
  static const TimeStep kSteps[] = {
      {TimeUnit::hour, 1, kHourMs},       {TimeUnit::hour, 3, 3 * kHourMs},
      {TimeUnit::hour, 6, 6 * kHourMs},   {TimeUnit::hour, 12, 12 * kHourMs},
      {TimeUnit::day, 1, kDayMs},         {TimeUnit::day, 2, 2 * kDayMs},
      {TimeUnit::day, 7, kWeekMs},        {TimeUnit::day, 14, 2 * kWeekMs},
      {TimeUnit::month, 1, 30 * kDayMs},  {TimeUnit::month, 2, 61 * kDayMs},
      {TimeUnit::month, 3, 91 * kDayMs},  {TimeUnit::month, 6, 182 * kDayMs},
      {TimeUnit::year, 1, 365 * kDayMs},  {TimeUnit::year, 2, 730 * kDayMs},
      {TimeUnit::year, 5, 1826 * kDayMs}, {TimeUnit::year, 10, 3652 * kDayMs},
      {TimeUnit::year, 20, 7305 * kDayMs}, {TimeUnit::year, 50, 18262 * kDayMs},
      {TimeUnit::year, 100, 36525 * kDayMs}};
  std::vector<std::pair<int64_t, std::string>> out;
  t0 = clamp_time_ms(t0), t1 = clamp_time_ms(t1);
  if (t1 > t0) {
    for (const TimeStep& s : kSteps) {
      if ((t1 - t0) / s.approx_ms > max_ticks) continue;  // too many: a coarser step
      for (int64_t t : ticks_of(s, t0, t1)) out.emplace_back(t, time_label(t, s.unit));
      if (static_cast<int>(out.size()) > max_ticks) out.clear();  // a month is not 30 days
      else break;
    }
  }
  if (out.size() < 2) {  // too short (or too long) for round steps: both ends
    out.clear();
    out.emplace_back(t0, format_date(t0));
    if (t1 > t0) out.emplace_back(t1, format_date(t1));
  }
  return out;
}

std::string svg_chart(const std::vector<ChartSeries>& series, const ChartStyle& st) {
  constexpr int kLeft = 64, kRight = 32, kTop = 26, kBottom = 22;
  const int pw = std::max(10, st.width - kLeft - kRight), ph = std::max(10, st.height - kTop - kBottom);
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "role=\"img\" aria-label=\"{2}\" style=\"font-family:sans-serif;font-size:11px;max-width:100%;height:auto\">"
      "<rect width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>"
      "<text x=\"{3}\" y=\"15\" font-size=\"13\" font-weight=\"bold\">{2}</text>",
      st.width, st.height, escape_html(st.title), kLeft);
  std::vector<std::vector<ChartPoint>> lines;
  int64_t t0 = INT64_MAX, t1 = INT64_MIN;
  double lo = INFINITY, hi = -INFINITY;
  bool zero = false;
  for (const ChartSeries& s : series) {
    lines.push_back(thin(s.points, static_cast<size_t>(pw)));
    for (const ChartPoint& p : lines.back()) {
      t0 = std::min(t0, p.time_ms), t1 = std::max(t1, p.time_ms);
      lo = std::min(lo, p.value), hi = std::max(hi, p.value);
    }
    zero = zero || (s.fill_to_zero && !lines.back().empty());
  }
  if (t0 > t1) return svg + fmt::format("<text x=\"{}\" y=\"{}\">no data</text></svg>", kLeft, kTop + ph / 2);
  if (zero) lo = std::min(lo, 0.0), hi = std::max(hi, 0.0);
  const bool log = st.log_scale && lo > 0 && hi > lo;
  const ValueTicks vt = log ? log_value_ticks(lo, hi) : value_ticks(lo, hi, st.percent);
  const double tspan = std::max(1.0, static_cast<double>(t1 - t0));
  auto x = [&](int64_t t) { return kLeft + static_cast<double>(t - t0) / tspan * pw; };
  auto y = [&](double v) {
    if (log) return kTop + std::log(vt.hi / v) / std::log(vt.hi / vt.lo) * ph;
    return kTop + (vt.hi - v) / (vt.hi - vt.lo) * ph;
  };
  for (const auto& [v, label] : vt.ticks)
    svg += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#eaeef2\"/>"
                       "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>",
                       kLeft, kLeft + pw, y(v), kLeft - 4, y(v) + 4, escape_html(label));
  for (const auto& [t, label] : time_ticks(t0, t1))
    svg += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#eaeef2\"/>"
                       "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>",
                       x(t), kTop, kTop + ph + 4, st.height - 6, escape_html(label));
  svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#d0d7de\"/>",
                     kLeft, kTop, pw, ph);
  double legend_x = kLeft + pw;
  for (size_t i = series.size(); i-- > 0;) {  // right-aligned, first series leftmost
    const ChartSeries& s = series[i];
    if (lines[i].empty()) continue;
    std::string line;
    for (const auto& p : lines[i]) line += fmt::format("{:.1f},{:.1f} ", x(p.time_ms), y(p.value));
    if (s.fill_to_zero)
      svg += fmt::format("<polygon points=\"{:.1f},{:.1f} {}{:.1f},{:.1f}\" fill=\"{}\" fill-opacity=\"0.25\"/>",
                         x(lines[i].front().time_ms), y(0), line, x(lines[i].back().time_ms), y(0),
                         escape_html(s.stroke));
    const char* dash = s.dashed ? " stroke-dasharray=\"5,3\"" : "";
    svg += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"{}/>", line,
                       escape_html(s.stroke), dash);
    if (s.label.empty()) continue;
    legend_x -= 7.0 * static_cast<double>(s.label.size()) + 30;
    svg += fmt::format("<line x1=\"{0:.0f}\" x2=\"{1:.0f}\" y1=\"11\" y2=\"11\" stroke=\"{2}\" stroke-width=\"2\"{3}/>"
                       "<text x=\"{4:.0f}\" y=\"15\">{5}</text>",
                       legend_x, legend_x + 18, escape_html(s.stroke), dash, legend_x + 22, escape_html(s.label));
  }
  return svg + "</svg>";
}

std::string svg_line_chart(const std::vector<ChartPoint>& points, const ChartStyle& st) {
  return svg_chart({ChartSeries{"", st.stroke, points, st.fill_to_zero, false}}, st);
}

}  // namespace tn::notify
