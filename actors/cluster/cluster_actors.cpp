// The cluster's CAF shells. On the trading node: one shard link
// per remote shard (around ShardLink, shard_link.hpp) standing in for that
// shard's fetcher, and the gateway, the one actor published on the network,
// which admits data nodes. On a data node: the data link in front of its
// fetcher. Messages are the same as inside one node (messages/caf_types.hpp).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>

#include "actors/cluster/cluster_actors.hpp"
#include "actors/cluster/shard_link.hpp"
#include "common/clock.hpp"
#include "storage/store.hpp"

namespace tn {

namespace {

struct ShardLinkState {
  std::unique_ptr<ShardLink> core;
  SignalActor signal;
  CheckTarget fetcher;  // the data node's data link, while up
  std::shared_ptr<storage::Store> store;
  caf::group events;
  std::vector<std::string> streams;  // this shard's, for the health events
  ClockPtr clock;
  Activity act;
  static inline const char* name = "shard_link";
};
using ShardLinkSelf = ShardLinkActor::stateful_base<ShardLinkState>;

// node.peer_up / node.peer_down into the log, then to the group (publisher).
void peer_event(ShardLinkSelf* self, const std::string& topic, PeerEvent e) {
  auto& st = self->state;
  e.streams = st.streams;
  if (auto seq = st.store->events().append({topic, encode(e), st.clock->now_ms() * 1'000'000}))
    caf::anon_send(st.events, events_atom::value, seq.value());
}

ShardLinkActor::behavior_type shard_link_impl(ShardLinkSelf* self, ShardLinkSpec spec) {
  auto& st = self->state;
  st.core = std::make_unique<ShardLink>(spec.shard, spec.resume_ms);
  st.signal = spec.signal;
  st.store = spec.store;
  st.events = spec.events;
  st.streams = spec.streams;
  st.clock = spec.clock ? spec.clock : system_clock_ptr();
  st.act.clock = st.clock.get();
  const uint32_t shard = spec.shard;
  self->set_down_handler([=](caf::down_msg& m) {
    auto& s = self->state;
    if (!s.fetcher || m.source != s.fetcher.address()) return;  // an old link
    s.fetcher = nullptr;
    const std::string node = s.core->view().node;
    for (auto& w : s.core->down(s.clock->now_ms())) self->send(s.signal, std::move(w));
    const std::string why = to_string(m.reason);
    spdlog::warn("cluster: data node '{}' (shard {}) is down ({}): its streams are stale", node, shard, why);
    peer_event(self, topic::node_peer_down, {node, shard, "down", {}, why});
  });
  return {
      [=](const CheckRequest& req) {  // from the scheduler
        auto& s = self->state;
        s.act.touch();
        auto r = s.core->route(req);
        if (r.forward) self->send(s.fetcher, req);
        for (auto& w : r.stale) self->send(s.signal, std::move(w));
      },
      [=](SnapshotWindow& w) {  // from the data node's indicator
        auto& s = self->state;
        s.act.touch();
        if (s.core->accept(w)) self->send(s.signal, std::move(w));
      },
      [=](join_atom, const std::string& node) -> caf::result<int64_t, caf::actor> {
        if (auto why = self->state.core->refuse_join(node))
          return caf::make_error(Errc::busy, *why);  // until the old link is down: retried
        return caf::result<int64_t, caf::actor>(self->state.core->resume_ms(),
                                                caf::actor_cast<caf::actor>(self));
      },
      [=](attach_atom, const std::string& node, const caf::actor& fetcher) {
        auto& s = self->state;
        if (s.core->refuse_join(node) || !fetcher) return;
        // It crossed the network as a caf::actor (actors.hpp); it takes checks.
        s.fetcher = caf::actor_cast<CheckTarget>(fetcher);
        self->monitor(fetcher);
        for (auto& req : s.core->attach(node, s.clock->now_ms())) self->send(s.fetcher, std::move(req));
        spdlog::info("cluster: data node '{}' serves shard {} ({} streams)", node, shard, s.streams.size());
        peer_event(self, topic::node_peer_up, {node, shard, "up", {}, ""});
      },
      [=](stop_atom) {  // the node stops: do not wait for a data node any more
        auto& s = self->state;
        for (auto& w : s.core->stop_waiting()) self->send(s.signal, std::move(w));
      },
      [=](status_atom) -> std::string { return encode(self->state.core->view()); },
      [=](health_atom) { return health_of(self, "shard_link", self->state.act); },
  };
}

// Admits a data node: a configured peer, a shard that exists, the same
// streams and shard layout (fingerprint); the shard link decides the rest.
caf::behavior gateway_impl(caf::event_based_actor* self, std::vector<ShardLinkActor> links,
                           std::vector<std::string> peers, uint64_t fingerprint) {
  return {
      [=](join_atom, const std::string& node, uint32_t shard, uint32_t shard_count,
          uint64_t fp) -> caf::result<int64_t, caf::actor> {
        std::string why;
        if (std::find(peers.begin(), peers.end(), node) == peers.end())
          why = "node '" + node + "' is not in this trading node's cluster.peers";
        else if (shard_count != links.size() || shard >= links.size())
          why = "shard " + std::to_string(shard) + " of " + std::to_string(shard_count) +
                ": this trading node has shard_count = " + std::to_string(links.size());
        else if (fp != fingerprint)
          why = "node '" + node + "' has another watchlist or shard layout (fingerprint differs)";
        if (!why.empty()) {
          spdlog::warn("cluster: refused a data node: {}", why);
          return caf::make_error(Errc::rejected, why);  // the data node gives up
        }
        auto rp = self->make_response_promise();
        rp.delegate(links[shard], join_atom::value, node);
        return rp;
      },
  };
}

}  // namespace

ShardLinkActor spawn_shard_link(caf::actor_system& sys, ShardLinkSpec spec) {
  return sys.spawn(shard_link_impl, std::move(spec));
}

caf::actor spawn_gateway(caf::actor_system& sys, std::vector<ShardLinkActor> links,
                         std::vector<std::string> peers, uint64_t fingerprint) {
  return sys.spawn(gateway_impl, std::move(links), std::move(peers), fingerprint);
}

caf::behavior data_link_actor(caf::event_based_actor* self, CheckFetcherActor fetcher,
                              std::shared_ptr<std::atomic<bool>> saw_last) {
  self->link_to(fetcher);  // one fate: the trading node sees the link go down
  return {
      [=](CheckRequest& req) {
        if (req.last) saw_last->store(true);
        self->send(fetcher, std::move(req));
      },
  };
}

}  // namespace tn
