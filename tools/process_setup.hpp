#pragma once
// Process-wide settings every tradernode executable makes first.
#include <malloc.h>

namespace tn {

// Bars travel in windows of a few hundred KB, allocated and freed at a high
// rate. glibc serves blocks above 128 KB with fresh mmap()s, so every window
// would pay page faults and page clearing; keep them on the heap instead.
// One arena: a window is allocated on one worker thread and freed on
// another, and with an arena per thread each arena kept its own peak of
// freed windows (bench/pipeline, 1000 streams: 16.0-16.4 KB of RSS per
// stream, 11.6-12.2 KB with one arena, bars per second unchanged). Call
// it before any thread starts.
inline void tune_allocator() {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_ARENA_MAX, 1);
}

}  // namespace tn
