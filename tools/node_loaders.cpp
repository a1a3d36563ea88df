// The node modes' data: recorded bars (replay) or exchanges (live), one
// reader per shard, and the check schedule over them (see node_loaders.hpp).
#include "tools/node_loaders.hpp"

#include <algorithm>

#include "actors/fetcher/live_feed.hpp"
#include "market/market_data.hpp"
#include "tools/node_setup.hpp"

namespace tn {

// The recorded bars (replay), one reader per shard, and the schedule over them.
Result<Loaded> load_replay(const Config& cfg, uint32_t shards, int64_t resume_ms) {
  const std::vector<uint32_t> shard_of = stream_shards(cfg, shards);
  std::vector<std::vector<std::pair<uint32_t, std::unique_ptr<BarSource>>>> parts(shards);
  std::vector<CheckStream> streams;
  CheckSchedulerOptions o;
  o.shards = shards;
  for (uint32_t i = 0; i < cfg.watchlist.size(); ++i) {
    const StreamConfig& s = cfg.watchlist[i];
    if (s.data.empty())
      return make_error(Errc::invalid_input, "watchlist." + s.symbol + "." + s.timeframe +
                                                 ": no data file to replay (set 'data')");
    auto series = load_csv_bars(s.data, s.tf_ms);
    if (!series) return series.error();
    const DataSpan span = data_span({*series}, {s.tf_ms});
    o.start_ms = i == 0 ? span.first_close_ms : std::min(o.start_ms, span.first_close_ms);
    o.end_ms = i == 0 ? span.last_close_ms : std::max(o.end_ms, span.last_close_ms);
    streams.push_back({i, s.tf_ms, -1, shard_of[i], span.first_close_ms});
    parts[shard_of[i]].emplace_back(i, make_series_source(std::move(series.value()), s.tf_ms));
  }
  auto sched = CheckScheduler::make(streams, o);
  if (!sched) return sched.error();
  Loaded out;
  out.scheduler = std::make_shared<CheckScheduler>(std::move(sched.value()));
  for (auto& p : parts) out.readers.push_back(std::make_shared<CheckReader>(std::move(p), cfg.publish_bars, resume_ms));
  return out;
}

// Live: every stream from its exchange (Binance: the watchlist is pairs in
// the quote currency), checked at its bar closes on the wall clock.
Result<Loaded> load_live(const Config& cfg, uint32_t shards, int64_t resume_ms) {
  const std::vector<uint32_t> shard_of = stream_shards(cfg, shards);
  auto md = market::MarketData::open(market::options_from_config(cfg.sources));
  if (!md) return md.error();
  std::shared_ptr<market::MarketData> shared = std::move(md.value());
  std::vector<std::vector<LiveStream>> parts(shards);
  std::vector<CheckStream> streams;
  CheckSchedulerOptions o;
  o.simulated = false;
  o.shards = shards;
  for (uint32_t i = 0; i < cfg.watchlist.size(); ++i) {
    const StreamConfig& s = cfg.watchlist[i];
    streams.push_back({i, s.tf_ms, -1, shard_of[i]});
    parts[shard_of[i]].push_back({i, "binance", s.symbol, s.tf_ms, s.ma_period});
  }
  auto sched = CheckScheduler::make(streams, o);
  if (!sched) return sched.error();
  Loaded out;
  out.scheduler = std::make_shared<CheckScheduler>(std::move(sched.value()));
  for (auto& p : parts)
    out.readers.push_back(std::make_shared<LiveFeed>(shared, std::move(p), resume_ms, cfg.publish_bars));
  return out;
}

}  // namespace tn
