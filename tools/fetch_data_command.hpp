#pragma once
// `traderctl fetch-data`: fetch bars from the configured market data
// sources (through the cache) and print them, or write them as the
// backtest's CSV (market/csv_bars.hpp). Works without a node and
// without CAF: it is the market/ layer on a command line.
#include <cstdint>
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace tn {

struct FetchDataCommand {
  std::string config;        // a TOML file with a [sources] table; defaults when empty
  std::string symbols;       // "AAPL,MSFT" or "BTC,ETH"
  std::string asset_class;   // equity | crypto
  std::string source;        // binance | polygon | alphavantage; default by asset class
  uint32_t days = 30;
  std::string interval = "1d";
  bool csv = false;          // the backtest's CSV on stdout (one symbol)
  std::string out_dir;       // the backtest's CSV, one file per symbol: DIR/BTCUSDT-1d.csv
  bool no_cache = false;
  CLI::App* sub = nullptr;   // set by add_fetch_data_command
};

// Registers the subcommand on app; the returned object is filled by parse().
std::unique_ptr<FetchDataCommand> add_fetch_data_command(CLI::App& app);
bool fetch_data_chosen(const FetchDataCommand& c);
// Exit codes: 0 every symbol fetched, 1 some failed (on stderr), 2 bad input.
int run_fetch_data(const FetchDataCommand& c);

}  // namespace tn
