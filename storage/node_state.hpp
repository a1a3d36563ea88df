#pragma once
// Small durable facts about the node (paused flag, last checks, ...): a
// key -> bytes map. Values are stored as given; callers usually store msgpack.
#include <optional>
#include <string>

#include "common/error.hpp"

namespace tn::storage {

namespace detail { struct Core; }

class NodeState {
 public:
  // key: 1..511 bytes.
  Status put(const std::string& key, const std::string& value);
  // nullopt when the key was never put.
  Result<std::optional<std::string>> get(const std::string& key);

  NodeState(const NodeState&) = delete;
  NodeState& operator=(const NodeState&) = delete;

 private:
  friend class Store;
  explicit NodeState(detail::Core& core) : core_(core) {}
  detail::Core& core_;  // owned by the Store
};

}  // namespace tn::storage
