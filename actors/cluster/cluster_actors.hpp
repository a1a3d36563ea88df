#pragma once
// The cluster's actors; see cluster_actors.cpp and shard_link.hpp.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "actors/pipeline.hpp"

namespace tn {

struct ShardLinkSpec {
  uint32_t shard = 0;
  SignalActor signal;                  // the shard's signal actor (trading node)
  std::shared_ptr<storage::Store> store;  // node.peer_* events
  caf::group events;
  std::vector<std::string> streams;    // the shard's streams, "BTCUSDT:1d"
  int64_t resume_ms = INT64_MIN;       // the trading node's last decided check
  ClockPtr clock = system_clock_ptr();  // when a data node attached or went down
};

// Trading node: stands in for a remote shard's fetcher (checks in,
// snapshots on to the signal actor; stale answers while the data node is down).
ShardLinkActor spawn_shard_link(caf::actor_system& sys, ShardLinkSpec spec);
// Trading node: the published actor; links[i] serves shard i.
caf::actor spawn_gateway(caf::actor_system& sys, std::vector<ShardLinkActor> links,
                         std::vector<std::string> peers, uint64_t fingerprint);
// Data node: in front of its fetcher; notes the run's last check.
caf::behavior data_link_actor(caf::event_based_actor* self, CheckFetcherActor fetcher,
                              std::shared_ptr<std::atomic<bool>> saw_last);

}  // namespace tn
