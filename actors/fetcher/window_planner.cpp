// Cuts many streams into windows of simulated time (see window_planner.hpp).
//
// Window length: with streams of timeframes tf_i, a window of W ms holds
// about W * sum_i(1/tf_i) bars, so
//   W = floor(target_bars / sum_i(1/tf_i)), rounded down to a multiple of the
//   smallest timeframe, and at least one smallest timeframe.
// Windows are [k*W, (k+1)*W) since the epoch (UTC-aligned; the same input
// always gives the same cuts). The first window is the one holding the
// earliest bar close of any stream; windows with no bars are skipped (the
// cursor jumps to the window holding the next close) but window numbers stay
// consecutive, so a consumer can tell that it has seen every window.
#include "actors/fetcher/window_planner.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tn {
namespace {

constexpr int64_t kNoMore = std::numeric_limits<int64_t>::max();
// Cap on the window length (~31,700 years) so arithmetic never overflows.
constexpr int64_t kMaxWindowMs = 1'000'000'000'000'000;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t choose_window_ms(const std::vector<std::unique_ptr<BarSource>>& sources,
                         size_t target_bars) {
  if (sources.empty()) return 0;
  int64_t min_tf = kNoMore;
  double bars_per_ms = 0;
  for (const auto& s : sources) {
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

WindowPlanner::WindowPlanner(std::vector<std::unique_ptr<BarSource>> sources, size_t target_bars)
    : sources_(std::move(sources)), target_bars_(target_bars) {
  window_ms_ = choose_window_ms(sources_, target_bars_);
  done_ = sources_.empty();
}

std::optional<BarWindow> WindowPlanner::next() {
  if (done_) return std::nullopt;

  int64_t first_close = kNoMore;
  for (const auto& s : sources_) first_close = std::min(first_close, s->next_close_ms());
  if (first_close == kNoMore) {  // every source was empty from the start
    done_ = true;
    return std::nullopt;
  }

  // Skip empty windows: start at the window holding the earliest close.
  // Every close before cursor_ms_ was read by an earlier window, so this
  // never goes backwards (the max only guards against a misbehaving source;
  // the first window may start before the epoch).
  const int64_t aligned = floor_div(first_close, window_ms_) * window_ms_;
  const int64_t start = next_window_ == 0 ? aligned : std::max(cursor_ms_, aligned);
  const int64_t end = start > kNoMore - window_ms_ ? kNoMore : start + window_ms_;

  BarWindow w;
  w.window = next_window_++;
  w.start_ms = start;
  w.end_ms = end;
  for (size_t i = 0; i < sources_.size(); ++i) {
    const uint32_t row = static_cast<uint32_t>(w.close.size());
    const size_t n =
        sources_[i]->read_until(end, w.open_time_ms, w.open, w.high, w.low, w.close, w.volume);
    if (n == 0) continue;
    w.streams.push_back(static_cast<uint32_t>(i));
    w.offsets.push_back(row);
  }
  // offsets has one more entry than streams: rows of streams[k] are
  // [offsets[k], offsets[k+1]).
  w.offsets.push_back(static_cast<uint32_t>(w.close.size()));
  cursor_ms_ = end;

  bool more = false;
  for (const auto& s : sources_) more = more || s->next_close_ms() != kNoMore;
  if (!more) {
    w.last = true;
    done_ = true;
  }
  return w;
}

}  // namespace tn
