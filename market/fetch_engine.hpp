#pragma once
// Runs many FetchJobs at once over one HttpClient, within each source's
// limits: a token bucket, the provider's window counter (synced from its
// usage header), a cap on concurrent requests, and a source-wide pause after
// a 429/418 (Retry-After). Transient failures (transport errors, timeouts,
// 429, 418, 5xx, throttle bodies) are retried with jittered exponential
// backoff up to max_attempts per request; then the job ends with a typed
// error. A slow or failing job never holds up the others.
//
// Threads: run() blocks its caller and must not be called from two threads
// at once. The limiter state lives here, so it spans runs: create one
// engine per process (MarketData owns it).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "market/http_client.hpp"
#include "market/source.hpp"

namespace tn::market {

struct EngineOptions {
  int max_connections = 64;  // transfers in flight over all sources
  uint64_t seed = 0x7261646572ULL;  // backoff jitter (tests pin it)
};

// One job and how it went.
struct JobRun {
  FetchJob* job = nullptr;
  size_t source = 0;  // index into the engine's sources
  uint32_t requests = 0;  // HTTP requests sent (pages and retries)
  std::optional<MarketError> error;
  // engine-private
  int failures = 0;          // consecutive failures of the current request
  int64_t ready_at_us = 0;   // not before (backoff)
};

struct EngineStats {
  uint64_t requests = 0;
  uint64_t retries = 0;
  uint64_t limited = 0;  // 429/418/throttle answers received
};

class FetchEngine {
 public:
  FetchEngine(std::vector<const MarketSource*> sources, EngineOptions options = {});
  ~FetchEngine();
  FetchEngine(const FetchEngine&) = delete;
  FetchEngine& operator=(const FetchEngine&) = delete;

  // progress(done, total) is called as jobs finish (for a progress bar).
  using Progress = std::function<void(size_t done, size_t total)>;
  void run(std::vector<JobRun>& jobs, const Progress& progress = {});
  const EngineStats& stats() const { return stats_; }

 private:
  struct SourceState;
  enum class Start { started, wait, failed };
  Start try_start(JobRun& run, size_t tag, int64_t now_us, int64_t& wake_us,
                  std::vector<bool>& stalled);
  // After an answer or failure: true when the job goes back to the queue.
  bool handle(JobRun& run, HttpOutcome& out);
  bool retry(JobRun& run, MarketError err, int64_t at_least_ms);

  std::vector<std::unique_ptr<SourceState>> sources_;
  EngineOptions options_;
  HttpClient http_;
  std::mt19937_64 rng_;
  EngineStats stats_;
};

}  // namespace tn::market
