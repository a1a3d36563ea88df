#pragma once
// Several nodes sharing one pipeline: which part a node runs
// ([node] role) and how the nodes find each other ([cluster]). Plain C++:
// the CAF side is tools/cluster_*.cpp.
//
//   role "all"      everything in one process (the default, as before)
//   role "data"     check fetchers + indicators for ONE shard of the watchlist;
//                   connects to the trading node (retrying with backoff)
//   role "trading"  scheduler, signal, arbiter, executor, portfolio, notifier,
//                   publisher; publishes its cluster gateway on listen_host:listen_port
//
// Every node of a cluster reads the same watchlist and [cluster] shard_count
// (and [cluster.assign]); a data node adds its shard_index. A stream's shard
// is its symbol's explicit assignment, else FNV-1a(symbol) % shard_count: a
// stable hash (std::hash may differ between builds), and all timeframes of
// one symbol land on the same data node.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tn {

struct ClusterConfig {
  std::string role = "all";  // all | data | trading
  // trading: where the gateway listens (loopback unless TLS is on)
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 0;
  // data: where the trading node is, and which shard this node serves
  std::string trading_host = "127.0.0.1";
  uint16_t trading_port = 0;
  uint32_t shard_index = 0;
  // both
  uint32_t shard_count = 1;
  std::map<std::string, uint32_t> assign;  // [cluster.assign] SYMBOL = shard (explicit)
  std::vector<std::string> peers;          // trading: the data nodes' names it accepts
  uint32_t retry_max_ms = 5000;            // data: backoff cap while the trading node is away
  // Both: a peer silent this long (no heartbeat: frozen, or the network
  // gone without a TCP reset) is disconnected, so its shard goes stale.
  // CAF's middleman heartbeats every link_timeout_ms / 5.
  uint32_t link_timeout_ms = 5000;
  // TLS between nodes (libcaf_openssl); required off loopback
  bool tls = false;
  std::string tls_certificate, tls_key, tls_cafile;  // PEM files

  bool clustered() const { return role != "all"; }
};

// FNV-1a, 32 bits: the same number on every machine and build.
uint32_t fnv1a32(std::string_view s);

// The shard of a symbol (explicit assignment first, then the hash).
uint32_t shard_of_symbol(const ClusterConfig& c, const std::string& symbol);

// A fingerprint of what must agree between the nodes of a cluster: the
// streams (symbol:timeframe, in stream-id order), shard_count and every
// stream's shard. A data node whose fingerprint differs is refused.
uint64_t cluster_fingerprint(const ClusterConfig& c, const std::vector<std::string>& stream_names,
                             const std::vector<uint32_t>& stream_shards);

bool is_loopback_host(const std::string& host);

}  // namespace tn
