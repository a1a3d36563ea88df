#pragma once
// From a validated Config to what the pipeline needs: the stream table,
// the loaded data and the storage. Plain C++ (no CAF), shared by the
// node's modes and the benchmark.
#include <memory>
#include <string>
#include <vector>

#include "actors/arbiter/arbiter_core.hpp"
#include "actors/fetcher/window_planner.hpp"
#include "config/config.hpp"

namespace tn {

// The watchlist as the actors see it (index = stream id).
std::vector<StreamMeta> stream_table(const Config& cfg);

// The shard of each stream (by stream id): i % shards in one process; in a
// cluster ([node] role data/trading) the symbol's explicit assignment or
// its FNV-1a hash % [cluster] shard_count, the same on every node.
std::vector<uint32_t> stream_shards(const Config& cfg, uint32_t shards);
// "name:timeframe" per stream id, as events and status name them.
std::vector<std::string> stream_names(const Config& cfg);

// "SYMBOL:TF=PATH" (from --data) sets that watchlist entry's data file.
Status apply_data_override(Config& cfg, const std::string& spec);

// One planner per shard over a shared window grid: stream i goes to shard
// i % shards. The grid is made from all sources.
std::vector<std::shared_ptr<WindowPlanner>> shard_planners(
    std::vector<std::unique_ptr<BarSource>> sources, uint32_t shards, size_t target_bars,
    bool full_bars);

// Loads every stream's CSV (validated) and shards it as [backtest] says.
// Errors name file, line and problem.
Result<std::vector<std::shared_ptr<WindowPlanner>>> load_planners(const Config& cfg);

}  // namespace tn
