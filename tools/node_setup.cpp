#include "tools/node_setup.hpp"

#include <algorithm>

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

std::vector<uint32_t> stream_shards(const Config& cfg, uint32_t shards) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < cfg.watchlist.size(); ++i)
    out.push_back(cfg.cluster.clustered() ? shard_of_symbol(cfg.cluster, cfg.watchlist[i].symbol)
                                          : i % std::max<uint32_t>(shards, 1));
  return out;
}

std::vector<std::string> stream_names(const Config& cfg) {
  std::vector<std::string> out;
  for (const StreamConfig& s : cfg.watchlist) out.push_back(s.symbol + ":" + s.timeframe);
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
  // SYM:1h without a 1h stream: the symbol's 1h prices for cadence "hourly".
  bool found = false;
  for (StreamConfig& s : cfg.watchlist)
    if (s.symbol == sym && tf == "1h") s.hourly_data = spec.substr(eq + 1), found = true;
  if (found) return Status::OK();
  return make_error(Errc::invalid_input, "--data '" + spec + "': no [watchlist." + sym + "." + tf +
                                             "] in " + cfg.source_path);
}

std::vector<std::shared_ptr<WindowPlanner>> shard_planners(
    std::vector<std::unique_ptr<BarSource>> sources, uint32_t shards, size_t target_bars,
    bool full_bars) {
  if (shards == 0) shards = 1;
  std::vector<const BarSource*> all;
  for (const auto& s : sources) all.push_back(s.get());
  const WindowGrid grid = WindowPlanner::grid_for(all, target_bars);
  std::vector<std::vector<std::pair<uint32_t, std::unique_ptr<BarSource>>>> parts(shards);
  for (size_t i = 0; i < sources.size(); ++i)
    parts[i % shards].emplace_back(static_cast<uint32_t>(i), std::move(sources[i]));
  std::vector<std::shared_ptr<WindowPlanner>> out;
  for (auto& p : parts) out.push_back(std::make_shared<WindowPlanner>(std::move(p), grid, full_bars));
  return out;
}

Result<std::vector<std::shared_ptr<WindowPlanner>>> load_planners(const Config& cfg) {
  std::vector<std::unique_ptr<BarSource>> sources;
  for (const StreamConfig& s : cfg.watchlist) {
    if (s.data.empty())
      return make_error(Errc::invalid_input, "watchlist." + s.symbol + "." + s.timeframe +
                                                 ": no data file (set 'data' or use --data)");
    auto series = load_csv_bars(s.data, s.tf_ms);
    if (!series) return series.error();
    sources.push_back(make_series_source(std::move(series.value()), s.tf_ms));
  }
  // More shards than streams would only add idle actors.
  const uint32_t shards = std::min<uint32_t>(cfg.shards, static_cast<uint32_t>(sources.size()));
  // The MA strategy reads closes only; full bars when they are published.
  return shard_planners(std::move(sources), shards, cfg.batch_bars, cfg.publish_bars);
}

}  // namespace tn
