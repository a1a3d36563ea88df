#pragma once
// The trading node's view of one shard served by a remote data node,
// as plain logic (the CAF shell is cluster_actors.cpp). It stands in for the
// shard's fetcher towards the scheduler:
//   waiting  no data node has attached yet: checks are held (the run waits)
//   up       checks go to the data node; its snapshots go on to the signal actor
//   down     the data node died or its link dropped: the shard is stale. Each
//            check (and every check still unanswered when it went down) is
//            answered at once with an EMPTY window: no signal from stale data,
//            and the arbiter's window order holds for the other shards.
// A snapshot for a window already answered stale is dropped (nothing is
// decided twice). A rejoining data node warms its indicators up on every bar
// up to the last check the shard saw (resume_ms) and decides only newer bars.
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "messages/control.hpp"
#include "messages/internal.hpp"
#include "messages/market.hpp"

namespace tn {

enum class LinkState { waiting, up, down };
const char* link_state_name(LinkState s);


class ShardLink {
 public:
  // resume_ms: the trading node's last decided check (a restart), or INT64_MIN.
  ShardLink(uint32_t shard, int64_t resume_ms) : shard_(shard), resume_ms_(resume_ms) {}

  // A data node asks to serve this shard. Refused (the reason) while another
  // node is up on it; else the resume point its reader warms up to.
  std::optional<std::string> refuse_join(const std::string& node) const;
  int64_t resume_ms() const { return resume_ms_; }

  // The data node's fetcher is attached: the held checks to send it now.
  std::vector<CheckRequest> attach(const std::string& node, int64_t wall_ms);

  // A check from the scheduler: forward it to the data node (up), or answer
  // these windows at once, stale (down; or the run's last check while no
  // data node ever came: a stop must not wait for one), or hold it (waiting).
  struct Routed {
    bool forward = false;
    std::vector<SnapshotWindow> stale;
  };
  Routed route(const CheckRequest& req);

  // The node is stopping: checks held for a data node that never came are
  // answered stale, so the stop's last check can be sent and decided.
  std::vector<SnapshotWindow> stop_waiting();

  // The data node is gone: the windows to answer stale now (in order).
  std::vector<SnapshotWindow> down(int64_t wall_ms);

  // A snapshot from the data node: true to pass it on to the signal actor.
  bool accept(const SnapshotWindow& w);

  // The empty answer to a check (no rows), as the shard's reader would send
  // when nothing was due.
  static SnapshotWindow stale_window(const CheckRequest& req);

  LinkState state() const { return state_; }
  PeerStatus view() const;

 private:
  uint32_t shard_;
  int64_t resume_ms_;
  LinkState state_ = LinkState::waiting;
  std::string node_;
  uint64_t joins_ = 0, stale_checks_ = 0;
  int64_t since_ms_ = 0;
  std::deque<CheckRequest> held_;        // waiting: not yet sent
  std::deque<CheckRequest> in_flight_;   // up: sent, no snapshot back yet
  std::set<uint64_t> answered_stale_;    // windows answered empty (late snapshots dropped)

  SnapshotWindow answer_stale(const CheckRequest& req);
};

}  // namespace tn
