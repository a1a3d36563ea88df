#pragma once
// The two cluster roles' process-level parts: CAF's middleman
// (and OpenSSL module) in the actor system, the trading node's published
// gateway, and the data node's whole life (connect, join, serve, rejoin).
#include <cstdint>

#include "actors/pipeline.hpp"
#include "config/config.hpp"

namespace tn {

// Loads caf::io::middleman, and caf::openssl::manager with the
// certificates when [cluster] tls = true.
void prepare_cluster_system(caf::actor_system_config& caf_cfg, const Config& cfg);

// Trading node: spawns the gateway over p's shard links and publishes it on
// [cluster] listen_host:listen_port (TLS when configured). The bound port.
Result<uint16_t> start_gateway(caf::actor_system& sys, const Config& cfg, Pipeline& p);

// Data node: until stopped (signal) or the trading node's run ends. Exit
// codes as run_node: 0 done, 1 refused by the trading node / failure, 2 bad input.
int run_data_node(const Config& cfg);

}  // namespace tn
