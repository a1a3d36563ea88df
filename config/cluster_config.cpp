#include "config/cluster_config.hpp"

namespace tn {

uint32_t fnv1a32(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

uint32_t shard_of_symbol(const ClusterConfig& c, const std::string& symbol) {
  if (auto it = c.assign.find(symbol); it != c.assign.end()) return it->second;
  return c.shard_count == 0 ? 0 : fnv1a32(symbol) % c.shard_count;
}

uint64_t cluster_fingerprint(const ClusterConfig& c, const std::vector<std::string>& stream_names,
                             const std::vector<uint32_t>& stream_shards) {
  // FNV-1a 64 over a canonical text of the layout.
  std::string text = "shards=" + std::to_string(c.shard_count) + ";";
  for (size_t i = 0; i < stream_names.size(); ++i)
    text += stream_names[i] + "@" + std::to_string(i < stream_shards.size() ? stream_shards[i] : 0) + ";";
  uint64_t h = 14695981039346656037ull;
  for (unsigned char ch : text) {
    h ^= ch;
    h *= 1099511628211ull;
  }
  return h;
}

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace tn
