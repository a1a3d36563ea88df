// Cuts many streams into windows of simulated time (see window_planner.hpp).
//
// Window length: with streams of timeframes tf_i, a window of W ms holds
// about W * sum_i(1/tf_i) bars, so
//   W = floor(target_bars / sum_i(1/tf_i)), rounded down to a multiple of the
//   smallest timeframe, and at least one smallest timeframe.
#include "actors/fetcher/window_planner.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/time.hpp"

namespace tn {
namespace {

constexpr int64_t kNoMore = std::numeric_limits<int64_t>::max();
// Cap on the window length (~31,700 years) so arithmetic never overflows.
constexpr int64_t kMaxWindowMs = 1'000'000'000'000'000;

int64_t choose_window_ms(const std::vector<const BarSource*>& sources, size_t target_bars) {
  int64_t min_tf = kNoMore;
  double bars_per_ms = 0;
  for (const BarSource* s : sources) {
    const int64_t tf = s->timeframe_ms();
    min_tf = std::min(min_tf, tf);
    bars_per_ms += 1.0 / static_cast<double>(tf);
  }
  if (min_tf <= 0) return 1;  // broken source; keep the planner total rather than divide by 0
  const double w = static_cast<double>(std::max<size_t>(target_bars, 1)) / bars_per_ms;
  // Whole multiples of min_tf; the epsilon keeps an exact quotient (e.g. 25
  // bars of 1h + 1d = exactly one day) from falling one step short.
  const double k = std::floor(w / static_cast<double>(min_tf) + 1e-9);
  const double max_k = static_cast<double>(kMaxWindowMs / min_tf);
  const int64_t steps =
      k < 1 ? 1 : (k > max_k ? static_cast<int64_t>(max_k) : static_cast<int64_t>(k));
  return std::max<int64_t>(steps, 1) * min_tf;
}

}  // namespace

WindowGrid WindowPlanner::grid_for(const std::vector<const BarSource*>& all, size_t target_bars) {
  int64_t first_close = kNoMore;
  for (const BarSource* s : all) first_close = std::min(first_close, s->next_close_ms());
  if (all.empty() || first_close == kNoMore) return {};
  WindowGrid g;
  g.window_ms = choose_window_ms(all, target_bars);
  g.origin_ms = floor_div(first_close, g.window_ms) * g.window_ms;
  return g;
}

WindowPlanner::WindowPlanner(std::vector<std::pair<uint32_t, std::unique_ptr<BarSource>>> sources,
                             WindowGrid grid, bool full_bars)
    : sources_(std::move(sources)), grid_(grid), full_bars_(full_bars) {
  std::sort(sources_.begin(), sources_.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
}

namespace {
std::vector<std::pair<uint32_t, std::unique_ptr<BarSource>>> numbered(
    std::vector<std::unique_ptr<BarSource>> sources) {
  std::vector<std::pair<uint32_t, std::unique_ptr<BarSource>>> out;
  for (size_t i = 0; i < sources.size(); ++i) out.emplace_back(static_cast<uint32_t>(i), std::move(sources[i]));
  return out;
}
}  // namespace

WindowPlanner::WindowPlanner(std::vector<std::unique_ptr<BarSource>> sources, size_t target_bars)
    : WindowPlanner(numbered(std::move(sources)), WindowGrid{}) {
  std::vector<const BarSource*> all;
  for (const auto& [id, s] : sources_) all.push_back(s.get());
  grid_ = grid_for(all, target_bars);
}

std::optional<uint64_t> WindowPlanner::next_id() const {
  if (grid_.window_ms <= 0) return std::nullopt;
  int64_t first_close = kNoMore;
  for (const auto& [id, s] : sources_) first_close = std::min(first_close, s->next_close_ms());
  if (first_close == kNoMore) return std::nullopt;
  // A source whose bars close before the grid's origin is a caller's error
  // (the grid was made from all sources); clamp rather than wrap.
  return static_cast<uint64_t>(std::max<int64_t>(0, floor_div(first_close - grid_.origin_ms, grid_.window_ms)));
}

std::optional<BarWindow> WindowPlanner::next() {
  const auto id = next_id();
  if (!id) return std::nullopt;
  const int64_t start = grid_.origin_ms + static_cast<int64_t>(*id) * grid_.window_ms;
  const int64_t end = start > kNoMore - grid_.window_ms ? kNoMore : start + grid_.window_ms;

  BarWindow w;
  w.window = *id;
  w.start_ms = start;
  w.end_ms = end;
  auto* open = full_bars_ ? &w.open : nullptr;
  auto* high = full_bars_ ? &w.high : nullptr;
  auto* low = full_bars_ ? &w.low : nullptr;
  auto* volume = full_bars_ ? &w.volume : nullptr;
  for (auto* col : {open, high, low, &w.close, volume})
    if (col) col->reserve(reserve_);
  w.open_time_ms.reserve(reserve_);
  constexpr size_t kAhead = 4;  // streams to prefetch ahead of the one being read
  for (size_t i = 0; i < std::min(kAhead, sources_.size()); ++i) sources_[i].second->prefetch();
  for (size_t i = 0; i < sources_.size(); ++i) {
    auto& [stream, src] = sources_[i];
    if (i + kAhead < sources_.size()) sources_[i + kAhead].second->prefetch();
    const uint32_t row = static_cast<uint32_t>(w.close.size());
    const size_t n = src->read_until(end, w.open_time_ms, open, high, low, w.close, volume);
    if (n == 0) continue;
    w.streams.push_back(stream);
    w.offsets.push_back(row);
  }
  // offsets has one more entry than streams: rows of streams[k] are
  // [offsets[k], offsets[k+1]).
  w.offsets.push_back(static_cast<uint32_t>(w.close.size()));
  reserve_ = w.close.size() + w.close.size() / 8;
  const auto after = next_id();
  w.last = !after.has_value();
  w.next_window = after.value_or(w.window);
  return w;
}

}  // namespace tn
