#pragma once
// The start-up every node role shares (a standalone or trading node in
// node_run.cpp, a data node in cluster_node.cpp): one node per database,
// the store, signals handled on one thread, and the actor system's
// configuration. One routine, so the roles cannot drift apart on any of it.
#include <signal.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <caf/actor_system_config.hpp>

#include "common/amount.hpp"
#include "config/config.hpp"
#include "storage/store.hpp"
#include "tools/node_lock.hpp"

namespace tn {

// Logs msg as an error and returns the exit code (0 ok, 1 failure, 2 usage or input).
int fail(int code, const std::string& msg);

// The database a node owns for its life: the lock first (a second node on
// the same folder is refused before anything is opened), then the store.
struct NodeDatabase {
  NodeLock lock;
  std::shared_ptr<storage::Store> store;
};
// route_events: which event types get outbox rows (the notify plan); empty for none.
Result<NodeDatabase> open_node_database(const Config& cfg, storage::EventRouter route_events = {});

// SIGINT and SIGTERM are blocked in every thread (the mask is set before
// any thread starts, and inherited) and waited for on one thread of their
// own, so no handler ever runs inside CAF or LMDB code. on_signal runs on
// that thread for each of them. Construct before starting any thread.
class SignalWatcher {
 public:
  explicit SignalWatcher(std::function<void(int)> on_signal);
  // Waits for nothing more (the watcher wakes on SIGUSR1 and returns):
  // call before the actor system goes away; the destructor does it too.
  void finish();
  ~SignalWatcher() { finish(); }
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;
  // Starts waiting (after the actor system exists: on_signal may use it).
  void start();

 private:
  sigset_t sigs_;
  std::function<void(int)> on_signal_;
  std::thread thread_;
};

// What a node carries on with from its database, logged at start: the pause
// mode (kept across restarts), the last decided check (the next one follows
// it) and the account's starting balance. The ledger keeps the balance the
// account was opened with, so a different [account] starting_balance in
// the config is a WARNING saying which one is used.
// resume_ms INT64_MIN: nothing decided yet; pause_mode "" : never set.
void log_resumed_state(const Config& cfg, int64_t resume_ms, const std::string& pause_mode,
                       Amount ledger_starting_balance);

// The actor system of a running node: our message types, CAF's sharing
// scheduler (an idle worker blocks, no CPU, and wakes on the first
// message, where work stealing backs off into sleeps of up to 10 ms:
// bench/latency shows the difference), [node] threads workers, and the
// middleman for a cluster role.
void configure_node_actor_system(caf::actor_system_config& caf_cfg, const Config& cfg);

}  // namespace tn
