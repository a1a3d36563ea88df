#include "tools/breakout_backtest_command.hpp"

#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "breakout/backtest.hpp"
#include "breakout/universe.hpp"
#include "notify/templates.hpp"
#include "tools/backtest_output.hpp"

namespace tn {

namespace {

int fail_with(int code, const std::string& msg) {
  spdlog::error("{}", msg);
  return code;
}

notify::BacktestReport breakout_report(const BacktestOptions& opt, const Config& cfg, const BreakoutParams& params,
                                       const BreakoutBacktestResult& r) {
  notify::BacktestReport rep;
  rep.title = report_title(opt.config_path) + " (" + params.asset_class + ")";
  rep.strategy = "Breakout strategy, " + params.asset_class + ", no fees";
  rep.quote = cfg.quote;
  rep.symbols = r.held_symbols;
  rep.performance = r.performance;
  rep.equity = r.equity;
  rep.buy_and_hold = r.buy_and_hold;
  const BreakoutBacktestSummary& s = r.summary;
  rep.details = {{"Average R", fmt::format("{:.2f}", s.average_r)},
                 {"Open at the end", std::to_string(s.open_at_end)},
                 {"Recommendations (not taken)", std::to_string(s.recommendations) + " (" +
                                                     std::to_string(s.skipped) + ")"},
                 {"Signals", std::to_string(s.signals)},
                 {"Days", std::to_string(s.days)}};
  rep.trade_word = "trades";
  rep.trades_file = "breakout_trades.csv";
  rep.trades.header = {"Entry (UTC)", "Exit (UTC)", "Symbol", "Signal", "Conviction", "Outcome",
                       "Entry", "Exit", "Quantity", "R", "P&L"};
  rep.trades.numeric = {false, false, false, false, false, false, true, true, true, true, true};
  rep.total_trades = r.trades.size();
  for (size_t i = notify::first_shown_row(r.trades.size()); i < r.trades.size(); ++i) {
    const BreakoutTrade& t = r.trades[i];
    rep.trades.rows.push_back({notify::format_date(t.entry_time_ms), notify::format_date(t.exit_time_ms),
                               t.symbol, t.signal_type, t.conviction, t.outcome, notify::format_number(t.entry, 4),
                               notify::format_number(t.exit, 4), notify::format_number(t.quantity, 8),
                               fmt::format("{:.2f}", t.r_multiple), notify::format_money(t.pnl)});
  }
  return rep;
}

}  // namespace

int run_breakout_backtest_command(const BacktestOptions& opt) {
  auto cfg = load_config(opt.config_path);
  if (!cfg) return fail_with(2, cfg.error().message);
  auto overrides = daily_overrides(opt.data, nullptr);
  if (!overrides) return fail_with(2, overrides.error().message);

  std::vector<const BreakoutParams*> classes;
  if (!opt.asset_class.empty()) {
    const BreakoutParams* p = cfg->breakout.params_for(opt.asset_class);
    if (!p) return fail_with(2, "--asset-class '" + opt.asset_class + "': expected equity or crypto");
    classes.push_back(p);
  } else {
    for (const BreakoutParams* p : {&cfg->breakout.equity, &cfg->breakout.crypto})
      if (p->enabled) classes.push_back(p);
  }
  if (classes.empty())
    return fail_with(2, cfg->source_path + ": no [strategies.breakout.equity] or [strategies.breakout.crypto] "
                                           "table (or pass --asset-class)");
  // Every input is read before OUT is touched: a bad file leaves it as it was.
  std::vector<DailyUniverse> universes;
  for (const BreakoutParams* params : classes) {
    auto universe = load_daily_universe(cfg.value(), *params, overrides.value());
    if (!universe) return fail_with(2, universe.error().message);
    universes.push_back(std::move(universe.value()));
  }
  std::error_code ec;
  std::filesystem::create_directories(opt.out_dir, ec);
  if (ec) return fail_with(1, "cannot create " + opt.out_dir + ": " + ec.message());
  if (Status s = clear_backtest_outputs(opt.out_dir); !s) return fail_with(1, s.error().message);

  for (size_t c = 0; c < classes.size(); ++c) {
    const BreakoutParams* params = classes[c];
    const BreakoutBacktestResult r = run_breakout_backtest(universes[c].views(), *params, cfg->starting_balance);
    const std::string dir = opt.out_dir + "/" + params->asset_class;
    std::filesystem::create_directories(dir, ec);
    if (ec) return fail_with(1, "cannot create " + dir + ": " + ec.message());
    if (Status s = write_breakout_backtest(r, dir); !s) return fail_with(1, s.error().message);
    if (opt.report)
      if (Status s = write_text_file(dir + "/report.html",
                                     notify::backtest_report_html(breakout_report(opt, *cfg, *params, r)));
          !s)
        return fail_with(1, s.error().message);
    const BreakoutBacktestSummary& s = r.summary;
    const notify::Performance& p = r.performance;
    if (!opt.quiet)
      spdlog::info("breakout backtest ({}): {} days, {} recommendations, {} trades, win rate {}, "
                   "average R {:.2f}, profit factor {}, max drawdown {:.2f}%, final equity {:.2f} -> {}",
                   params->asset_class, s.days, s.recommendations, p.trades.trades,
                   notify::format_percent(p.trades.win_rate, 1), s.average_r,
                   fmt::format("{:.2f}", p.trades.profit_factor), p.strategy.max_drawdown.fraction * 100,
                   p.strategy.final_value, dir);
  }
  return 0;
}

}  // namespace tn
