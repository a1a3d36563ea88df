#include "tools/node_startup.hpp"

#include <pthread.h>

#include <spdlog/spdlog.h>

#include "control/format.hpp"
#include "messages/caf_types.hpp"
#include "messages/control.hpp"
#include "tools/cluster_node.hpp"
#include "tools/worker_threads.hpp"

namespace tn {

int fail(int code, const std::string& msg) {
  spdlog::error("{}", msg);
  return code;
}

Result<NodeDatabase> open_node_database(const Config& cfg, storage::EventRouter route_events) {
  auto lock = NodeLock::acquire(cfg.db_path);
  if (!lock) return lock.error();
  storage::OpenOptions so;
  so.path = cfg.db_path;
  so.map_size_bytes = cfg.db_map_size_mb << 20;
  so.durable = cfg.db_durable;
  so.node = cfg.node_name;
  so.route_events = std::move(route_events);
  auto store = storage::Store::open(so);
  if (!store) return store.error();
  return NodeDatabase{std::move(lock.value()), std::move(store.value())};
}

void log_resumed_state(const Config& cfg, int64_t resume_ms, const std::string& pause_mode,
                       Amount ledger_starting_balance) {
  const std::string mode = pause_mode.empty() ? pause_mode::running : pause_mode;
  const std::string last = resume_ms == INT64_MIN
                               ? "none yet (a new database)"
                               : format_utc_ms(resume_ms) + " (" + std::to_string(resume_ms) + " ms)";
  spdlog::info("resuming from {}: {} ({}), last decided check {}", cfg.db_path,
               mode == pause_mode::running ? "not paused" : "PAUSED", mode, last);
  const Amount configured = to_amount(cfg.starting_balance);
  spdlog::info("account {}: starting balance {} {} in the ledger, {} in the config", cfg.account_id,
               format_amount(ledger_starting_balance), cfg.quote, format_amount(configured));
  if (configured != ledger_starting_balance)
    spdlog::warn("account {}: [account] starting_balance {} in {} differs from the ledger's {} {}: the ledger's "
                 "is used (it was opened with it); start a new account (--account-id) or database (--db-path) "
                 "to begin with {}",
                 cfg.account_id, format_amount(configured), cfg.source_path, format_amount(ledger_starting_balance),
                 cfg.quote, format_amount(configured));
}

SignalWatcher::SignalWatcher(std::function<void(int)> on_signal) : on_signal_(std::move(on_signal)) {
  sigemptyset(&sigs_);
  for (int s : {SIGINT, SIGTERM, SIGUSR1}) sigaddset(&sigs_, s);
  pthread_sigmask(SIG_BLOCK, &sigs_, nullptr);
}

void SignalWatcher::start() {
  thread_ = std::thread([this] {
    int sig = 0;
    while (sigwait(&sigs_, &sig) == 0) {
      if (sig == SIGUSR1) return;  // the node is done: stop waiting
      spdlog::info("signal {}: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
      on_signal_(sig);
    }
  });
}

void SignalWatcher::finish() {
  if (!thread_.joinable()) return;
  pthread_kill(thread_.native_handle(), SIGUSR1);
  thread_.join();
}

void configure_node_actor_system(caf::actor_system_config& caf_cfg, const Config& cfg) {
  add_tn_types(caf_cfg);  // our message types and error category
  caf_cfg.set("scheduler.policy", caf::atom("sharing"));
  set_worker_threads(caf_cfg, cfg.threads);
  if (cfg.cluster.role == "trading" || cfg.cluster.role == "data") prepare_cluster_system(caf_cfg, cfg);
}

}  // namespace tn
