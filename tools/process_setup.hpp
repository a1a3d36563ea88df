#pragma once
// Process-wide settings every tradernode executable makes first.
#include <malloc.h>

namespace tn {

// Bars travel in windows of a few hundred KB, allocated and freed at a high
// rate. glibc serves blocks above 128 KB with fresh mmap()s, so every window
// would pay page faults and page clearing; keep them on the heap instead.
inline void tune_allocator() {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

}  // namespace tn
