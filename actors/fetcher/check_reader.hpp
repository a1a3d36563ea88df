#pragma once
// The fetcher's core in the node modes (replay, live): answers one check of
// the scheduler with a window holding, for each due stream of this shard,
// every bar closed by the check's time and not handed out before. The
// source behind a stream is recorded bars (replay) or an exchange (live);
// the reader does not know which.
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "market/bar_source.hpp"
#include "messages/internal.hpp"
#include "messages/market.hpp"

namespace tn {

// A bar that should have closed and was not in the answer of a check
// (live): for data.late and the scheduler's retry.
struct LateNote {
  uint32_t stream = 0;
  int64_t bar_open_ms = 0;
  int64_t due_ms = 0;              // the bar's close
  uint32_t attempt = 0;            // answers without it so far (1: the first miss)
  int64_t retry_at_ms = INT64_MAX; // when to ask again; INT64_MAX: given up (and a data.error)
};

// What a fetcher in the node modes answers a check with. One per shard;
// called from its fetcher actor only.
class CheckAnswerer {
 public:
  virtual ~CheckAnswerer() = default;
  // The windows to send on, in order: warm-up windows (flagged, history the
  // indicators need; nothing is decided from them) and then the check's own
  // window (id req.window, next_window + 1, due streams ascending).
  virtual std::vector<BarWindow> answer(const CheckRequest& req) = 0;
  // Streams whose data failed since the last call: (stream id, why), for
  // data.error events. No signal is computed from such a stream's check.
  virtual std::vector<std::pair<uint32_t, std::string>> take_errors() { return {}; }
  // Bars missed since the last call, in the order they were missed.
  virtual std::vector<LateNote> take_late() { return {}; }
  // Per stream: ok, waiting, late, stale or failing at now_ms (control:
  // status). Empty when the source cannot be late (recorded bars).
  virtual DataStateView data_states(int64_t /*now_ms*/) const { return {}; }
};

// Recorded bars (replay).
class CheckReader final : public CheckAnswerer {
 public:
  // (stream id, source) of this shard. full_bars as in WindowPlanner.
  // resume_ms: after a restart, the first answer is preceded by a warm-up
  // window of every bar closed by then (decided before the restart).
  CheckReader(std::vector<std::pair<uint32_t, std::unique_ptr<BarSource>>> sources, bool full_bars,
              int64_t resume_ms = INT64_MIN);

  std::vector<BarWindow> answer(const CheckRequest& req) override;

  // Every bar of every stream closing at or before until_ms, as one window
  // flagged warmup (a restart's history: indicators take it in, nothing is
  // decided). Empty (no rows) when there is none.
  BarWindow warmup(int64_t until_ms);

  // The window for check req: window id req.window, next_window + 1, rows
  // of the due streams (ascending) with close <= req.now_ms. Streams that
  // are not this shard's are ignored.
  BarWindow check(const CheckRequest& req);

 private:
  BarWindow empty_window(uint64_t id, int64_t end_ms) const;
  void read(size_t index, int64_t until_ms, BarWindow& w);

  std::vector<std::pair<uint32_t, std::unique_ptr<BarSource>>> sources_;  // by stream id
  bool full_bars_;
  int64_t resume_ms_;
  bool warm_ = false;
};

// The span of recorded data: the first and the last bar close over all
// sources (INT64_MAX / INT64_MIN when there are none). A replay runs from
// the one to the other.
struct DataSpan {
  int64_t first_close_ms = INT64_MAX;
  int64_t last_close_ms = INT64_MIN;
};
DataSpan data_span(const std::vector<BarSeries>& series, const std::vector<int64_t>& tf_ms);

}  // namespace tn
