#pragma once
#include <string>
#include <vector>

namespace tn {

struct BacktestOptions {
  std::string config_path;
  std::vector<std::string> data;  // SYMBOL:TF=CSV
  std::string out_dir;
  std::string account_id;  // overrides [account] id when set
  std::string db_path;     // overrides the default OUT/ledger.lmdb when set
  bool quiet = false;    // only errors
  bool verbose = false;  // every notification (trades, statuses) on the log
  bool report = false;   // also write OUT/report.html (equity, drawdown, trades, summary)
  bool publish = false;  // bind [bus] publish and stream the events (also [backtest] publish)
  std::string strategy = "ma_distance";  // or "breakout" (tools/breakout_backtest_command.hpp)
  std::string asset_class;               // breakout only: equity | crypto (default: every enabled one)
};

// Runs a backtest; returns the process exit code (0 ok, 2 bad input, 1 failure).
int run_backtest(const BacktestOptions& opt);

}  // namespace tn
