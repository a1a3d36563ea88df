// The arbiter's cross-shard window join (window_join.hpp).
#include "actors/arbiter/window_join.hpp"

#include <algorithm>

namespace tn {

void WindowJoin::reset(uint32_t shards) {
  pending_.clear();
  expect_.assign(shards, std::nullopt);
  finished_.assign(shards, false);
}

bool WindowJoin::add(SignalWindow part) {
  if (part.shard >= expect_.size()) return false;
  if (!expect_[part.shard]) expect_[part.shard] = part.window;  // its first part
  const uint64_t window = part.window;
  pending_[window].push_back(std::move(part));
  return true;
}

std::optional<JoinedWindow> WindowJoin::next_ready() {
  std::optional<uint64_t> lowest;
  for (size_t s = 0; s < expect_.size(); ++s) {
    if (finished_[s]) continue;
    if (!expect_[s]) return std::nullopt;  // no part from this shard yet
    lowest = lowest ? std::min(*lowest, *expect_[s]) : *expect_[s];
  }
  if (!lowest) return std::nullopt;
  auto it = pending_.find(*lowest);
  size_t want = 0;
  for (size_t s = 0; s < expect_.size(); ++s) want += !finished_[s] && *expect_[s] == *lowest;
  if (it == pending_.end() || it->second.size() < want) return std::nullopt;
  JoinedWindow out;
  out.window = *lowest;
  out.parts = std::move(it->second);
  pending_.erase(it);
  for (const SignalWindow& p : out.parts) {
    out.contributors.push_back(p.shard);
    if (p.last)
      finished_[p.shard] = true;
    else
      expect_[p.shard] = p.next_window;
  }
  return out;
}

bool WindowJoin::all_finished() const {
  return std::all_of(finished_.begin(), finished_.end(), [](bool f) { return f; });
}

}  // namespace tn
