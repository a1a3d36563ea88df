#include "storage/node_state.hpp"

#include "storage/format.hpp"
#include "storage/store_core.hpp"

namespace tn::storage {

namespace {

Status check_key(const std::string& key) {
  if (key.empty() || key.size() > format::kMaxKeyBytes)
    return make_error(Errc::invalid_input, "node state key must be 1.." +
                                               std::to_string(format::kMaxKeyBytes) + " bytes");
  return Status::OK();
}

}  // namespace

Status NodeState::put(const std::string& key, const std::string& value) {
  if (Status s = check_key(key); !s) return s;
  auto r = lmdb::try_write(core_.env, "node state", [&](lmdb::WriteTxn& txn) -> Result<bool> {
    if (Status s = txn.put(core_.t.node_state, key, value); !s) return s.error();
    return true;
  });
  if (!r) return r.error();
  return Status::OK();
}

Result<std::optional<std::string>> NodeState::get(const std::string& key) {
  if (Status s = check_key(key); !s) return s.error();
  return lmdb::with_read(core_.env, [&](lmdb::ReadTxn& txn) -> Result<std::optional<std::string>> {
    auto v = txn.get(core_.t.node_state, key);
    if (!v) return v.error();
    if (!*v) return std::optional<std::string>();
    return std::optional<std::string>(std::string(**v));
  });
}

}  // namespace tn::storage
