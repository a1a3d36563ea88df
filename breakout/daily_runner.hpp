#pragma once
// The daily job as the running node does it (plain C++; the CAF shell is
// actors/daily_jobs/daily_jobs_actor.cpp): get the asset class's series, feed
// the tracker the bars since the last run (exits of open recommendations,
// stored with mark_exit), run run_daily_job, store each recommendation
// (Store::recommendations().put: recommendation.new) and the day's
// market.summary. Everything is idempotent by day: a second run of the
// same day finds the same ids, writes nothing and appends no second
// summary (its key "breakout.summary.<class>.<date>" is in node_state).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "breakout/recommendations.hpp"
#include "breakout/daily_job.hpp"
#include "messages/control.hpp"

namespace tn {
namespace storage { class Store; }

// Owned daily series of one universe (symbols[i] has bars[i]).
struct DailyUniverse {
  std::vector<std::string> symbols;
  std::vector<BarSeries> bars;
  std::vector<UniverseSeries> views() const;  // valid while this lives, unmoved
  // A copy with only the bars closed by now_ms (open + 1 day <= now_ms).
  DailyUniverse closed_by(int64_t now_ms) const;
};

// The series of an asset class's universe, as known at now_ms.
using UniverseProvider = std::function<Result<DailyUniverse>(const BreakoutParams&, int64_t now_ms)>;

class DailyRunner {
 public:
  // Loads the open recommendations from the store into the tracker.
  static Result<std::unique_ptr<DailyRunner>> make(std::shared_ptr<storage::Store> store,
                                                   BreakoutConfig cfg, UniverseProvider provider);

  // Runs asset_class's job. data_ms: the time the series are cut at (bars
  // closed by it); day: the job's UTC day (nullopt: the latest day of the
  // data). now_ms stamps generated_at. last_seq (out): the last event
  // appended, 0 when none.
  Result<RunSignalsBody> run(const std::string& asset_class, int64_t data_ms,
                             std::optional<int64_t> day, int64_t now_ms, uint64_t& last_seq);

  const BreakoutConfig& config() const { return cfg_; }

 private:
  DailyRunner() = default;
  std::shared_ptr<storage::Store> store_;
  BreakoutConfig cfg_;
  UniverseProvider provider_;
  RecommendationTracker tracker_;
  std::map<std::string, int64_t> fed_until_;  // symbol -> last bar given to the tracker
};

}  // namespace tn
