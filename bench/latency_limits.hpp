#pragma once
// bench/latency's limits, measured in the same run as the pipeline: bare
// ZeroMQ hops, bare LMDB commits and a bare ledger apply, each alone on
// this machine; and the percentiles every figure is printed as.
#include <cstdint>
#include <string>
#include <vector>

namespace tn::bench {

int64_t now_ns();  // steady clock

struct Pcts { double p50 = 0, p99 = 0, p999 = 0; size_t n = 0; };
Pcts pcts(std::vector<double> us);
void print(const char* what, const Pcts& p);

// A REQ/REP round trip over tcp loopback (a 300-byte message, about a fill's).
Pcts zmq_round_trip(int n);
// PUB -> SUB one way over tcp loopback, one message every gap_ms.
Pcts zmq_paced_one_way(int n, int gap_ms);
// One small put per commit, durable (fsync) or MDB_NOSYNC.
Pcts lmdb_commit(const std::string& dir, int n, bool durable);
// The executor's commit (balances, order, transaction, signal and trade
// events, chained), alone on one thread, caches warm.
Pcts ledger_apply(const std::string& dir, int n, bool durable);

// What the machine itself allows, with nothing else running. A thread that
// only reads the clock sees a gap whenever its CPU is taken from it (on a
// VM: the hypervisor runs someone else); a path of several threads meets
// such gaps at every hop, so they bound its tail from below.
struct Gaps { double per_s = 0, longest_us = 0, lost_pct = 0; };
Gaps clock_gaps(double seconds, double over_us);
// How late a thread wakes from a short sleep: what every hop from an idle
// thread pays (the subscriber, ZeroMQ's I/O threads, an idle CAF worker).
Pcts wake_up_lateness(int n, int sleep_us);

// CPU time the hypervisor gave to others (steal), all CPUs, since boot.
struct CpuTicks { uint64_t steal = 0, total = 0; };
CpuTicks cpu_ticks();

}  // namespace tn::bench
