#pragma once
// Plain C++ (no CAF): what `tradernode run` feeds its shards from. Stream i
// goes to shard stream_shards(cfg, shards)[i] (node_setup.hpp): i % shards in
// one process, the symbol's stable hash or explicit assignment in a cluster,
// so a data node's reader and the trading node's schedule agree.
#include <cstdint>
#include <memory>
#include <vector>

#include "actors/fetcher/check_reader.hpp"
#include "schedule/check_scheduler.hpp"
#include "config/config.hpp"

namespace tn {

struct Loaded {
  std::vector<std::shared_ptr<CheckAnswerer>> readers;  // one per shard
  std::shared_ptr<CheckScheduler> scheduler;
};

// The recorded bars (replay), one reader per shard, and the schedule over them.
Result<Loaded> load_replay(const Config& cfg, uint32_t shards, int64_t resume_ms);
// Live: every stream from its exchange, checked at its bar closes.
Result<Loaded> load_live(const Config& cfg, uint32_t shards, int64_t resume_ms);

}  // namespace tn
