#pragma once
// Shared by the integration tests that run the real tradernode binary.
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace tn::test {

inline std::string tradernode_bin() { return build_dir() + "/tools/tradernode"; }

struct StreamSpec {
  std::string symbol, tf, csv;
  int ma = 20;
  double buy = -5, sell = 5;
};

// A config for the given streams; extra lines are appended to [node]/[bus]
// via the `node_extra`/`bus_extra` strings.
inline std::string make_config(const std::vector<StreamSpec>& streams,
                               const std::string& node_extra = "",
                               const std::string& bus_extra = "") {
  std::ostringstream c;
  c << "[node]\nname = \"test-node\"\nmode = \"backtest\"\n" << node_extra << "\n";
  c << "[account]\nid = \"acct-1\"\nstarting_balance = 10000.0\n";
  c << "[sizing]\nallocation = { \"1h\" = 0.10, \"4h\" = 0.20, \"1d\" = 0.30 }\nmin_trade_value = 10.0\n";
  c << "[bus]\npublish = \"tcp://127.0.0.1:0\"\n" << bus_extra << "\n";
  for (const auto& s : streams) {
    c << "[watchlist." << s.symbol << "." << s.tf << "]\nma_period = " << s.ma
      << "\nbuy_threshold = " << s.buy << "\nsell_threshold = " << s.sell << "\ndata = \"" << s.csv
      << "\"\n";
  }
  return c.str();
}

inline std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(read_file(path));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::string cur;
    bool quoted = false;
    for (char ch : line) {
      if (ch == '"') quoted = !quoted;
      else if (ch == ',' && !quoted) { f.push_back(cur); cur.clear(); }
      else cur += ch;
    }
    f.push_back(cur);
    rows.push_back(f);
  }
  return rows;
}

inline ProcessResult run_backtest(const std::string& config, const std::string& out,
                                  std::vector<std::string> extra = {}) {
  std::vector<std::string> argv{tradernode_bin(), "backtest", "--config", config, "--out", out, "--quiet"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_process(argv, std::chrono::seconds(120));
}

}  // namespace tn::test
