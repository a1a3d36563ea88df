#include "actors/fetcher/window_split.hpp"

namespace tn {

std::vector<BarWindow> split_window(BarWindow&& w, uint32_t shards) {
  std::vector<BarWindow> parts(shards);
  for (auto& p : parts) {
    p.window = w.window;
    p.start_ms = w.start_ms;
    p.end_ms = w.end_ms;
    p.last = w.last;
    p.offsets.push_back(0);
  }
  bool single = true;
  for (uint32_t s : w.streams) single = single && shard_of(s, shards) == shard_of(w.streams.front(), shards);
  if (single && !w.streams.empty()) {  // common case with one stream: no copy
    const uint32_t target = shard_of(w.streams.front(), shards);
    parts[target] = std::move(w);
    return parts;
  }
  for (size_t k = 0; k < w.streams.size(); ++k) {
    BarWindow& p = parts[shard_of(w.streams[k], shards)];
    const uint32_t a = w.offsets[k], b = w.offsets[k + 1];
    p.streams.push_back(w.streams[k]);
    p.open_time_ms.insert(p.open_time_ms.end(), w.open_time_ms.begin() + a, w.open_time_ms.begin() + b);
    p.open.insert(p.open.end(), w.open.begin() + a, w.open.begin() + b);
    p.high.insert(p.high.end(), w.high.begin() + a, w.high.begin() + b);
    p.low.insert(p.low.end(), w.low.begin() + a, w.low.begin() + b);
    p.close.insert(p.close.end(), w.close.begin() + a, w.close.begin() + b);
    p.volume.insert(p.volume.end(), w.volume.begin() + a, w.volume.begin() + b);
    p.offsets.push_back(static_cast<uint32_t>(p.close.size()));
  }
  return parts;
}

}  // namespace tn
