#pragma once
// The fetcher's source in live mode: at each check, one concurrent fetch
// (market::MarketData, libcurl multi, rate limited, cached) of every due
// stream's bars since the last one seen, handed on as closed bars only.
//
// Which bars are decided: a bar is news within its late window after its
// close (common/timeframe.hpp: one bar, at most an hour). Bars older than
// that when they come in (a stream's history at its first fetch, bars
// missed through an outage) only warm the indicators up, and so do bars
// decided before a restart (resume_ms). So the first check after a start
// decides the newest closed bar if it closed less than its late window ago
// (a 1h stream: always; a 1d stream: in the first hour of the UTC day).
//
// A late bar: when an answer lacks the newest bar that should have closed
// by the check, the stream is late. The first miss is a LateNote with
// attempt 1 (data.late); each answer without it asks for a retry at
// late_retry_at (schedule/late_retry.hpp); the bar is decided in the check
// that brings it; when the late window ends without it, the bar is given
// up (a data.error) and the stream is stale until a newer bar comes.
// A failed fetch is a data.error and no bars; no signal is computed from
// that stream, and the rest of the watchlist goes on.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actors/fetcher/check_reader.hpp"

namespace tn::market { class MarketData; }

namespace tn {

struct LiveStream {
  uint32_t stream = 0;
  std::string source;  // "binance"
  std::string symbol;  // "BTCUSDT"
  int64_t tf_ms = 0;
  int32_t history_bars = 20;  // bars the indicators need before a decision
};

class LiveFeed final : public CheckAnswerer {
 public:
  LiveFeed(std::shared_ptr<market::MarketData> md, std::vector<LiveStream> streams,
           int64_t resume_ms, bool full_bars);

  std::vector<BarWindow> answer(const CheckRequest& req) override;
  std::vector<std::pair<uint32_t, std::string>> take_errors() override;
  std::vector<LateNote> take_late() override;
  DataStateView data_states(int64_t now_ms) const override;

 private:
  struct State {
    LiveStream s;
    int64_t last_open_ms = INT64_MIN;  // newest bar handed on; INT64_MIN: none yet
    int64_t last_bar_at_ms = 0;        // when it came
    // The bar waited for past its close (INT64_MIN: none), since its first miss.
    int64_t late_open_ms = INT64_MIN, first_miss_ms = 0, retry_at_ms = 0;
    uint32_t attempts = 0;
    // The newest bar given up (its late window ended without it), and when.
    int64_t given_up_open_ms = INT64_MIN, given_up_at_ms = 0;
    std::string failure;  // the last fetch's error; empty once a fetch succeeds
    int64_t failing_since_ms = 0;
  };
  State* find(uint32_t stream);
  // Hands on st's new closed bars of b: warm-up or the check's own.
  void take_bars(State& st, const BarSeries& b, int64_t now, BarWindow& warm, BarWindow& check);
  // After an answer: on time, or the newest due bar is (still) missing.
  void check_due_bar(State& st, int64_t now);
  void miss(State& st, int64_t open_ms, int64_t now);
  void give_up(State& st, int64_t now);

  std::shared_ptr<market::MarketData> md_;
  std::vector<State> streams_;  // ascending stream id
  int64_t resume_ms_;
  bool full_bars_;
  std::vector<std::pair<uint32_t, std::string>> errors_;
  std::vector<LateNote> late_;
};

}  // namespace tn
