#pragma once
// The arbiter's cross-shard join: each shard sends its part of a window
// (SignalWindow), in its own order and at its own pace, and skips windows
// where it has no bars, naming the next window it will send (next_window).
// The join hands out whole windows, lowest first, once every shard that
// will send that window has sent it, so a skipped window is told apart from
// a late one. Plain C++: the shell feeds it parts and decides what it hands
// out, one window at a time.
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "messages/market.hpp"

namespace tn {

// A window every expected shard has delivered.
struct JoinedWindow {
  uint64_t window = 0;
  std::vector<SignalWindow> parts;     // in arrival order
  std::vector<uint32_t> contributors;  // the shards of `parts`, same order
};

class WindowJoin {
 public:
  explicit WindowJoin(uint32_t shards = 0) { reset(shards); }

  // A new run with this many shards; forgets everything held.
  void reset(uint32_t shards);

  // Takes a shard's part. False (and the part dropped) when the shard is
  // not one of this run's.
  bool add(SignalWindow part);

  // The lowest window every unfinished shard has either delivered or
  // announced it will skip, once complete; its parts leave the join and
  // each contributing shard's next expected window moves on. Nothing while
  // any shard is still to be heard from (no part yet, or the lowest
  // expected window still missing a part).
  std::optional<JoinedWindow> next_ready();

  // Every shard has delivered its last window.
  bool all_finished() const;

  size_t shard_count() const { return expect_.size(); }

 private:
  std::map<uint64_t, std::vector<SignalWindow>> pending_;  // window -> parts so far
  // Per shard: the window it sends next (unknown until its first part) and
  // whether it has sent its last.
  std::vector<std::optional<uint64_t>> expect_;
  std::vector<bool> finished_;
};

}  // namespace tn
