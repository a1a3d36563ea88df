#pragma once
// The one storage entry point: an LMDB environment in a directory, opened by
// a factory (LevelDB's DB::Open idea). Everything else in storage/ is reached
// through it; no LMDB type appears in this or any other public header.
//
// Threads: every method is one self-contained LMDB transaction, so a Store
// may be used from any thread (the env is opened with MDB_NOTLS); writers
// queue on LMDB's writer lock. Open a path at most once per process.
#include <cstdint>
#include <memory>
#include <string>

#include "common/error.hpp"
#include "storage/event_log.hpp"
#include "storage/ledger.hpp"
#include "storage/node_state.hpp"
#include "storage/recommendations.hpp"
#include "storage/outbox.hpp"

namespace tn::storage {

struct OpenOptions {
  std::string path;                      // a directory; created (mode 0700) if missing
  uint64_t map_size_bytes = 1ull << 30;  // LMDB map size: the most the data file may grow to
  bool durable = true;                   // false: no fsync per commit (MDB_NOSYNC), for backtests
  std::string node = "tradernode";       // the node name written into every event envelope
  EventRouter route_events;              // event type -> outbox channels; empty: no outbox rows
};

class Store {
 public:
  // Errors: invalid_input (empty path, zero map size, not an LMDB file),
  // io (path cannot be created or opened: says the path and the OS reason),
  // schema_version (written by a newer tradernode: says both versions).
  static Result<std::unique_ptr<Store>> open(const OpenOptions& options);
  ~Store();

  Ledger& ledger() { return ledger_; }
  EventLog& events() { return events_; }
  NodeState& state() { return state_; }
  Recommendations& recommendations() { return recommendations_; }
  Outbox& outbox() { return outbox_; }

  const std::string& path() const;

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

 private:
  explicit Store(std::unique_ptr<detail::Core> core);

  // Constant after construction.
  std::unique_ptr<detail::Core> core_;  // the env and its table handles
  Ledger ledger_;
  EventLog events_;
  NodeState state_;
  Recommendations recommendations_;
  Outbox outbox_;
};

}  // namespace tn::storage
