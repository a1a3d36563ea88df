// tradernode: the node. `run` starts it (replay of recorded bars at a set
// pace, steered with traderctl); `backtest` runs the actor pipeline over
// recorded bars as fast as it can.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "tools/backtest.hpp"
#include "tools/breakout_backtest_command.hpp"
#include "tools/node_run.hpp"
#include "tools/process_setup.hpp"

int main(int argc, char** argv) {
  tn::tune_allocator();
  CLI::App app{"tradernode: actor-model trading daemon"};
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

  tn::RunOptions run_opt;
  auto* run = app.add_subcommand("run", "run the node until stopped (replay: until the data ends)");
  run->add_option("--config", run_opt.config_path, "TOML config file")->required();
  run->add_option("--account-id", run_opt.account_id, "ledger account to trade (overrides [account] id)");
  run->add_option("--db-path", run_opt.db_path, "LMDB folder (overrides [node] db_path)");
  run->add_flag("--quiet", run_opt.quiet, "only warnings and errors on the terminal");

  CLI11_PARSE(app, argc, argv);
  if (run->parsed()) return tn::run_node(run_opt);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  if (bt.quiet) spdlog::set_level(spdlog::level::warn);
  if (backtest->parsed() && bt.strategy == "breakout") return tn::run_breakout_backtest_command(bt);
  if (backtest->parsed()) return tn::run_backtest(bt);
  return 2;
}
