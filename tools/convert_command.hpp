#pragma once
// `tradernode convert`: another bar format in, the backtest's CSV out. The
// parsing is market/'s (binance_klines.hpp); this is the command line and
// the files. No node, no CAF.
#include <memory>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace tn {

struct ConvertCommand {
  std::string from;                 // binance-klines
  std::vector<std::string> inputs;  // read in this order, one series
  std::string out;                  // the backtest CSV written (whole, or not at all)
  std::string timeframe;            // optional: every row must have it
  CLI::App* sub = nullptr;
};

std::unique_ptr<ConvertCommand> add_convert_command(CLI::App& app);
bool convert_chosen(const ConvertCommand& c);
// 0 written; 2 bad input (nothing written, the error names file and line); 1 the write failed.
int run_convert(const ConvertCommand& c);

}  // namespace tn
