#pragma once
// The fetcher's source in live mode: at each check, one concurrent fetch
// (market::MarketData, libcurl multi, rate limited, cached) of every due
// stream's bars since the last one seen, handed on as closed bars only.
// The first fetch of a stream also brings its history (ma_period bars and a
// margin): the indicators take it in as warm-up, and only the newest closed
// bar is decided, unless it was decided before a restart (resume_ms).
// A failed or stale stream gives an error for data.error and no bars: no
// signal is computed from it, and the rest of the watchlist goes on.
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

 private:
  struct State {
    LiveStream s;
    int64_t last_open_ms = INT64_MIN;  // newest bar handed on; INT64_MIN: none yet
  };
  State* find(uint32_t stream);

  std::shared_ptr<market::MarketData> md_;
  std::vector<State> streams_;  // ascending stream id
  int64_t resume_ms_;
  bool full_bars_;
  std::vector<std::pair<uint32_t, std::string>> errors_;
};

}  // namespace tn
