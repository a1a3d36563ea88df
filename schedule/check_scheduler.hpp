#pragma once
// When the node checks which streams, in both node modes, over one
// BarSchedule (bar closes + minimum intervals):
//  - replay: a simulated clock that jumps from one due time to the next, so
//    each check is the next bar close of the recorded data; the actor paces
//    the checks in wall time ([node] replay_interval_ms);
//  - live: the wall clock; the actor arms one timer for next_wakeup_ms(),
//    which also counts the retries of late bars (retry()).
// Each check is one window id, sent to every shard (a shard with nothing due
// answers an empty window), so the arbiter sees consecutive windows. At most
// `credit` checks are undecided at once; ack() frees one and says which
// check time is now fully decided (the actor persists it: a restart resumes
// after it and re-decides nothing before it).
//
// Cadence "hourly" ([schedule] cadence): a check every check_every
// (UTC-aligned) instead of at bar closes; at each, every stream whose
// minimum interval has passed since its last check is due. In replay the
// check times are the closes of the 1h bars in the data (each stream's
// `check_times`, its symbol's 1h closes): a stream is due only at a time
// its symbol has a price for. A time at which no stream is due is no check.
// Live, the checks are the check_every boundaries of the wall clock, each
// one check time (a timer firing late still checks at its boundary).
//
// Plain logic: no clock of its own, no threads (tests/schedule/).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "schedule/bar_schedule.hpp"
#include "messages/internal.hpp"

namespace tn {

struct CheckStream {
  uint32_t stream = 0;
  int64_t tf_ms = 0;
  int64_t min_interval_ms = -1;  // < 0: default_min_interval_ms(tf)
  uint32_t shard = 0;
  // Replay: the stream's first recorded bar close; it is not checked
  // before (a replay does not tick through years of a stream's silence).
  int64_t first_close_ms = INT64_MIN;
  // Cadence "hourly" in replay: when this stream has a price (its symbol's
  // 1h closes, ascending); shared by the streams of one symbol.
  std::shared_ptr<const std::vector<int64_t>> check_times;
};

struct CheckSchedulerOptions {
  bool simulated = true;          // replay (true) or live
  int64_t start_ms = 0;           // replay: the first bar close of the data
  int64_t end_ms = kNeverMs;      // replay: the last bar close; the run ends there
  uint32_t shards = 1;
  uint32_t credit = 2;            // checks undecided at once (>= 1)
  bool hourly = false;            // cadence "hourly" (see above), else "close"
  int64_t check_every_ms = 3'600'000;  // hourly: the checks' UTC-aligned step
};

class CheckScheduler {
 public:
  // invalid_input for a bad stream (see BarSchedule::add) or shard >= shards.
  static Result<CheckScheduler> make(const std::vector<CheckStream>& streams,
                                     const CheckSchedulerOptions& options);

  // After a restart: every check up to last_done_ms was decided; the clock
  // (simulated) continues from there and no stream is due before its next
  // bar close after it.
  void resume(int64_t last_done_ms);

  // The next check, one request per shard (index = shard), or nullopt when
  // none is due yet, the credit is used up, or the run is over. now_ms is
  // the wall clock (live); replay ignores it and advances its own clock.
  std::optional<std::vector<CheckRequest>> next_check(int64_t now_ms);
  // Live: when something next falls due (kNeverMs: never). Replay: kNeverMs.
  int64_t next_wakeup_ms(int64_t now_ms) const;

  // The arbiter decided window and everything before it. Returns that
  // check's time when it is news (windows are decided in order).
  std::optional<int64_t> ack(uint64_t window);

  // The next check is the last one (graceful stop). Checks still in flight
  // are decided first.
  void request_stop() { stop_ = true; }
  // Every stream due at the next check, whatever its bar or interval.
  void run_now() {
    sched_.run_now();
    forced_ = opt_.hourly;
  }
  // Live: check `stream` once more at at_ms (a bar that should have closed
  // was not served yet; schedule/late_retry.hpp), beside its regular
  // checks, which keep their times and minimum interval. One retry per
  // stream: a later call replaces it. Replay, an unknown stream, a stopping
  // run: ignored.
  void retry(uint32_t stream, int64_t at_ms);

  bool last_sent() const { return last_sent_; }
  bool idle() const { return sent_ == acked_; }  // nothing undecided
  int64_t clock_ms() const { return clock_ms_; }  // the schedule's "now" (sim in replay)
  // Per stream its last and next check, in the node's clock: the simulated
  // one in replay (now_ms ignored), now_ms live. A stream due already is
  // next checked at now (or once the credit allows).
  ScheduleView view(int64_t now_ms) const;

 private:
  CheckScheduler(BarSchedule sched, std::vector<CheckStream> streams, CheckSchedulerOptions o);
  std::vector<CheckRequest> make_check(int64_t t, const std::vector<uint32_t>& due, bool last);
  std::vector<uint32_t> take_retries(int64_t now_ms);
  int64_t sim_due_ms(const CheckStream& s) const;
  int64_t next_check_ms(const CheckStream& s, int64_t now_ms) const;
  std::optional<std::vector<CheckRequest>> next_hourly_sim();
  // Hourly: the stream's next check time after the clock (kNeverMs: none).
  int64_t next_hourly_time(size_t index);
  // Hourly: whether the stream's minimum interval has passed at t.
  bool interval_passed(const CheckStream& s, int64_t t) const;
  std::vector<CheckRequest> final_check();
  std::optional<std::vector<CheckRequest>> next_hourly_live(int64_t now_ms);

  BarSchedule sched_;
  std::vector<CheckStream> streams_;  // by stream id order
  CheckSchedulerOptions opt_;
  int64_t clock_ms_;
  uint64_t sent_ = 0, acked_ = 0;     // window ids: 1, 2, ...; acked_ <= sent_
  std::map<uint64_t, int64_t> time_of_;  // undecided window -> its check time
  std::map<uint32_t, uint64_t> checks_;  // stream -> checks dispatched
  std::vector<size_t> cursor_;           // hourly replay: per stream, into its check_times
  int64_t last_tick_ = INT64_MIN;        // hourly live: the last step boundary checked
  bool forced_ = false;                  // hourly live: run_now() pending
  std::map<uint32_t, int64_t> retries_;  // live: stream -> when to ask again
  uint64_t total_checks_ = 0;
  bool stop_ = false, last_sent_ = false;
};

}  // namespace tn
