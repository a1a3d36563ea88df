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

// "SYMBOL:TF=PATH" (from --data) sets that watchlist entry's data file.
Status apply_data_override(Config& cfg, const std::string& spec);

// Loads every stream's CSV (validated) into a planner. Errors name file,
// line and problem.
Result<std::shared_ptr<WindowPlanner>> load_planner(const Config& cfg);

}  // namespace tn
