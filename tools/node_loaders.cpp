// The node modes' data: recorded bars (replay) or exchanges (live), one
// reader per shard, and the check schedule over them (see node_loaders.hpp).
#include "tools/node_loaders.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "actors/fetcher/live_feed.hpp"
#include "actors/fetcher/open_candle_reader.hpp"
#include "market/market_data.hpp"
#include "tools/node_setup.hpp"

namespace tn {

namespace {

// Cadence "hourly": the 1h bars that price a symbol's checks. From its 1h
// stream when the watchlist has one, else its streams' hourly_data.
Result<std::string> hourly_file(const Config& cfg, const std::string& symbol) {
  std::string file;
  for (const StreamConfig& s : cfg.watchlist) {
    if (s.symbol != symbol) continue;
    if (s.timeframe == "1h" && !s.data.empty()) return s.data;
    if (s.hourly_data.empty()) continue;
    if (!file.empty() && file != s.hourly_data)
      return make_error(Errc::invalid_input, "watchlist." + symbol + ": two different hourly_data files ('" +
                                                 file + "', '" + s.hourly_data + "'): give it once");
    file = s.hourly_data;
  }
  if (file.empty())
    return make_error(Errc::invalid_input,
                      "watchlist." + symbol + ": [schedule] cadence = \"hourly\" prices each check from the " +
                          "symbol's 1h bars: add [watchlist." + symbol + ".1h] with data, or hourly_data = " +
                          "\"FILE\" (a 1h CSV) to one of its streams");
  return file;
}

// Replay (and backtest) of cadence "hourly": checks at the 1h closes.
Result<Loaded> load_replay_hourly(const Config& cfg, uint32_t shards, int64_t resume_ms) {
  const std::vector<uint32_t> shard_of = stream_shards(cfg, shards);
  std::map<std::string, std::shared_ptr<const BarSeries>> hourly;
  std::map<std::string, std::shared_ptr<const std::vector<int64_t>>> times;
  std::vector<std::vector<OpenCandleStream>> parts(shards);
  std::vector<CheckStream> streams;
  DataSpan span;  // over the streams' bars and the 1h bars
  auto widen = [&span](const BarSeries& b, int64_t tf_ms) {
    if (b.size() == 0) return;
    span.first_close_ms = std::min(span.first_close_ms, b.open_time_ms.front() + tf_ms);
    span.last_close_ms = std::max(span.last_close_ms, b.open_time_ms.back() + tf_ms);
  };
  for (uint32_t i = 0; i < cfg.watchlist.size(); ++i) {
    const StreamConfig& s = cfg.watchlist[i];
    if (s.data.empty())
      return make_error(Errc::invalid_input, "watchlist." + s.symbol + "." + s.timeframe +
                                                 ": no data file to replay (set 'data')");
    if (!hourly.count(s.symbol)) {
      auto file = hourly_file(cfg, s.symbol);
      if (!file) return file.error();
      auto h = load_csv_bars(*file, kHourMs);
      if (!h) return h.error();
      auto closes = std::make_shared<std::vector<int64_t>>();
      for (int64_t open : h->open_time_ms) closes->push_back(open + kHourMs);
      times[s.symbol] = closes;
      widen(*h, kHourMs);
      hourly[s.symbol] = std::make_shared<const BarSeries>(std::move(h.value()));
    }
    auto series = load_csv_bars(s.data, s.tf_ms);
    if (!series) return series.error();
    widen(*series, s.tf_ms);
    streams.push_back({i, s.tf_ms, cfg.min_check_interval_ms(s.timeframe), shard_of[i], INT64_MIN,
                       times[s.symbol]});
    parts[shard_of[i]].push_back({i, s.tf_ms, make_series_source(std::move(series.value()), s.tf_ms),
                                  hourly[s.symbol]});
  }
  CheckSchedulerOptions o;
  o.shards = shards;
  o.start_ms = span.first_close_ms;
  o.end_ms = span.last_close_ms;
  o.hourly = true;
  o.check_every_ms = cfg.check_every_ms;
  auto sched = CheckScheduler::make(streams, o);
  if (!sched) return sched.error();
  Loaded out;
  out.scheduler = std::make_shared<CheckScheduler>(std::move(sched.value()));
  for (auto& p : parts)
    out.readers.push_back(std::make_shared<OpenCandleReader>(std::move(p), cfg.publish_bars, resume_ms));
  return out;
}

}  // namespace

// The recorded bars (replay), one reader per shard, and the schedule over them.
Result<Loaded> load_replay(const Config& cfg, uint32_t shards, int64_t resume_ms) {
  if (cfg.hourly()) return load_replay_hourly(cfg, shards, resume_ms);
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
    streams.push_back({i, s.tf_ms, cfg.min_check_interval_ms(s.timeframe), shard_of[i], span.first_close_ms});
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
  if (cfg.hourly())
    return make_error(Errc::invalid_input, cfg.source_path + ": [schedule] cadence = \"hourly\" runs in "
                                           "backtest and replay only, not live yet");
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
    streams.push_back({i, s.tf_ms, cfg.min_check_interval_ms(s.timeframe), shard_of[i]});
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
