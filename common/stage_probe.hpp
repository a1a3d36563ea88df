#pragma once
// Where a check's time goes, for bench/latency: the moment each actor on
// the path first handles a window (by window id), kept only while a bench
// has switched the probe on. Off (always, outside the bench) a mark is one
// relaxed load of a null pointer. The executor and publisher do not see
// window ids; they are marked with the window of the order placed last,
// exact while one order is in flight at a time (the bench's credit 1).
// Nothing here changes what the node does.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace tn::probe {

enum Stage : int {
  check_at_fetcher,  // the fetcher took the scheduler's check
  indicator,
  signal,
  arbiter_part,      // a shard's signals reached the arbiter
  order_placed,      // the arbiter sent an order of this window
  executor_in,
  ledger_committed,
  published,         // the publisher handed the order's trade event to ZeroMQ
  kStages
};

inline constexpr size_t kWindows = 1 << 16;  // window ids, modulo
using Table = std::array<std::array<std::atomic<int64_t>, kWindows>, kStages>;

inline std::atomic<Table*> table{nullptr};
inline std::atomic<uint64_t> placed_window{0};

inline int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The first mark of a stage for a window wins (shards each deliver a part).
inline void mark(Stage s, uint64_t window) {
  Table* t = table.load(std::memory_order_relaxed);
  if (!t) return;
  int64_t none = 0;
  (*t)[s][window % kWindows].compare_exchange_strong(none, steady_ns(), std::memory_order_relaxed);
}
inline void mark_placed(Stage s) { mark(s, placed_window.load(std::memory_order_relaxed)); }
inline void note_placed(uint64_t window) {
  if (table.load(std::memory_order_relaxed)) placed_window.store(window, std::memory_order_relaxed);
}

// The bench owns the table while probing: switch on (zeroed), read, switch off.
inline std::unique_ptr<Table> start() {
  auto t = std::make_unique<Table>();
  for (auto& row : *t)
    for (auto& x : row) x.store(0, std::memory_order_relaxed);
  table.store(t.get());
  return t;
}
inline void stop() { table.store(nullptr); }

}  // namespace tn::probe
