#include "market/fetch_engine.hpp"

#include <algorithm>
#include <chrono>

#include "common/clock.hpp"

namespace tn::market {
namespace {

int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
constexpr int64_t kIdlePollUs = 50'000;

}  // namespace

struct FetchEngine::SourceState {
  SourceState(const MarketSource* s, int64_t now_us)
      : source(s), bucket(s->settings().limit, now_us), window(s->settings().limit) {}
  const MarketSource* source;
  TokenBucket bucket;
  WindowCounter window;
  int in_flight = 0;
  int64_t blocked_until_us = 0;  // after a 429/418 or a throttle body
};

FetchEngine::FetchEngine(std::vector<const MarketSource*> sources, EngineOptions options)
    : options_(options), http_(options.max_connections), rng_(options.seed) {
  const int64_t now = steady_us();
  for (const MarketSource* s : sources) sources_.push_back(std::make_unique<SourceState>(s, now));
}

FetchEngine::~FetchEngine() = default;

FetchEngine::Start FetchEngine::try_start(JobRun& run, size_t tag, int64_t now, int64_t& wake,
                                          std::vector<bool>& stalled) {
  SourceState& src = *sources_[run.source];
  const SourceSettings& cfg = src.source->settings();
  if (run.ready_at_us > now) {
    wake = std::min(wake, run.ready_at_us);
    return Start::wait;
  }
  if (src.blocked_until_us > now) {
    if (src.blocked_until_us - now > cfg.retry.max_retry_after_ms * 1000) {
      run.error = MarketError{MarketErrc::rate_limit,
                              std::string(src.source->name()) + ": provider asked us to stay away for " +
                                  std::to_string((src.blocked_until_us - now) / 1'000'000) + " s",
                              0};
      return Start::failed;
    }
    wake = std::min(wake, src.blocked_until_us);
    return Start::wait;
  }
  if (stalled[run.source] || src.in_flight >= cfg.max_in_flight ||
      http_.in_flight() >= static_cast<size_t>(options_.max_connections))
    return Start::wait;
  HttpRequest req = run.job->request();
  req.accept_gzip = cfg.compress;
  const int64_t wall = wall_clock_ms();
  if (const int64_t w = src.window.wait_ms(req.cost, wall); w > 0) {
    stalled[run.source] = true;
    wake = std::min(wake, now + w * 1000);
    return Start::wait;
  }
  if (!src.bucket.try_take(req.cost, now)) {
    stalled[run.source] = true;  // keep the source's order: nobody overtakes
    wake = std::min(wake, now + std::max<int64_t>(src.bucket.wait_us(req.cost, now), 100));
    return Start::wait;
  }
  src.window.add(req.cost, wall);
  ++src.in_flight;
  ++run.requests;
  ++stats_.requests;
  http_.start(tag, req);
  return Start::started;
}

bool FetchEngine::retry(JobRun& run, MarketError err, int64_t at_least_ms) {
  const RetryPolicy& p = sources_[run.source]->source->settings().retry;
  ++run.failures;
  if (run.failures >= p.max_attempts) {
    err.message += " (gave up after " + std::to_string(run.failures) + " attempts)";
    run.error = std::move(err);
    return false;
  }
  ++stats_.retries;
  run.ready_at_us = steady_us() + std::max(backoff_ms(p, run.failures, rng_), at_least_ms) * 1000;
  return true;
}

bool FetchEngine::handle(JobRun& run, HttpOutcome& out) {
  SourceState& src = *sources_[run.source];
  const SourceSettings& cfg = src.source->settings();
  --src.in_flight;
  const HttpRequest req = run.job->request();
  const std::string name = src.source->name();
  if (!out.transport_ok) {
    const std::string why = out.timed_out ? "no answer within " + std::to_string(cfg.timeout_ms) + " ms"
                                          : out.error;
    return retry(run, MarketError{MarketErrc::fetch, name + ": " + why + " (" + req.label + ")", 0}, 0);
  }
  const HttpResponse& r = out.response;
  if (auto used = src.source->reported_usage(r)) src.window.observe_used(*used, wall_clock_ms());
  if (r.status == 429 || r.status == 418) {
    ++stats_.limited;
    int64_t wait_ms = 0;
    if (auto h = r.header("retry-after"))
      if (auto ms = parse_retry_after_ms(*h, wall_clock_ms())) wait_ms = *ms;
    const int64_t until = steady_us() + wait_ms * 1000;
    src.blocked_until_us = std::max(src.blocked_until_us, until);  // the whole source waits
    MarketError err{MarketErrc::rate_limit, name + ": " + describe_status(req, r), static_cast<int>(r.status)};
    if (wait_ms > cfg.retry.max_retry_after_ms) {
      err.message += " (Retry-After " + std::to_string(wait_ms / 1000) + " s is longer than we wait)";
      run.error = std::move(err);
      return false;
    }
    return retry(run, std::move(err), wait_ms);
  }
  if (r.status >= 500)
    return retry(run, MarketError{MarketErrc::fetch, name + ": " + describe_status(req, r), static_cast<int>(r.status)}, 0);
  JobStep step = run.job->on_response(r);
  if (step.error) {
    if (step.error->kind != MarketErrc::rate_limit) {
      run.error = std::move(step.error);
      return false;
    }
    ++stats_.limited;
    const int64_t wait_ms = backoff_ms(cfg.retry, run.failures + 1, rng_);
    src.blocked_until_us = std::max(src.blocked_until_us, steady_us() + wait_ms * 1000);
    return retry(run, std::move(*step.error), wait_ms);
  }
  run.failures = 0;
  return step.more;
}

void FetchEngine::run(std::vector<JobRun>& jobs, const Progress& progress) {
  std::vector<size_t> waiting, next;
  for (size_t i = 0; i < jobs.size(); ++i)
    if (!jobs[i].error && jobs[i].job) waiting.push_back(i);
  std::vector<bool> stalled(sources_.size());
  size_t finished = jobs.size() - waiting.size();
  while (!waiting.empty() || http_.in_flight() > 0) {
    const int64_t now = steady_us();
    int64_t wake = now + kIdlePollUs;
    std::fill(stalled.begin(), stalled.end(), false);
    next.clear();
    for (size_t i : waiting) {
      const Start st = try_start(jobs[i], i, now, wake, stalled);
      if (st == Start::wait) next.push_back(i);
      if (st == Start::failed && progress) progress(++finished, jobs.size());
    }
    waiting.swap(next);
    const int64_t timeout_us = std::clamp<int64_t>(wake - steady_us(), 0, kIdlePollUs);
    for (HttpOutcome& out : http_.poll(static_cast<int>((timeout_us + 999) / 1000))) {
      JobRun& run = jobs[out.tag];
      if (handle(run, out)) waiting.push_back(out.tag);
      else if (progress) progress(++finished, jobs.size());
    }
  }
}

}  // namespace tn::market
