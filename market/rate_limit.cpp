#include "market/rate_limit.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

namespace tn::market {

TokenBucket::TokenBucket(const RateLimit& l, int64_t now_us)
    : capacity_(std::max(1.0, l.burst)),
      per_us_(std::max(0.0, l.limit - std::max(1.0, l.burst)) /
              (1.1 * static_cast<double>(l.window_ms) * 1000.0)),
      tokens_(capacity_),
      at_us_(now_us) {}

double TokenBucket::tokens(int64_t now_us) const {
  const double dt = static_cast<double>(std::max<int64_t>(0, now_us - at_us_));
  return std::min(capacity_, tokens_ + dt * per_us_);
}

bool TokenBucket::try_take(double cost, int64_t now_us) {
  const double t = tokens(now_us);
  if (now_us > at_us_) at_us_ = now_us;
  tokens_ = t;
  if (t + 1e-9 < cost) return false;
  tokens_ = t - cost;
  return true;
}

int64_t TokenBucket::wait_us(double cost, int64_t now_us) const {
  const double missing = cost - tokens(now_us);
  if (missing <= 1e-9) return 0;
  if (per_us_ <= 0) return INT64_MAX / 4;
  return static_cast<int64_t>(std::ceil(missing / per_us_));
}

void WindowCounter::roll(int64_t wall_ms) {
  const int64_t start = wall_ms - (wall_ms % window_ms_);
  if (start != window_start_) {
    window_start_ = start;
    used_ = 0;
  }
}

int64_t WindowCounter::wait_ms(double cost, int64_t wall_ms) {
  roll(wall_ms);
  if (used_ + cost <= limit_ + 1e-9) return 0;
  return window_start_ + window_ms_ - wall_ms + 1;
}

void WindowCounter::add(double cost, int64_t wall_ms) {
  roll(wall_ms);
  used_ += cost;
}

void WindowCounter::observe_used(double used, int64_t wall_ms) {
  roll(wall_ms);
  used_ = std::max(used_, used);
}

double WindowCounter::used(int64_t wall_ms) {
  roll(wall_ms);
  return used_;
}

int64_t backoff_ms(const RetryPolicy& p, int failures, std::mt19937_64& rng) {
  const int shift = std::clamp(failures - 1, 0, 30);
  const double d = std::min(static_cast<double>(p.max_backoff_ms),
                            static_cast<double>(p.initial_backoff_ms) * std::ldexp(1.0, shift));
  std::uniform_real_distribution<double> jitter(d / 2, d);
  return static_cast<int64_t>(jitter(rng));
}

std::optional<int64_t> parse_retry_after_ms(std::string_view v, int64_t wall_ms) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  int64_t secs = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), secs);
  constexpr int64_t kMaxSecs = 1LL << 40;  // far beyond any wait we would honour
  if (p == v.data() + v.size()) {
    // All digits but too many for int64: a huge wait, not an HTTP-date
    // (curl_getdate's answer for such a string differs between builds).
    if (ec == std::errc::result_out_of_range) return v.front() == '-' ? std::nullopt
                                                                     : std::optional<int64_t>(kMaxSecs * 1000);
    if (ec == std::errc())
      return secs < 0 ? std::nullopt : std::optional<int64_t>(std::min<int64_t>(secs, kMaxSecs) * 1000);
  }
  const std::string s(v);
  const time_t at = curl_getdate(s.c_str(), nullptr);  // RFC 7231 HTTP-date
  if (at < 0) return std::nullopt;
  return std::max<int64_t>(0, static_cast<int64_t>(at) * 1000 - wall_ms);
}

}  // namespace tn::market
