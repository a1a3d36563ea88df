// tradernode: the node. `run` starts it (replay of recorded bars at a set
// pace, steered with traderctl); `backtest` runs the actor pipeline over
// recorded bars as fast as it can.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "tools/backtest.hpp"
#include "tools/breakout_backtest_command.hpp"
#include "tools/cli.hpp"
#include "tools/convert_command.hpp"
#include "tools/import_sqlite_command.hpp"
#include "tools/node_run.hpp"
#include "tools/process_setup.hpp"

int main(int argc, char** argv) {
  tn::tune_allocator();
  CLI::App app{"tradernode: actor-model trading daemon.\n\n"
               "Exit codes:\n"
               "  0  done (run: stopped or the replay ended; backtest: files written)\n"
               "  1  a failure while running (e.g. storage full, a port or the database in use)\n"
               "  2  bad command line or bad input (config, CSV: the message names the file and\n"
               "     the line or key)"};
  tn::cli::setup(app, "tradernode");
  app.require_subcommand(1);

  tn::BacktestOptions bt;
  auto* backtest = app.add_subcommand("backtest", "run the pipeline over recorded bars, write results");
  backtest->add_option("--config", bt.config_path, "TOML config file")->required();
  backtest->add_option("--data", bt.data, "SYMBOL:TIMEFRAME=CSV, overrides the watchlist's data file");
  backtest->add_option("--out", bt.out_dir,
                       "folder for trades.csv, signals.csv, equity.csv, summary.json (an earlier backtest's files "
                       "in it are removed)")->required();
  backtest->add_option("--account-id", bt.account_id, "ledger account (overrides [account] id)");
  backtest->add_option("--db-path", bt.db_path, "LMDB folder (default OUT/ledger.lmdb, replaced each run)");
  backtest->add_flag("--quiet", bt.quiet, "only errors");
  backtest->add_flag("--verbose", bt.verbose, "log every notification (trades, portfolio statuses)");
  backtest->add_option("--strategy", bt.strategy, "ma_distance (the actor pipeline) or breakout (the daily job)")
      ->check(CLI::IsMember({"ma_distance", "breakout"}));
  backtest->add_option("--asset-class", bt.asset_class, "breakout: equity or crypto (default: every enabled one)");
  backtest->add_flag("--report", bt.report,
                     "also write report.html (figures against buy-and-hold, charts, P&L per symbol, last trades); "
                     "breakout: OUT/<class>/report.html");
  backtest->add_flag("--publish", bt.publish,
                     "publish the events on [bus] publish (default: none, no port bound; also [backtest] publish)");

  tn::RunOptions run_opt;
  auto* run = app.add_subcommand("run", "run the node until stopped (replay: until the data ends)");
  run->add_option("--config", run_opt.config_path, "TOML config file")->required();
  run->add_option("--account-id", run_opt.account_id, "ledger account to trade (overrides [account] id)");
  run->add_option("--db-path", run_opt.db_path, "LMDB folder (overrides [node] db_path)");
  run->add_flag("--quiet", run_opt.quiet, "only warnings and errors on the terminal");

  auto import_sqlite = tn::add_import_sqlite_command(app);  // the hourly daemon's account -> a new ledger
  // Binance's raw kline CSV -> the backtest's CSV (tools/convert_command.*).
  auto convert = tn::add_convert_command(app);

  if (auto rc = tn::cli::parse(app, argc, argv)) return *rc;
  if (tn::convert_chosen(*convert)) return tn::run_convert(*convert);
  if (run->parsed()) return tn::run_node(run_opt);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  if (bt.quiet) spdlog::set_level(spdlog::level::warn);
  if (import_sqlite->sub->parsed()) return tn::run_import_sqlite(*import_sqlite);
  if (backtest->parsed() && bt.strategy == "breakout") return tn::run_breakout_backtest_command(bt);
  if (backtest->parsed()) return tn::run_backtest(bt);
  return tn::cli::kExitUsage;
}
