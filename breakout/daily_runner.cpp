#include "breakout/daily_runner.hpp"

#include <algorithm>
#include <map>

#include "common/time.hpp"
#include "messages/codec.hpp"
#include "storage/store.hpp"

namespace tn {

std::vector<UniverseSeries> DailyUniverse::views() const {
  std::vector<UniverseSeries> out;
  for (size_t i = 0; i < symbols.size(); ++i) out.push_back({symbols[i], &bars[i]});
  return out;
}

DailyUniverse DailyUniverse::closed_by(int64_t now_ms) const {
  DailyUniverse out;
  out.symbols = symbols;
  const int64_t end_ms = now_ms - kDayMs + 1;  // first open time not closed by now
  for (const BarSeries& b : bars) {
    const auto n = std::lower_bound(b.open_time_ms.begin(), b.open_time_ms.end(), end_ms) -
                   b.open_time_ms.begin();
    BarSeries s;
    s.open_time_ms.assign(b.open_time_ms.begin(), b.open_time_ms.begin() + n);
    for (auto [from, to] : {std::pair{&b.open, &s.open}, {&b.high, &s.high}, {&b.low, &s.low},
                            {&b.close, &s.close}, {&b.volume, &s.volume}})
      to->assign(from->begin(), from->begin() + std::min<size_t>(n, from->size()));
    out.bars.push_back(std::move(s));
  }
  return out;
}

Result<std::unique_ptr<DailyRunner>> DailyRunner::make(std::shared_ptr<storage::Store> store,
                                                       BreakoutConfig cfg, UniverseProvider provider) {
  std::unique_ptr<DailyRunner> r(new DailyRunner());
  auto open = store->recommendations().list_open();
  if (!open) return open.error();
  for (const auto& rec : *open)
    if (Status s = r->tracker_.open(rec.rec); !s) return s.error();
  r->store_ = std::move(store);
  r->cfg_ = std::move(cfg);
  r->provider_ = std::move(provider);
  return r;
}

Result<RunSignalsBody> DailyRunner::run(const std::string& asset_class, int64_t data_ms,
                                        std::optional<int64_t> day, int64_t now_ms, uint64_t& last_seq) {
  last_seq = 0;
  const BreakoutParams* params = cfg_.params_for(asset_class);
  if (!params) return make_error(Errc::invalid_input, "asset class '" + asset_class + "': expected equity or crypto");
  if (!params->enabled)
    return make_error(Errc::invalid_input, "no [strategies.breakout." + asset_class + "] in the config");
  auto full = provider_(*params, data_ms);
  if (!full) return full.error();
  const DailyUniverse u = full->closed_by(data_ms);
  const int64_t ts_ns = now_ms * 1'000'000;
  RunSignalsBody body;
  body.asset_class = asset_class;

  // Exits first: the bars since the last run (each bar once, in order) close
  // what they reach. The tracker ignores bars not after a recommendation's
  // own bar and mark_exit is idempotent, so after a restart (everything fed
  // again) nothing is closed twice.
  for (size_t i = 0; i < u.symbols.size(); ++i) {
    const BarSeries& b = u.bars[i];
    int64_t& fed = fed_until_[u.symbols[i]];
    for (size_t k = 0; k < b.size(); ++k) {
      if (b.open_time_ms[k] <= fed) continue;
      fed = b.open_time_ms[k];
      for (const RecommendationExitEvent& e :
           tracker_.on_bar(u.symbols[i], b.open_time_ms[k], b.open[k], b.high[k], b.low[k])) {
        auto w = store_->recommendations().mark_exit(e, ts_ns);
        if (!w) return w.error();
        if (w->written) {
          ++body.exits;
          last_seq = std::max(last_seq, w->event_seq);
        }
      }
    }
  }

  const DailyJobResult job = run_daily_job(u.views(), *params, day, now_ms);
  body.date = job.date;
  body.signals = static_cast<uint32_t>(job.signals.size());
  body.notes = job.summary.notes;
  for (const Recommendation& rec : job.recommendations) {
    body.recommendations.push_back(rec.id);
    auto w = store_->recommendations().put(rec.to_event(), ts_ns);
    if (!w) return w.error();
    if (w->written) {
      ++body.written;
      last_seq = std::max(last_seq, w->event_seq);
    }
    tracker_.open(rec);
  }

  // One market.summary per class and day.
  const std::string key = "breakout.summary." + asset_class + "." + job.date;
  auto seen = store_->state().get(key);
  if (!seen) return seen.error();
  if (!*seen && !job.date.empty()) {
    auto seq = store_->events().append({topic::market_summary, encode(job.summary), ts_ns});
    if (!seq) return seq.error();
    last_seq = std::max(last_seq, *seq);
    if (Status s = store_->state().put(key, encode(*seq)); !s) return s.error();
  }
  return body;
}

}  // namespace tn
