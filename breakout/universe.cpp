#include "breakout/universe.hpp"

#include "common/time.hpp"

#include <algorithm>

namespace tn {


Result<std::map<std::string, std::string>> daily_overrides(const std::vector<std::string>& specs,
                                                           std::vector<std::string>* others) {
  std::map<std::string, std::string> out;
  for (const std::string& spec : specs) {
    const auto colon = spec.find(':');
    const auto eq = spec.find('=');
    if (colon == std::string::npos || eq == std::string::npos || eq < colon || colon == 0 ||
        eq + 1 == spec.size())
      return make_error(Errc::invalid_input, "--data '" + spec + "': expected SYMBOL:TIMEFRAME=CSV");
    if (spec.substr(colon + 1, eq - colon - 1) == "1d")
      out[spec.substr(0, colon)] = spec.substr(eq + 1);
    else if (others)
      others->push_back(spec);
  }
  return out;
}

Result<DailyUniverse> load_daily_universe(const Config& cfg, const BreakoutParams& params,
                                           const std::map<std::string, std::string>& overrides) {
  auto path_of = [&](const std::string& sym) -> std::string {
    if (auto it = overrides.find(sym); it != overrides.end()) return it->second;
    for (const StreamConfig& s : cfg.watchlist)
      if (s.symbol == sym && s.tf_ms == kDayMs) return s.data;
    return {};
  };
  std::vector<std::string> wanted = params.universe;
  if (wanted.empty()) {
    for (const StreamConfig& s : cfg.watchlist)
      if (s.tf_ms == kDayMs) wanted.push_back(s.symbol);
    for (const auto& [sym, path] : overrides)
      if (std::find(wanted.begin(), wanted.end(), sym) == wanted.end()) wanted.push_back(sym);
  }
  DailyUniverse u;
  auto load = [&](const std::string& sym, const std::string& path) -> Status {
    auto bars = load_csv_bars(path, kDayMs);
    if (!bars) return bars.error();
    u.symbols.push_back(sym);
    u.bars.push_back(std::move(bars.value()));
    return Status::OK();
  };
  for (const std::string& sym : wanted) {
    if (std::find(u.symbols.begin(), u.symbols.end(), sym) != u.symbols.end()) continue;
    const std::string path = path_of(sym);
    if (path.empty())
      return make_error(Errc::invalid_input,
                        "strategies.breakout." + params.asset_class + ": no daily data for " + sym +
                            " (add [watchlist." + sym + ".1d] data = ... or --data " + sym + ":1d=CSV)");
    if (Status s = load(sym, path); !s) return s.error();
  }
  const std::string& bench = params.benchmark;
  if (!bench.empty() && std::find(u.symbols.begin(), u.symbols.end(), bench) == u.symbols.end()) {
    if (const std::string path = path_of(bench); !path.empty())
      if (Status s = load(bench, path); !s) return s.error();
  }
  return u;
}

}  // namespace tn
