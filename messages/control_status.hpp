#pragma once
// The status command's reply body (messages/control.hpp has the protocol
// and includes this): the node, its streams, its outbox, its data nodes.
// Money is a decimal string, times Unix milliseconds (UTC).
#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

namespace tn {

// One stream of the watchlist. Times are in the node's clock (StatusBody
// now_ms). price, ma and distance are those of the last bar decided; ma and
// distance are NaN (JSON null) while the stream warms up.
struct WatchEntry {
  std::string stream;         // "BTCUSDT:1d"
  int64_t last_check_ms = 0;  // 0: not checked yet
  uint64_t signal_checks = 0;
  bool warming_up = false;    // no bar decided yet, or fewer bars than its ma_period
  int64_t last_bar_ms = 0;    // open time of the last bar decided; 0: none yet
  double price = 0;           // that bar's close
  double ma = 0;              // its moving average
  double distance = 0;        // (price - ma) / ma, in percent
  int64_t next_check_ms = 0;  // when the scheduler checks it next; 0: no check left
  // Live: ok | waiting | late | stale | failing (messages/internal.hpp
  // data_state) and what it is about (bar, since when, attempts, error);
  // empty where no fetcher of this node reports it (replay, cluster).
  std::string data_state;
  std::string data_reason;
  MSGPACK_DEFINE_MAP(stream, last_check_ms, signal_checks, warming_up, last_bar_ms, price, ma,
                     distance, next_check_ms, data_state, data_reason);
};

// Notifications waiting in the durable outbox for one channel.
struct OutboxStatus {
  std::string channel;    // "telegram", "email"
  uint64_t depth = 0;     // messages waiting
  int64_t oldest_ms = 0;  // when the oldest waiting one was queued
  MSGPACK_DEFINE_MAP(channel, depth, oldest_ms);
};

// A shard served by a remote data node (trading node of a cluster).
struct PeerStatus {
  uint32_t shard = 0;
  std::string state;          // waiting | up | down (down: its streams are stale)
  std::string node;           // the data node serving it (the last one)
  uint64_t joins = 0;         // attaches so far (1 + rejoins)
  uint64_t stale_checks = 0;  // checks answered empty while down
  int64_t since_ms = 0;       // wall time of the last change
  MSGPACK_DEFINE_MAP(shard, state, node, joins, stale_checks, since_ms);
};

// state values in StatusBody.
namespace run_state {
inline const std::string running = "running";
// A replay that reached the end of its data and stays up ([node] at_end =
// "stay"): it decides nothing more.
inline const std::string finished = "finished";
}  // namespace run_state

struct StatusBody {
  std::string mode;        // backtest | replay | live
  std::string node;        // node name (envelope "node")
  bool paused = false;     // true for both pause modes
  std::string pause_mode;  // pause_mode::*
  int64_t uptime_s = 0;
  std::vector<WatchEntry> watchlist;
  uint64_t signal_checks = 0;
  // Trades over the ledger's whole life (an imported or restarted account's
  // included), and success_rate = executed / (executed + failed), 0..1:
  // 1 when there are none yet (nothing has failed), as the hourly daemon said.
  uint64_t trades_executed = 0;
  uint64_t trades_failed = 0;
  double success_rate = 1;
  std::string portfolio_value;  // decimal, in quote
  std::string quote;            // "USDT"
  std::vector<OutboxStatus> outbox;  // channels with messages waiting; empty: none
  std::string role = "all";          // all | trading (a data node has no control endpoint)
  std::vector<PeerStatus> peers;     // trading: one per shard
  uint32_t workers = 0;              // CAF scheduler threads ([node] threads)
  // The node's clock when it answered: simulated in a replay, the wall
  // clock live. The watchlist's times are in it. uptime_s, the outbox's
  // and the peers' times are wall time.
  int64_t now_ms = 0;
  std::string state = run_state::running;  // run_state::*
  std::string free_quote;                  // decimal: the quote currency not in positions
  // The same counts for this run of the node only (since it started).
  uint64_t run_trades_executed = 0;
  uint64_t run_trades_failed = 0;
  double run_success_rate = 1;
  MSGPACK_DEFINE_MAP(mode, node, paused, pause_mode, uptime_s, watchlist, signal_checks,
                     trades_executed, trades_failed, success_rate, portfolio_value, quote, outbox,
                     role, peers, workers, now_ms, state, free_quote, run_trades_executed,
                     run_trades_failed, run_success_rate);
};

}  // namespace tn
