#pragma once
// How many scheduler threads CAF gets ([node] threads).
#include <algorithm>
#include <cstdint>
#include <thread>

#include <caf/actor_system_config.hpp>

namespace tn {

// CAF 0.17 starts at least 4 scheduler threads whatever the machine: on 2
// cores, two runnable threads per core handing windows and wake-ups to
// each other. Measured on the 2-core machine:
// - backtests (bench/pipeline, 1000 streams): one thread per core ran at
//   93-133 M bars/s against 64-86 M with CAF's 4 (3 alternating runs each);
// - a node (bench/latency, replay flat out): one thread decides 13-20k
//   checks/s with p50 165-245 us from bar to fill at a subscriber; one per
//   core 9-12k/s and 295-470 us. A check's path is short: handing it
//   between threads costs more than it saves, and a busy second worker
//   holds the core that ZeroMQ's I/O thread and the subscriber wake on.
// So backtests default to one per core and nodes to one (config loader).
// threads = 0: one per core.
inline uint32_t worker_threads(uint32_t threads) {
  return threads ? threads : std::max(1u, std::thread::hardware_concurrency());
}

inline void set_worker_threads(caf::actor_system_config& cfg, uint32_t threads) {
  cfg.set("scheduler.max-threads", static_cast<size_t>(worker_threads(threads)));
}

}  // namespace tn
