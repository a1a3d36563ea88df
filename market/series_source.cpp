// A BarSource over bars already in memory (see bar_source.hpp).
//
// The series is expected in the shape load_csv_bars produces: strictly
// increasing open times, all columns the same length. Bars are handed out
// by bulk copies of the column ranges, so a read costs one memcpy per
// column plus one compare per bar to find where it stops.
#include <algorithm>
#include <cassert>
#include <limits>

#include "market/bar_source.hpp"

namespace tn {
namespace {

class SeriesSource final : public BarSource {
  // Lines per column to prefetch: 8 (64 bars) halved the copy cost of a
  // 1000-stream window against 2 (bench/pipeline, "stages alone").
  static constexpr size_t kPrefetchLines = 8;

 public:
  SeriesSource(BarSeries series, int64_t tf_ms) : s_(std::move(series)), tf_ms_(tf_ms) {
    assert(tf_ms_ > 0);
    assert(s_.open_time_ms.size() == s_.size() && s_.open.size() == s_.size() &&
           s_.high.size() == s_.size() && s_.low.size() == s_.size() &&
           s_.volume.size() == s_.size());
  }

  size_t read_until(int64_t end_close_ms, std::vector<int64_t>& open_time,
                    std::vector<double>* open, std::vector<double>* high, std::vector<double>* low,
                    std::vector<double>& close, std::vector<double>* volume) override {
    const size_t n = s_.size();
    if (pos_ >= n) return 0;
    // close = open + tf < end  <=>  open < end - tf (guarding the subtraction).
    if (end_close_ms <= std::numeric_limits<int64_t>::min() + tf_ms_) return 0;
    const int64_t open_limit = end_close_ms - tf_ms_;
    // A linear walk, not a binary search: a read takes the next few bars of
    // this stream, and a search over the whole column would touch cold
    // cache lines for every one of thousands of streams in every window.
    const int64_t* t = s_.open_time_ms.data();
    size_t to = pos_;
    while (to < n && t[to] < open_limit) ++to;
    if (to == pos_) return 0;
    append(open_time, s_.open_time_ms, to);
    if (open) append(*open, s_.open, to);
    if (high) append(*high, s_.high, to);
    if (low) append(*low, s_.low, to);
    append(close, s_.close, to);
    if (volume) append(*volume, s_.volume, to);
    const size_t count = to - pos_;
    pos_ = to;
    return count;
  }

  void prefetch() const override {
    if (pos_ >= s_.size()) return;
    // The first cache lines of each column (8 bars a line); the hardware
    // prefetcher follows once the reads run sequentially.
    const size_t lines = std::min<size_t>(kPrefetchLines, (s_.size() - pos_ + 7) / 8);
    for (size_t line = 0; line < lines; ++line) {
      __builtin_prefetch(s_.open_time_ms.data() + pos_ + 8 * line);
      __builtin_prefetch(s_.close.data() + pos_ + 8 * line);
    }
  }

  int64_t next_close_ms() const override {
    return pos_ < s_.size() ? s_.open_time_ms[pos_] + tf_ms_ : std::numeric_limits<int64_t>::max();
  }

  int64_t timeframe_ms() const override { return tf_ms_; }

 private:
  template <class T>
  void append(std::vector<T>& out, const std::vector<T>& col, size_t to) const {
    out.insert(out.end(), col.begin() + static_cast<std::ptrdiff_t>(pos_),
               col.begin() + static_cast<std::ptrdiff_t>(to));
  }

  BarSeries s_;
  const int64_t tf_ms_;
  size_t pos_ = 0;  // first bar not yet read
};

}  // namespace

std::unique_ptr<BarSource> make_series_source(BarSeries series, int64_t tf_ms) {
  return std::make_unique<SeriesSource>(std::move(series), tf_ms);
}

}  // namespace tn
