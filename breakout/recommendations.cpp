#include "breakout/recommendations.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <tuple>

#include "common/amount.hpp"

namespace tn {

Conviction conviction_for(double s) {
  if (s >= kHighConviction) return Conviction::high;
  if (s >= kMediumConviction) return Conviction::medium;
  return Conviction::low;
}

std::string recommendation_id(std::string_view date, std::string_view symbol, BreakoutType type) {
  std::string id(date);
  id += ':';
  id += symbol;
  id += ':';
  id += breakout_type_name(type);
  return id;
}

std::string bar_date(int64_t bar_open_time_ms) {
  return format_civil_date(civil_from_days(days_from_ms(bar_open_time_ms)));
}

std::string price_decimal(double price) {
  if (!std::isfinite(price) || std::abs(price) > 9e10) return "0.00000000";  // never stored: see callers
  return format_amount(static_cast<Amount>(std::llround(price * kAmountScale)));
}

Result<double> parse_price(std::string_view text) {
  const std::string s(text);
  if (s.empty() || s.size() > 40)
    return make_error(Errc::invalid_input, "not a decimal price: \"" + s.substr(0, 40) + "\"");
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || errno != 0 || !std::isfinite(v))
    return make_error(Errc::invalid_input, "not a decimal price: \"" + s + "\"");
  return v;
}

namespace {

std::string reasoning_for(const Recommendation& r, const BreakoutSignal& sig) {
  const int days = sig.type == BreakoutType::breakout_55d ? 55 : 20;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%s closed at %.2f, %.1f%% above its %d-day high of %.2f (%.2f ATR of %.2f) and "
                "above its trend average of %.2f, up %.1f%% over 60 days: score %.1f (breakout "
                "%.1f, momentum %.1f), stop %.2f, target %.2f.",
                r.symbol.c_str(), sig.at.close, 100.0 * (sig.at.close / sig.broken_high - 1.0),
                days, sig.broken_high, (sig.at.close - sig.broken_high) / sig.at.atr14,
                sig.at.atr14, sig.at.sma_trend, 100.0 * sig.at.roc60, r.combined_score,
                r.technical_score, r.momentum_score, r.stop, r.target);
  return buf;
}

}  // namespace

std::optional<Recommendation> make_recommendation(const BreakoutCandidate& c,
                                                  const BreakoutParams& params,
                                                  int64_t generated_at_ms) {
  const BreakoutSignal& sig = c.signal;
  const double entry = sig.at.close, atr = sig.at.atr14, k = params.hard_stop_atr_mult;
  if (!std::isfinite(entry) || entry <= 0 || !std::isfinite(atr) || atr <= 0 ||
      !std::isfinite(k) || k <= 0 || !(sig.broken_high > 0))
    return std::nullopt;
  const double stop = entry - k * atr;
  if (!(stop > 0) || !(stop < entry)) return std::nullopt;  // a long whose stop is at or below 0
  Recommendation r;
  r.date = bar_date(c.bar_open_time_ms);
  r.symbol = c.symbol;
  r.asset_class = params.asset_class;
  r.type = sig.type;
  r.signal_type = breakout_type_name(sig.type);
  r.id = recommendation_id(r.date, r.symbol, r.type);
  r.current_price = entry;
  r.entry = entry;
  r.stop = stop;
  r.target = entry + kRewardToRisk * (entry - stop);
  const double stop_fraction = (entry - stop) / entry;  // in (0, 1): checked above
  r.position_size_pct = std::min(kRiskPerTrade / stop_fraction, kMaxPositionPct);
  r.risk_pct = r.position_size_pct * stop_fraction;
  r.technical_score = sig.breakout_score;
  r.momentum_score = sig.momentum_score;
  r.combined_score = sig.combined_score;
  r.conviction = conviction_for(sig.combined_score);
  r.atr14 = atr;
  r.roc60 = sig.at.roc60;
  r.bar_open_time_ms = c.bar_open_time_ms;
  r.generated_at_ms = generated_at_ms;
  r.reasoning = reasoning_for(r, sig);
  return r;
}

std::vector<Recommendation> rank_recommendations(std::vector<Recommendation> recs,
                                                 const BreakoutParams& params) {
  std::erase_if(recs, [&](const Recommendation& r) { return r.conviction < params.min_conviction; });
  std::sort(recs.begin(), recs.end(), [](const Recommendation& a, const Recommendation& b) {
    return std::tie(b.combined_score, a.symbol) < std::tie(a.combined_score, b.symbol);
  });
  if (params.max_recommendations >= 0 &&
      recs.size() > static_cast<size_t>(params.max_recommendations))
    recs.resize(static_cast<size_t>(params.max_recommendations));
  return recs;
}

RecommendationEvent Recommendation::to_event() const {
  RecommendationEvent e;
  e.id = id;
  e.date = date;
  e.symbol = symbol;
  e.asset_class = asset_class;
  e.direction = "BUY";
  e.conviction = conviction_name(conviction);
  e.current_price = price_decimal(current_price);
  e.entry_price = price_decimal(entry);
  e.target_price = price_decimal(target);
  e.stop_price = price_decimal(stop);
  e.position_size_pct = position_size_pct;
  e.risk_pct = risk_pct;
  e.technical_score = technical_score;
  e.momentum_score = momentum_score;
  e.combined_score = combined_score;
  e.atr14 = atr14;
  e.roc60 = roc60;
  e.signal_type = signal_type;
  e.reasoning = reasoning;
  e.strategy = kBreakoutStrategyName;
  e.bar_open_time_ms = bar_open_time_ms;
  e.generated_at_ms = generated_at_ms;
  return e;
}

bool RecommendationTracker::open(const Recommendation& rec) {
  if (!(rec.stop > 0 && rec.stop < rec.entry && rec.entry < rec.target)) return false;
  auto& list = by_symbol_[rec.symbol];
  for (const Open& o : list)
    if (o.id == rec.id) return false;
  list.push_back(Open{rec.id, rec.asset_class, rec.entry, rec.stop, rec.target,
                      rec.bar_open_time_ms, 0});
  ++count_;
  return true;
}

Status RecommendationTracker::open(const RecommendationEvent& e) {
  auto entry = parse_price(e.entry_price), stop = parse_price(e.stop_price),
       target = parse_price(e.target_price);
  for (auto* r : {&entry, &stop, &target})
    if (!*r) return make_error(Errc::invalid_input, "recommendation " + e.id + ": " +
                                                        r->error().message);
  if (!(*stop > 0 && *stop < *entry && *entry < *target))
    return make_error(Errc::invalid_input,
                      "recommendation " + e.id + ": needs 0 < stop < entry < target");
  Recommendation r;
  r.id = e.id;
  r.symbol = e.symbol;
  r.asset_class = e.asset_class;
  r.entry = *entry;
  r.stop = *stop;
  r.target = *target;
  r.bar_open_time_ms = e.bar_open_time_ms;
  open(r);
  return Status::OK();
}

std::vector<RecommendationExitEvent> RecommendationTracker::on_bar(std::string_view symbol,
                                                                   int64_t bar_open_time_ms,
                                                                   double open, double high,
                                                                   double low) {
  std::vector<RecommendationExitEvent> exits;
  auto it = by_symbol_.find(std::string(symbol));
  if (it == by_symbol_.end()) return exits;
  auto& list = it->second;
  for (size_t i = 0; i < list.size();) {
    Open& o = list[i];
    if (bar_open_time_ms <= o.bar_open_time_ms) {
      ++i;
      continue;
    }
    ++o.bars_seen;
    const char* outcome = nullptr;
    double exit = 0;
    const char* how = "";
    if (open <= o.stop) {
      outcome = "stop", exit = open, how = "opened at or below the stop";
    } else if (open >= o.target) {
      outcome = "target", exit = open, how = "opened at or above the target";
    } else if (low <= o.stop) {
      outcome = "stop", exit = o.stop, how = "low reached the stop";
      if (high >= o.target) how = "low reached the stop (the target too, same bar: stop assumed first)";
    } else if (high >= o.target) {
      outcome = "target", exit = o.target, how = "high reached the target";
    }
    if (!outcome) {
      ++i;
      continue;
    }
    RecommendationExitEvent e;
    e.id = o.id;
    e.symbol = std::string(symbol);
    e.asset_class = o.asset_class;
    e.outcome = outcome;
    e.entry_price = price_decimal(o.entry);
    e.exit_price = price_decimal(exit);
    e.r_multiple = (exit - o.entry) / (o.entry - o.stop);  // entry > stop: checked on open
    e.date = bar_date(bar_open_time_ms);
    e.bar_open_time_ms = bar_open_time_ms;
    e.bars_held = o.bars_seen;
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s: %s at %.2f, %+.2f R", how, outcome, exit, e.r_multiple);
    e.reason = buf;
    exits.push_back(std::move(e));
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
    --count_;
  }
  return exits;
}

}  // namespace tn
