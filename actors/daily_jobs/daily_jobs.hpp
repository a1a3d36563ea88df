#pragma once
// The node's daily breakout jobs (CAF shell of breakout/daily_runner.hpp).
// One CronJob per enabled asset class: equity `30 16 * * 1-5`
// America/New_York (skipped on days the market calendar says are closed),
// crypto `0 0 * * *` UTC. One timer at a time, for the earliest next fire
// (no polling). Detached: a job reads files and LMDB, off the pipeline's
// threads.
//
// Messages:
//   (run_signals_atom, asset_class, date "YYYY-MM-DD" or "") -> std::string
//     (msgpack RunSignalsBody) or a caf::error: one job now (run-signals-now).
#include <functional>
#include <memory>

#include "actors/pipeline.hpp"
#include "breakout/daily_runner.hpp"

namespace tn {

struct DailyJobsSpec {
  std::shared_ptr<DailyRunner> runner;
  caf::group events;  // told after each job that appended events
  // The time the series are cut at for a job running now (replay: the
  // replay's last decided bar close; live: now). Called on the actor's thread.
  std::function<int64_t(int64_t wall_ms)> data_time;
  // "Now" for the cron fires and the jobs' clock time.
  ClockPtr clock = system_clock_ptr();
  // Off the pipeline's threads in a node. An actor test turns it off so
  // CAF's test coordinator runs the actor like any other, step by step.
  bool detached = true;
};

DailyJobsActor spawn_daily_jobs(caf::actor_system& sys, DailyJobsSpec spec);

}  // namespace tn
