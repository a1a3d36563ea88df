#pragma once
// The node's typed configuration, loaded from TOML and validated: an unknown
// key, a missing required key or a wrong type stops the node before it
// starts, with an error naming the file, the key and what was expected.
// Secrets never live here (they come from the environment).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "config/breakout_config.hpp"
#include "config/cluster_config.hpp"
#include "config/notify_config.hpp"
#include "config/sources_config.hpp"

namespace tn {

struct StreamConfig {
  std::string symbol;     // BTCUSDT (table name under [watchlist])
  std::string timeframe;  // 1d
  int64_t tf_ms = 0;      // parsed from timeframe
  int32_t ma_period = 20;
  double buy_threshold = -5.0;  // percent
  double sell_threshold = 5.0;  // percent
  std::string data;             // optional CSV path (backtest/replay), relative to the config file
  // Cadence "hourly", backtest/replay: the symbol's 1h bars, the prices of
  // the hourly checks (needed unless the watchlist has the symbol's 1h stream).
  std::string hourly_data;
};

struct Config {
  std::string source_path;  // the file it was loaded from, for messages

  // [node]
  std::string node_name = "tradernode";
  std::string mode = "backtest";  // backtest | replay | live
  std::string db_path = "tradernode.lmdb";
  uint64_t db_map_size_mb = 1024;
  bool db_durable = true;  // false: MDB_NOSYNC (backtests default to false, see loader)
  int64_t replay_interval_ms = 50;  // replay: wall time between two checks (0: as fast as it goes)
  // replay: at the end of the data, "exit" (with the summary) or "stay" up,
  // serving the control endpoint and the stream, until stopped.
  std::string at_end = "exit";
  std::string log_file;             // also log here (appending: logrotate's copytruncate works)
  // CAF scheduler threads, 0: one per core. A backtest is throughput over
  // big windows and uses every core; a node's per-bar path is short and is
  // fastest on one thread (see loader and tools/worker_threads.hpp).
  uint32_t threads = 0;

  // [account]
  std::string account_id = "default";
  double starting_balance = 10000.0;
  std::string quote = "USDT";

  // [sizing]
  std::map<std::string, double> allocation = {{"1h", 0.10}, {"4h", 0.20}, {"1d", 0.30}};
  double default_allocation = 0.10;
  double min_trade_value = 10.0;
  double fee_rate = 0.0;  // fraction of trade value, 0.001 = 0.1%

  // [bus]
  std::string publish = "tcp://127.0.0.1:5555";
  std::string control = "tcp://127.0.0.1:5556";
  uint32_t wait_subscribers = 0;
  uint32_t wait_ms = 2000;
  bool publish_bars = false;  // bar/snapshot events are heavy: off unless asked for
  uint32_t send_hwm = 100000;
  // Control endpoint security (control/security.hpp): CURVE
  // is required off loopback; the secret key file must be mode 0600.
  bool control_curve = false;
  std::string control_secret_key_file;
  std::vector<std::string> control_allowed_clients;  // Z85 public keys

  // [backtest]
  uint32_t batch_bars = 65536;            // bars per window across all streams
  int64_t equity_interval_ms = 86400000;  // equity.csv row cadence (UTC-aligned)
  int64_t status_interval_ms = 6 * 3600000LL;  // portfolio.status cadence, sim time
  uint32_t shards = 2;                    // indicator/signal actors working in parallel
  bool backtest_publish = false;  // a backtest binds [bus] publish only when set (or --publish)

  // [schedule]: when streams are checked. "close": at each bar close, with
  // the close; "hourly": every check_every (UTC-aligned), each stream whose
  // minimum interval has passed, at the current price, its open candle
  // closing provisionally at that price (the hourly daemon's way).
  std::string cadence = "close";
  int64_t check_every_ms = 3'600'000;
  // Minimum interval between two checks of one stream, per timeframe, in
  // seconds; the table given in the config is merged over this one, and
  // timeframes absent from both get kDefaultMinCheckIntervalS.
  static constexpr int64_t kDefaultMinCheckIntervalS = 600;
  std::map<std::string, int64_t> min_check_intervals_s = {{"1h", 300}, {"4h", 1200}, {"1d", 3600}};
  bool hourly() const { return cadence == "hourly"; }
  int64_t min_check_interval_ms(const std::string& timeframe) const {
    auto it = min_check_intervals_s.find(timeframe);
    return (it == min_check_intervals_s.end() ? kDefaultMinCheckIntervalS : it->second) * 1000;
  }

  // [node] role and [cluster] (config/cluster_config.hpp): several nodes, one pipeline
  ClusterConfig cluster;

  // [notify] (config/notify_config.hpp)
  NotifyConfig notify;
  // [sources] market data providers and their cache (config/sources_config.hpp)
  SourcesConfig sources;

  // [watchlist.SYMBOL.TF]
  std::vector<StreamConfig> watchlist;

  // [strategies.breakout.equity|crypto] and [calendar] (breakout_config.hpp)
  BreakoutConfig breakout;

  double allocation_for(const std::string& timeframe) const {
    auto it = allocation.find(timeframe);
    return it == allocation.end() ? default_allocation : it->second;
  }
};

// Loads and validates. Relative data paths are resolved against the config
// file's folder.
Result<Config> load_config(const std::string& path);
// Same, from text (tests, fuzzing); `name` is used in messages.
Result<Config> parse_config(const std::string& toml_text, const std::string& name);

}  // namespace tn
