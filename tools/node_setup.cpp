#include "tools/node_setup.hpp"

namespace tn {

std::vector<StreamMeta> stream_table(const Config& cfg) {
  std::vector<StreamMeta> out;
  for (const StreamConfig& s : cfg.watchlist) {
    StreamMeta m;
    m.symbol = s.symbol;
    m.quote = cfg.quote;
    m.base = s.symbol.substr(0, s.symbol.size() - cfg.quote.size());
    m.timeframe = s.timeframe;
    m.tf_ms = s.tf_ms;
    m.ma_period = s.ma_period;
    m.buy_threshold = s.buy_threshold;
    m.sell_threshold = s.sell_threshold;
    m.allocation = cfg.allocation_for(s.timeframe);
    out.push_back(std::move(m));
  }
  return out;
}

Status apply_data_override(Config& cfg, const std::string& spec) {
  const auto colon = spec.find(':');
  const auto eq = spec.find('=');
  if (colon == std::string::npos || eq == std::string::npos || eq < colon)
    return make_error(Errc::invalid_input, "--data '" + spec + "': expected SYMBOL:TIMEFRAME=CSV");
  const std::string sym = spec.substr(0, colon), tf = spec.substr(colon + 1, eq - colon - 1);
  for (StreamConfig& s : cfg.watchlist) {
    if (s.symbol == sym && s.timeframe == tf) {
      s.data = spec.substr(eq + 1);
      return Status::OK();
    }
  }
  return make_error(Errc::invalid_input, "--data '" + spec + "': no [watchlist." + sym + "." + tf +
                                             "] in " + cfg.source_path);
}

Result<std::shared_ptr<WindowPlanner>> load_planner(const Config& cfg) {
  std::vector<std::unique_ptr<BarSource>> sources;
  for (const StreamConfig& s : cfg.watchlist) {
    if (s.data.empty())
      return make_error(Errc::invalid_input, "watchlist." + s.symbol + "." + s.timeframe +
                                                 ": no data file (set 'data' or use --data)");
    auto series = load_csv_bars(s.data, s.tf_ms);
    if (!series) return series.error();
    sources.push_back(make_series_source(std::move(series.value()), s.tf_ms));
  }
  return std::make_shared<WindowPlanner>(std::move(sources), cfg.batch_bars);
}

}  // namespace tn
