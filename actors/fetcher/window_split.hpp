#pragma once
// Cuts a window into one part per shard (stream id % shards), so the
// indicator and signal work of many streams runs on several cores. Every
// shard gets a part, empty or not: the arbiter counts parts per window.
#include <cstdint>
#include <vector>

#include "messages/market.hpp"

namespace tn {

inline uint32_t shard_of(uint32_t stream, uint32_t shards) { return stream % shards; }

std::vector<BarWindow> split_window(BarWindow&& w, uint32_t shards);

}  // namespace tn
