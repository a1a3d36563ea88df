#pragma once
#include <string>

namespace tn {

struct RunOptions {
  std::string config_path;
  std::string account_id;  // overrides [account] id when set
  std::string db_path;     // overrides [node] db_path when set
  bool quiet = false;      // only warnings and errors on the terminal
};

// `tradernode run`: the node until it is stopped (signal, `traderctl stop`)
// or, in replay, until the end of the recorded data. Exit code 0 on a clean
// stop, 2 bad config/input, 1 failure (e.g. another node holds the database).
int run_node(const RunOptions& opt);

}  // namespace tn
