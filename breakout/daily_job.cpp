#include "breakout/daily_job.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>

#include "common/time.hpp"

namespace tn {

namespace {

// Index one past the last bar opening on or before `day` (0: none).
size_t end_for_day(const BarSeries& b, int64_t day) {
  const int64_t limit_ms = (day + 1) * kDayMs;
  return static_cast<size_t>(
      std::lower_bound(b.open_time_ms.begin(), b.open_time_ms.end(), limit_ms) -
      b.open_time_ms.begin());
}

bool good_bar(const BarSeries& b, size_t i) {
  const double h = b.high[i], l = b.low[i], c = b.close[i];
  return std::isfinite(h) && std::isfinite(l) && std::isfinite(c) && l > 0 && c > 0 && h >= l;
}

// What one symbol contributes: its move of the day and maybe a candidate.
struct SymbolDay {
  bool usable = false;  // has a good bar on the day
  bool has_change = false;
  double change = 0, close = 0;
};

SymbolDay scan_symbol(const std::string& symbol, const BarSeries& b, int64_t day,
                      const BreakoutParams& params, std::vector<std::string>& notes,
                      std::optional<BreakoutCandidate>& candidate) {
  SymbolDay out;
  const size_t end = end_for_day(b, day);
  if (end == 0 || days_from_ms(b.open_time_ms[end - 1]) != day) {
    notes.push_back(symbol + ": no bar for " + format_civil_date(civil_from_days(day)) +
                    ": no signal");
    return out;
  }
  const size_t start = end > kDailyHistoryBars ? end - kDailyHistoryBars : 0;
  for (size_t i = start; i < end; ++i)
    if (!good_bar(b, i)) {
      notes.push_back(symbol + ": bad bar on " + bar_date(b.open_time_ms[i]) +
                      " (price not positive or high < low): no signal");
      return out;
    }
  out.usable = true;
  out.close = b.close[end - 1];
  if (end - start >= 2) {
    out.has_change = true;
    out.change = b.close[end - 1] / b.close[end - 2] - 1.0;
  }
  const size_t need = BreakoutIndicators::min_history(params.trend_period);
  if (end - start < need) {
    notes.push_back(symbol + ": " + std::to_string(end - start) + " bars of history, needs " +
                    std::to_string(need) + ": no signal");
    return out;
  }
  BreakoutIndicators ind(params.trend_period);
  BreakoutSnapshot snap;
  for (size_t i = start; i < end; ++i) snap = ind.push(b.high[i], b.low[i], b.close[i]);
  NoSignal why = NoSignal::none;
  if (auto sig = evaluate_breakout(snap, &why))
    candidate = BreakoutCandidate{symbol, b.open_time_ms[end - 1], *sig};
  else if (why == NoSignal::zero_atr)
    notes.push_back(symbol + ": ATR is zero (no price movement): no signal");
  return out;
}

void pick_movers(std::vector<MarketMover> moves, MarketSummaryEvent& s) {
  auto by_change = [](const MarketMover& a, const MarketMover& b) {
    return a.change != b.change ? a.change > b.change : a.symbol < b.symbol;
  };
  std::sort(moves.begin(), moves.end(), by_change);
  for (const MarketMover& m : moves)
    if (m.change > 0 && s.gainers.size() < kMarketMovers) s.gainers.push_back(m);
  for (auto it = moves.rbegin(); it != moves.rend(); ++it)
    if (it->change < 0 && s.losers.size() < kMarketMovers) s.losers.push_back(*it);
}

}  // namespace

DailyJobResult run_daily_job(const std::vector<UniverseSeries>& series, const BreakoutParams& params,
                             std::optional<int64_t> day_opt, int64_t generated_at_ms) {
  std::unordered_map<std::string_view, const BarSeries*> by_symbol;
  by_symbol.reserve(series.size());
  int64_t latest = INT64_MIN;
  for (const UniverseSeries& s : series) {
    if (!s.bars) continue;
    by_symbol.emplace(s.symbol, s.bars);
    if (s.bars->size() > 0)
      latest = std::max(latest, days_from_ms(s.bars->open_time_ms.back()));
  }
  const int64_t day = day_opt ? *day_opt : (latest == INT64_MIN ? 0 : latest);

  DailyJobResult r;
  r.date = format_civil_date(civil_from_days(day));
  MarketSummaryEvent& sum = r.summary;
  sum.date = r.date;
  sum.asset_class = params.asset_class;
  sum.benchmark = params.benchmark;
  sum.generated_at_ms = generated_at_ms;

  std::vector<std::string_view> universe;
  if (!params.universe.empty())
    universe.assign(params.universe.begin(), params.universe.end());
  else
    for (const UniverseSeries& s : series)
      if (s.bars) universe.push_back(s.symbol);

  std::vector<MarketMover> moves;
  std::vector<Recommendation> recs;
  for (std::string_view sym : universe) {
    ++sum.symbols;
    const std::string symbol(sym);
    auto it = by_symbol.find(sym);
    if (it == by_symbol.end()) {
      sum.notes.push_back(symbol + ": no data: no signal");
      ++sum.skipped;
      continue;
    }
    std::optional<BreakoutCandidate> cand;
    const SymbolDay d = scan_symbol(symbol, *it->second, day, params, sum.notes, cand);
    if (!d.usable) {
      ++sum.skipped;
      continue;
    }
    if (d.has_change) {
      (d.change > 0 ? sum.rose : d.change < 0 ? sum.fell : sum.unchanged)++;
      moves.push_back(MarketMover{symbol, d.change, price_decimal(d.close)});
    } else {
      ++sum.unchanged;
    }
    if (!cand) continue;
    r.signals.push_back(*cand);
    if (auto rec = make_recommendation(*cand, params, generated_at_ms))
      recs.push_back(std::move(*rec));
    else
      sum.notes.push_back(symbol + ": signal without a valid stop (stop at or below 0): no "
                                   "recommendation");
  }
  pick_movers(std::move(moves), sum);

  if (auto it = by_symbol.find(params.benchmark); !params.benchmark.empty() && it != by_symbol.end()) {
    const BarSeries& b = *it->second;
    const size_t end = end_for_day(b, day);
    if (end >= 2 && days_from_ms(b.open_time_ms[end - 1]) == day && good_bar(b, end - 1) &&
        good_bar(b, end - 2)) {
      sum.has_benchmark = true;
      sum.benchmark_change = b.close[end - 1] / b.close[end - 2] - 1.0;
    }
  }
  if (!sum.has_benchmark && !params.benchmark.empty())
    sum.notes.push_back(params.benchmark + " (benchmark): no change for " + r.date);

  sum.signals = static_cast<uint32_t>(r.signals.size());
  r.recommendations = rank_recommendations(std::move(recs), params);
  sum.recommendations = static_cast<uint32_t>(r.recommendations.size());
  return r;
}

}  // namespace tn
