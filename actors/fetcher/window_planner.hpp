#pragma once
// Cuts the bars of many streams into windows of simulated time: every bar
// whose close time falls in [start, end) of a window, for the planner's
// streams, in one BarWindow. Windows lie on one grid shared by every shard
// of a node: window k is [origin + k*W, origin + (k+1)*W), with W chosen so
// a window holds about `target_bars` bars across all streams, and origin
// UTC-aligned to W. A planner skips windows in which its streams have no
// bars, and says in each window which one it sends next (next_window), so
// the arbiter can tell "nothing here" from "not yet arrived". Rows are
// grouped by stream, streams in ascending id order, each oldest first. The
// same input always gives the same windows.
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "market/bar_source.hpp"
#include "messages/market.hpp"

namespace tn {

struct WindowGrid {
  int64_t origin_ms = 0;
  int64_t window_ms = 0;  // 0: no bars at all
};

class WindowPlanner {
 public:
  // The grid for a set of sources (all shards' sources together).
  static WindowGrid grid_for(const std::vector<const BarSource*>& all, size_t target_bars);

  // One shard's planner: its streams (id, source), on a shared grid.
  // full_bars: fill open/high/low/volume too; otherwise windows carry only
  // open times and closes (all the MA strategy reads) and those stay empty.
  WindowPlanner(std::vector<std::pair<uint32_t, std::unique_ptr<BarSource>>> sources, WindowGrid grid,
                bool full_bars = true);
  // A single planner over all streams (ids 0..n-1), grid computed here.
  WindowPlanner(std::vector<std::unique_ptr<BarSource>> sources, size_t target_bars);

  // The next non-empty window, or nullopt when every source is exhausted.
  // The last window returned has last == true.
  std::optional<BarWindow> next();

  int64_t window_ms() const { return grid_.window_ms; }
  const WindowGrid& grid() const { return grid_; }

 private:
  // Id of the window holding the earliest unread close; nullopt if none.
  std::optional<uint64_t> next_id() const;

  std::vector<std::pair<uint32_t, std::unique_ptr<BarSource>>> sources_;
  WindowGrid grid_;
  size_t reserve_ = 0;  // capacity hint: the size of the previous window
  bool full_bars_ = true;
};

}  // namespace tn
