#include "actors/cluster/shard_link.hpp"

#include <algorithm>

namespace tn {

const char* link_state_name(LinkState s) {
  switch (s) {
    case LinkState::waiting: return "waiting";
    case LinkState::up: return "up";
    case LinkState::down: return "down";
  }
  return "?";
}

std::optional<std::string> ShardLink::refuse_join(const std::string& node) const {
  if (state_ == LinkState::up)
    return "shard " + std::to_string(shard_) + " is already served by node '" + node_ + "'" +
           (node == node_ ? " (the old link is not down yet: retry)" : "");
  return std::nullopt;
}

std::vector<CheckRequest> ShardLink::attach(const std::string& node, int64_t wall_ms) {
  state_ = LinkState::up;
  node_ = node;
  ++joins_;
  since_ms_ = wall_ms;
  std::vector<CheckRequest> out(held_.begin(), held_.end());
  held_.clear();
  in_flight_.insert(in_flight_.end(), out.begin(), out.end());
  return out;
}

ShardLink::Routed ShardLink::route(const CheckRequest& req) {
  Routed r;
  switch (state_) {
    case LinkState::waiting:
      held_.push_back(req);
      if (req.last) {  // the run ends before any data node came
        for (const CheckRequest& h : held_) r.stale.push_back(answer_stale(h));
        held_.clear();
      }
      return r;
    case LinkState::up:
      in_flight_.push_back(req);
      r.forward = true;
      return r;
    case LinkState::down:
      break;
  }
  r.stale.push_back(answer_stale(req));
  return r;
}

SnapshotWindow ShardLink::answer_stale(const CheckRequest& req) {
  ++stale_checks_;
  answered_stale_.insert(req.window);
  resume_ms_ = std::max(resume_ms_, req.now_ms);  // a rejoin warms up past it
  return stale_window(req);
}

std::vector<SnapshotWindow> ShardLink::stop_waiting() {
  std::vector<SnapshotWindow> out;
  for (const CheckRequest& h : held_) out.push_back(answer_stale(h));
  held_.clear();
  return out;
}

std::vector<SnapshotWindow> ShardLink::down(int64_t wall_ms) {
  std::vector<SnapshotWindow> out;
  if (state_ != LinkState::up) return out;
  state_ = LinkState::down;
  since_ms_ = wall_ms;
  for (const CheckRequest& req : in_flight_) out.push_back(answer_stale(req));
  in_flight_.clear();
  return out;
}

bool ShardLink::accept(const SnapshotWindow& w) {
  if (w.bars.warmup) return false;  // history: the signal actor ignores it anyway
  if (answered_stale_.count(w.bars.window)) return false;
  // Answered: everything up to this window is no longer in flight, and
  // the resume point moves with it (a rejoin warms up to here).
  while (!in_flight_.empty() && in_flight_.front().window <= w.bars.window) {
    resume_ms_ = std::max(resume_ms_, in_flight_.front().now_ms);
    in_flight_.pop_front();
  }
  return true;
}

SnapshotWindow ShardLink::stale_window(const CheckRequest& req) {
  SnapshotWindow s;
  BarWindow& w = s.bars;
  w.window = req.window;
  w.end_ms = req.now_ms + 1;
  w.start_ms = w.end_ms;
  w.last = req.last;
  w.next_window = req.window + 1;
  w.offsets.push_back(0);
  return s;
}

PeerStatus ShardLink::view() const {
  return {shard_, link_state_name(state_), node_, joins_, stale_checks_, since_ms_};
}

}  // namespace tn
