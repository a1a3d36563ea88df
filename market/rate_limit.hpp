#pragma once
// The pieces of politeness towards a provider, pure and clock-injected so
// tests drive them without waiting: a token bucket, a fixed-window counter
// synced with what the server reports (Binance's X-MBX-USED-WEIGHT-1M), the
// backoff schedule and Retry-After parsing.
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

namespace tn::market {

// A provider's published limit: at most `limit` units (requests, or Binance
// request weight) per `window_ms`; `burst` of them may go at once.
struct RateLimit {
  double limit = 5;
  int64_t window_ms = 60'000;
  double burst = 1;  // 1 <= burst < limit, and >= the largest single cost
};

// Capacity `burst`, refilled at (limit - burst) per 1.1 windows. Whatever
// the pattern of requests, no window of window_ms (sliding or fixed, and with
// 10% slack for network delay) ever sees more than `limit` units: the most a
// bucket lets through in time T is capacity + rate * T.
class TokenBucket {
 public:
  TokenBucket(const RateLimit& limit, int64_t now_us);
  bool try_take(double cost, int64_t now_us);
  // How long until try_take(cost) can succeed (0: now).
  int64_t wait_us(double cost, int64_t now_us) const;
  double tokens(int64_t now_us) const;

 private:
  double capacity_;
  double per_us_;
  double tokens_;
  int64_t at_us_;
};

// Usage in the provider's own fixed windows (epoch-aligned, as Binance's
// minute): counts what we send and takes the server's figure when higher
// (other programs on the same IP use the same budget).
class WindowCounter {
 public:
  explicit WindowCounter(const RateLimit& limit) : limit_(limit.limit), window_ms_(limit.window_ms) {}
  // 0 when `cost` fits in the current window, else ms until the next one.
  int64_t wait_ms(double cost, int64_t wall_ms);
  void add(double cost, int64_t wall_ms);
  void observe_used(double used, int64_t wall_ms);
  double used(int64_t wall_ms);

 private:
  void roll(int64_t wall_ms);
  double limit_;
  int64_t window_ms_;
  int64_t window_start_ = 0;
  double used_ = 0;
};

struct RetryPolicy {
  int max_attempts = 4;            // per HTTP request, the first one included
  int64_t initial_backoff_ms = 500;
  int64_t max_backoff_ms = 30'000;
  int64_t max_retry_after_ms = 120'000;  // a longer Retry-After (a ban) fails at once
};

// Delay before retry number `failures` (1 after the first failure):
// initial * 2^(failures-1), capped, then "equal jitter": uniform in [d/2, d],
// so a crowd of failed requests does not come back in step.
int64_t backoff_ms(const RetryPolicy& p, int failures, std::mt19937_64& rng);

// Retry-After: delay-seconds or an HTTP date; nullopt if unreadable.
std::optional<int64_t> parse_retry_after_ms(std::string_view value, int64_t wall_ms);

}  // namespace tn::market
