#include "tools/breakout_backtest_command.hpp"

#include <cmath>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "breakout/backtest.hpp"
#include "breakout/universe.hpp"

namespace tn {

int run_breakout_backtest_command(const BacktestOptions& opt) {
  auto fail = [](int code, const std::string& msg) {
    spdlog::error("{}", msg);
    return code;
  };
  auto cfg = load_config(opt.config_path);
  if (!cfg) return fail(2, cfg.error().message);
  auto overrides = daily_overrides(opt.data, nullptr);
  if (!overrides) return fail(2, overrides.error().message);

  std::vector<const BreakoutParams*> classes;
  if (!opt.asset_class.empty()) {
    const BreakoutParams* p = cfg->breakout.params_for(opt.asset_class);
    if (!p) return fail(2, "--asset-class '" + opt.asset_class + "': expected equity or crypto");
    classes.push_back(p);
  } else {
    for (const BreakoutParams* p : {&cfg->breakout.equity, &cfg->breakout.crypto})
      if (p->enabled) classes.push_back(p);
  }
  if (classes.empty())
    return fail(2, cfg->source_path + ": no [strategies.breakout.equity] or [strategies.breakout.crypto] "
                                      "table (or pass --asset-class)");

  for (const BreakoutParams* params : classes) {
    auto universe = load_daily_universe(cfg.value(), *params, overrides.value());
    if (!universe) return fail(2, universe.error().message);
    const BreakoutBacktestResult r =
        run_breakout_backtest(universe->views(), *params, cfg->starting_balance);
    const std::string dir = opt.out_dir + "/" + params->asset_class;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return fail(1, "cannot create " + dir + ": " + ec.message());
    if (Status s = write_breakout_backtest(r, dir); !s) return fail(1, s.error().message);
    const BreakoutBacktestSummary& s = r.summary;
    if (!opt.quiet)
      spdlog::info("breakout backtest ({}): {} days, {} recommendations, {} trades, win rate {:.1f}%, "
                   "average R {:.2f}, profit factor {}, max drawdown {:.2f}%, final equity {:.2f} -> {}",
                   params->asset_class, s.days, s.recommendations, s.trades, s.win_rate * 100, s.average_r,
                   std::isinf(s.profit_factor) ? std::string("inf") : fmt::format("{:.2f}", s.profit_factor),
                   s.max_drawdown * 100, s.final_equity, dir);
  }
  return 0;
}

}  // namespace tn
