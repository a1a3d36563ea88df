#pragma once
// The clock seam (LevelDB's Env idea): everything timed in tradernode asks a
// Clock for "now" instead of calling the system, so schedules, DST handling
// and crash tests run against a ManualClock without waiting for wall time.
// Time is UTC milliseconds since the Unix epoch, as everywhere in the node.
//
// Timers are never sleeps: a core answers "when is the next thing due?" and
// the actor arms ONE delayed_send for (that - now). Cores take `now_ms` as an
// argument rather than holding a Clock, so they stay pure functions of time;
// the actor owns the Clock and passes now_ms() in.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>

namespace tn {

// "Never": no deadline, nothing scheduled. Compares greater than any time.
inline constexpr int64_t kNeverMs = std::numeric_limits<int64_t>::max();

// Wall time now: the one place that asks the system for it. What must run
// against a ManualClock takes a Clock (below); this is for what only ever
// runs on real time (outbox queued_ms, event timestamps, uptime, CLI "now").
inline int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_ms() const = 0;
};

// Wall time (std::chrono::system_clock). Stateless: one shared instance.
class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override { return wall_clock_ms(); }
  static const SystemClock& instance() {
    static const SystemClock clock;
    return clock;
  }
};

// How a clock is handed to an actor: shared, because a detached actor may
// outlive the code that spawned it. A ManualClock is shared with whoever
// made it (a test); the system clock is a static that nobody owns.
using ClockPtr = std::shared_ptr<const Clock>;
inline ClockPtr system_clock_ptr() {
  return ClockPtr(ClockPtr(), &SystemClock::instance());  // aliasing: no owner, no delete
}

// Test and simulation time: moves only when told. Atomic because an actor
// test reads it from CAF worker threads while the test thread advances it.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 0) : now_(start_ms) {}
  int64_t now_ms() const override { return now_.load(std::memory_order_acquire); }
  void set(int64_t t_ms) { now_.store(t_ms, std::memory_order_release); }
  // Returns the new time.
  int64_t advance(int64_t delta_ms) {
    return now_.fetch_add(delta_ms, std::memory_order_acq_rel) + delta_ms;
  }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace tn
