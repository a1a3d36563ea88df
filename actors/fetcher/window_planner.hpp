#pragma once
// Cuts the bars of many streams into windows of simulated time: every bar
// whose close time falls in [start, end) of window w, for all streams, in
// one BarWindow. The window length is chosen so a window holds about
// `target_bars` bars across all streams; windows are UTC-aligned and the
// same input always gives the same windows. Rows in a window are grouped by
// stream, streams in ascending id order, each stream's bars oldest first.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "actors/fetcher/bar_source.hpp"
#include "messages/market.hpp"

namespace tn {

class WindowPlanner {
 public:
  // sources[i] is stream i.
  WindowPlanner(std::vector<std::unique_ptr<BarSource>> sources, size_t target_bars);

  // The next window, or nullopt when every source is exhausted. The last
  // window returned has last == true.
  std::optional<BarWindow> next();

  int64_t window_ms() const { return window_ms_; }

 private:
  std::vector<std::unique_ptr<BarSource>> sources_;
  int64_t window_ms_ = 0;
  int64_t cursor_ms_ = 0;  // start of the next window
  uint64_t next_window_ = 0;
  size_t target_bars_ = 0;
  bool done_ = false;
};

}  // namespace tn
