// Cluster roles over CAF's middleman: io::publish / io::remote_actor
// (openssl::publish / openssl::remote_actor with TLS). No protocol of our
// own: the same messages as inside one node, serialized by CAF.
#include "tools/cluster_node.hpp"


#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/cluster/cluster_actors.hpp"
#include "storage/store.hpp"
#include "tools/node_loaders.hpp"
#include "tools/node_setup.hpp"
#include "tools/node_startup.hpp"

namespace tn {

namespace {

uint64_t fingerprint_of(const Config& cfg) {
  return cluster_fingerprint(cfg.cluster, stream_names(cfg), stream_shards(cfg, cfg.cluster.shard_count));
}

caf::expected<caf::actor> connect(caf::actor_system& sys, const ClusterConfig& c) {
  return c.tls ? caf::openssl::remote_actor(sys, c.trading_host, c.trading_port)
               : caf::io::remote_actor(sys, c.trading_host, c.trading_port);
}

// A refusal that retrying cannot mend (not a configured peer, another
// layout: the gateway answers Errc::rejected) ends the data node. Anything
// else (the shard still served by our old link: Errc::busy; a gateway
// stopping, a timeout) is retried with backoff.
bool permanent(const Error& why) { return why.code == Errc::rejected; }

}  // namespace

void prepare_cluster_system(caf::actor_system_config& caf_cfg, const Config& cfg) {
  caf_cfg.load<caf::io::middleman>();
  // Heartbeats: a frozen peer or a silent network is noticed (down_msg)
  // within link_timeout_ms, not only when TCP reports an error.
  const auto timeout = std::chrono::milliseconds(cfg.cluster.link_timeout_ms);
  caf_cfg.set("middleman.heartbeat-interval", caf::timespan{timeout / 5});
  caf_cfg.set("middleman.connection-timeout", caf::timespan{timeout});
  if (!cfg.cluster.tls) return;
  caf_cfg.load<caf::openssl::manager>();
  // Both ends present a certificate signed by the cluster's CA and verify
  // the other's against it: a peer without one is refused in the handshake.
  caf_cfg.openssl_certificate = cfg.cluster.tls_certificate;
  caf_cfg.openssl_key = cfg.cluster.tls_key;
  caf_cfg.openssl_cafile = cfg.cluster.tls_cafile;
}

Result<uint16_t> start_gateway(caf::actor_system& sys, const Config& cfg, Pipeline& p) {
  p.gateway = spawn_gateway(sys, p.shard_links, cfg.cluster.peers, fingerprint_of(cfg));
  const ClusterConfig& c = cfg.cluster;
  // reuse_addr: a restarted trading node binds again at once (TIME_WAIT).
  auto port = c.tls ? caf::openssl::publish(p.gateway, c.listen_port, c.listen_host.c_str(), true)
                    : caf::io::publish(p.gateway, c.listen_port, c.listen_host.c_str(), true);
  if (!port)
    return make_error(Errc::io, "cluster: cannot listen on " + c.listen_host + ":" +
                                    std::to_string(c.listen_port) + ": " + sys.render(port.error()));
  spdlog::info("cluster: trading node listening on {}:{}{} for {} shard(s), peers: {}", c.listen_host,
               *port, c.tls ? " (TLS)" : "", p.shard_links.size(), fmt::join(c.peers, ", "));
  return *port;
}

int run_data_node(const Config& cfg) {
  const ClusterConfig& c = cfg.cluster;
  caf::actor me;  // the receiving side of this thread, once the system exists
  std::atomic<bool> stopping{false};
  SignalWatcher signals([&](int) {
    stopping = true;
    caf::anon_send(me, stop_atom::value);
  });
  // Its own store: data.error events of its fetcher (the trading node's
  // ledger is the trading node's alone).
  auto db = open_node_database(cfg);
  if (!db) return fail(1, db.error().message);
  std::shared_ptr<storage::Store> store = db->store;
  // Bad data files fail here, before connecting.
  const bool live = cfg.mode == "live";
  if (auto probe = live ? Result<Loaded>(Loaded{}) : load_replay(cfg, c.shard_count, INT64_MIN); !probe)
    return fail(2, probe.error().message);

  caf::actor_system_config caf_cfg;
  configure_node_actor_system(caf_cfg, cfg);
  caf::actor_system sys{caf_cfg};
  caf::scoped_actor self{sys};
  me = caf::actor_cast<caf::actor>(self);
  signals.start();

  const auto streams = stream_table(cfg);
  std::vector<int32_t> periods;
  for (const auto& s : streams) periods.push_back(s.ma_period);
  const uint64_t fp = fingerprint_of(cfg);
  auto events = sys.groups().get_local("tradernode.events");
  auto wait = [&](std::chrono::milliseconds d) {  // a pause a signal can cut short
    self->receive([&](stop_atom) { stopping = true; }, caf::after(d) >> [] {});
  };
  int code = 0;
  bool done = false;
  std::chrono::milliseconds backoff{100};
  uint64_t attempts = 0;
  spdlog::info("data node {} ({}): shard {} of {}, trading node {}:{}{}", cfg.node_name, cfg.mode,
               c.shard_index, c.shard_count, c.trading_host, c.trading_port, c.tls ? " (TLS)" : "");
  while (!stopping && !done) {
    auto gw = connect(sys, c);
    if (!gw) {  // not up (yet, or again): retry with backoff
      const std::string why = sys.render(gw.error());
      // A handshake cut short: the other side refused this node (TLS
      // certificate, or TLS on one side only). Worth a warning each time.
      if (why.find("handshake") != std::string::npos)
        spdlog::warn("cluster: the trading node {}:{} refused the handshake ({}); check [cluster] tls "
                     "and the certificates", c.trading_host, c.trading_port, why);
      else if (attempts++ % 20 == 0)
        spdlog::info("cluster: trading node {}:{} not reachable ({}); retrying", c.trading_host,
                     c.trading_port, why);
      wait(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(c.retry_max_ms));
      continue;
    }
    int64_t resume = INT64_MIN;
    caf::actor link;
    Error refused;
    self->request(*gw, std::chrono::seconds(10), join_atom::value, cfg.node_name, c.shard_index,
                  c.shard_count, fp)
        .receive([&](int64_t r, caf::actor l) { resume = r, link = std::move(l); },
                 [&](caf::error& e) { refused = from_caf_error(sys, e); });
    if (!link) {
      if (permanent(refused)) {
        spdlog::error("cluster: the trading node refused this data node: {}", refused.message);
        code = 1;
        break;
      }
      spdlog::warn("cluster: join failed ({}); retrying", refused.message);
      wait(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(c.retry_max_ms));
      continue;
    }
    auto loaded = live ? load_live(cfg, c.shard_count, resume) : load_replay(cfg, c.shard_count, resume);
    if (!loaded) { spdlog::error("{}", loaded.error().message); code = 2; break; }
    auto reader = loaded->readers.at(c.shard_index);
    // The link came over the network as a caf::actor (actors.hpp): it takes snapshots.
    auto indicator = sys.spawn(indicator_actor, periods, caf::actor_cast<SnapshotSink>(link));
    // No retry sink here: the scheduler is on the trading node, so a late
    // bar waits for the stream's next check.
    auto fetcher = live ? sys.spawn<caf::detached>(check_fetcher_actor, reader, indicator, streams, store,
                                                   events, system_clock_ptr())
                        : sys.spawn(check_fetcher_actor, reader, indicator, streams, store, events,
                                    system_clock_ptr());
    auto saw_last = std::make_shared<std::atomic<bool>>(false);
    auto front = sys.spawn(data_link_actor, fetcher, saw_last);
    self->monitor(link);
    self->send(link, attach_atom::value, cfg.node_name, front);
    spdlog::info("cluster: joined the trading node as shard {} (warm-up to {})", c.shard_index, resume);
    backoff = std::chrono::milliseconds(100);
    bool gone = false;
    while (!gone && !stopping)
      self->receive([&](caf::down_msg& m) { gone = m.source == link.address(); },
                    [&](stop_atom) { stopping = true; });
    self->demonitor(link);
    caf::anon_send_exit(front, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(fetcher, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(indicator, caf::exit_reason::user_shutdown);
    if (saw_last->load()) done = true;  // the trading node's run ended
    else if (!stopping) spdlog::warn("cluster: lost the trading node; reconnecting");
  }
  signals.finish();
  spdlog::info("data node {} stopped ({})", cfg.node_name,
               done ? "the trading node's run ended" : stopping ? "signal" : "refused");
  return code;
}

}  // namespace tn
