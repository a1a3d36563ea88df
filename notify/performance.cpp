#include "notify/performance.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "common/amount.hpp"
#include "common/time.hpp"

namespace tn::notify {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kDaysPerYear = 365.25;  // CAGR's year
constexpr double kSharpeDays = 365;      // calendar days: crypto trades every one

}  // namespace

std::vector<ChartPoint> drawdown_series(const std::vector<ChartPoint>& curve, double start_peak) {
  std::vector<ChartPoint> out;
  double peak = start_peak;
  for (const ChartPoint& p : curve) {
    if (!std::isfinite(p.value)) continue;
    peak = std::max(peak, p.value);
    out.push_back({p.time_ms, peak > 0 ? p.value / peak - 1.0 : 0.0});
  }
  return out;
}

Drawdown max_drawdown(const std::vector<ChartPoint>& curve, double start_peak) {
  const std::vector<ChartPoint> dd = drawdown_series(curve, start_peak);
  Drawdown out;
  if (dd.empty()) return out;
  out.peak_ms = out.trough_ms = dd.front().time_ms;
  int64_t last_peak_ms = dd.front().time_ms;  // the start counts as a peak (the capital)
  for (const ChartPoint& p : dd) {
    if (p.value == 0.0) last_peak_ms = p.time_ms;  // exactly at the running peak
    if (-p.value > out.fraction) {
      out.fraction = -p.value;
      out.peak_ms = last_peak_ms;
      out.trough_ms = p.time_ms;
    }
  }
  return out;
}

double cagr(double starting_capital, double final_value, int64_t start_ms, int64_t end_ms) {
  const double years = static_cast<double>(end_ms - start_ms) / (kDaysPerYear * kDayMs);
  if (!(starting_capital > 0) || !std::isfinite(final_value) || years * kDaysPerYear < 1) return kNaN;
  if (final_value <= 0) return -1.0;
  return std::pow(final_value / starting_capital, 1.0 / years) - 1.0;
}

double sharpe_daily(const std::vector<ChartPoint>& curve) {
  // The last value of each UTC day that has points, in day order.
  std::vector<std::pair<int64_t, double>> days;
  for (const ChartPoint& p : curve) {
    if (!std::isfinite(p.value)) continue;
    const int64_t day = floor_div(p.time_ms, kDayMs);
    if (!days.empty() && days.back().first == day)
      days.back().second = p.value;
    else if (days.empty() || days.back().first < day)
      days.emplace_back(day, p.value);
  }
  if (days.size() < 2) return kNaN;
  // A missing day repeats the one before: a return of 0, counted but not summed.
  const double n = static_cast<double>(days.back().first - days.front().first);
  double sum = 0, sum_sq = 0;
  for (size_t i = 1; i < days.size(); ++i) {
    const double prev = days[i - 1].second;
    const double r = prev > 0 ? days[i].second / prev - 1.0 : 0.0;
    sum += r;
    sum_sq += r * r;
  }
  if (n < 2) return kNaN;
  const double mean = sum / n;
  const double var = (sum_sq - n * mean * mean) / (n - 1);
  if (!(var > 1e-24)) return kNaN;  // flat: no risk to divide by
  return mean / std::sqrt(var) * std::sqrt(kSharpeDays);
}

CurveStats curve_stats(const std::vector<ChartPoint>& curve, double starting_capital) {
  CurveStats s;
  s.starting_capital = s.final_value = starting_capital;
  s.cagr = s.sharpe = kNaN;
  s.total_return = 0;
  if (curve.empty()) return s;
  s.start_ms = curve.front().time_ms;
  s.end_ms = curve.back().time_ms;
  s.final_value = curve.back().value;
  s.total_return = starting_capital > 0 ? s.final_value / starting_capital - 1.0 : kNaN;
  s.cagr = cagr(starting_capital, s.final_value, s.start_ms, s.end_ms);
  s.sharpe = sharpe_daily(curve);
  s.max_drawdown = max_drawdown(curve, starting_capital);
  return s;
}

TradeStats trade_stats(const std::vector<ClosedTrade>& trades) {
  TradeStats s;
  for (const ClosedTrade& t : trades) {
    ++s.trades;
    if (t.pnl > 0) {
      ++s.wins;
      s.gross_profit += t.pnl;
    } else {
      s.gross_loss -= t.pnl;
    }
  }
  s.losses = s.trades - s.wins;
  s.win_rate = s.trades ? static_cast<double>(s.wins) / static_cast<double>(s.trades) : kNaN;
  s.profit_factor = s.gross_loss > 0    ? s.gross_profit / s.gross_loss
                    : s.gross_profit > 0 ? std::numeric_limits<double>::infinity()
                                         : kNaN;
  return s;
}

std::vector<SymbolResult> symbol_results(const std::vector<ClosedTrade>& trades,
                                         const std::vector<OpenPosition>& open) {
  std::map<std::string, SymbolResult> by;
  for (const ClosedTrade& t : trades) {
    SymbolResult& r = by[t.symbol];
    ++r.trades;
    r.wins += t.pnl > 0;
    r.realized += t.pnl;
  }
  for (const OpenPosition& p : open) by[p.symbol].open_pnl += p.value - p.cost;
  std::vector<SymbolResult> out;
  for (auto& [symbol, r] : by) {
    r.symbol = symbol;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<ChartPoint> buy_and_hold(const std::vector<PriceSeries>& symbols, double capital,
                                     double fee_rate, const std::vector<int64_t>& times) {
  struct Holding {
    std::vector<ChartPoint> prices;  // by time
    int64_t bought_ms = 0;
    double quantity = 0;
    size_t next = 0;  // first price after the time being valued
  };
  std::vector<Holding> held;
  for (const PriceSeries& s : symbols) {
    Holding h;
    for (const ChartPoint& p : s.prices)
      if (std::isfinite(p.value) && p.value > 0) h.prices.push_back(p);
    if (h.prices.empty()) continue;
    std::stable_sort(h.prices.begin(), h.prices.end(),
                     [](const ChartPoint& a, const ChartPoint& b) { return a.time_ms < b.time_ms; });
    held.push_back(std::move(h));
  }
  std::vector<ChartPoint> out;
  if (times.empty()) return out;
  const double share = held.empty() ? 0 : capital / static_cast<double>(held.size());
  for (Holding& h : held) {
    const auto after = std::upper_bound(h.prices.begin(), h.prices.end(), times.front(),
                                        [](int64_t t, const ChartPoint& p) { return t < p.time_ms; });
    const ChartPoint entry = after == h.prices.begin() ? h.prices.front() : *(after - 1);
    h.bought_ms = std::max(entry.time_ms, times.front());
    h.quantity = share / (1.0 + fee_rate) / entry.value;
  }
  for (int64_t t : times) {
    double value = held.empty() ? capital : 0;
    for (Holding& h : held) {
      while (h.next < h.prices.size() && h.prices[h.next].time_ms <= t) ++h.next;
      value += t < h.bought_ms ? share : h.quantity * h.prices[h.next - 1].value;
    }
    out.push_back({t, value});
  }
  return out;
}

FillTrades trades_of_fills(const std::vector<OrderResult>& orders,
                           const std::map<std::string, double>& last_price) {
  struct Position {
    Amount quantity = 0, cost = 0;
  };
  std::map<std::string, Position> book;
  FillTrades out;
  for (const OrderResult& o : orders) {
    if (!o.filled) continue;
    Position& p = book[o.request.symbol];
    if (o.request.side == kBuy) {
      p.quantity += o.quantity;
      p.cost += o.value + o.fee;
      continue;
    }
    const Amount sold_cost = cost_of_sold(p.cost, p.quantity, o.quantity);
    out.closed.push_back({o.request.symbol, o.request.decided_at_ms, to_double(o.value - o.fee - sold_cost)});
    p.cost -= sold_cost;
    p.quantity -= o.quantity;
  }
  for (const auto& [symbol, p] : book) {
    if (p.quantity <= 0) continue;
    const auto price = last_price.find(symbol);
    const double cost = to_double(p.cost);
    out.open.push_back({symbol, cost, price == last_price.end() ? cost : to_double(value_at(p.quantity, price->second))});
  }
  return out;
}

Performance measure(const std::vector<ChartPoint>& equity,
                    const std::vector<ChartPoint>& buy_and_hold_equity, double starting_capital,
                    double fee_rate, const std::vector<ClosedTrade>& trades,
                    const std::vector<OpenPosition>& open) {
  Performance p;
  p.strategy = curve_stats(equity, starting_capital);
  p.buy_and_hold = curve_stats(buy_and_hold_equity, starting_capital);
  p.trades = trade_stats(trades);
  p.symbols = symbol_results(trades, open);
  p.fee_rate = fee_rate;
  return p;
}

namespace {

nlohmann::ordered_json number(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

void add_curve(nlohmann::ordered_json& j, const CurveStats& s) {
  j["final_value"] = number(s.final_value);
  j["total_return"] = number(s.total_return);
  j["cagr"] = number(s.cagr);
  j["sharpe"] = number(s.sharpe);
  j["max_drawdown"] = number(s.max_drawdown.fraction);
  j["max_drawdown_peak_ms"] = s.max_drawdown.peak_ms;
  j["max_drawdown_trough_ms"] = s.max_drawdown.trough_ms;
}

}  // namespace

void add_performance_json(nlohmann::ordered_json& j, const Performance& p) {
  j["starting_capital"] = number(p.strategy.starting_capital);
  add_curve(j, p.strategy);
  j["period_start_ms"] = p.strategy.start_ms;
  j["period_end_ms"] = p.strategy.end_ms;
  j["fee_rate"] = number(p.fee_rate);
  j["closed_trades"] = p.trades.trades;
  j["wins"] = p.trades.wins;
  j["losses"] = p.trades.losses;
  j["win_rate"] = number(p.trades.win_rate);
  j["profit_factor"] = number(p.trades.profit_factor);
  j["gross_profit"] = number(p.trades.gross_profit);
  j["gross_loss"] = number(p.trades.gross_loss);
  nlohmann::ordered_json bh = nlohmann::ordered_json::object();
  add_curve(bh, p.buy_and_hold);
  j["buy_and_hold"] = std::move(bh);
  nlohmann::ordered_json symbols = nlohmann::ordered_json::array();
  for (const SymbolResult& s : p.symbols)
    symbols.push_back({{"symbol", s.symbol}, {"trades", s.trades}, {"wins", s.wins},
                       {"realized_pnl", number(s.realized)}, {"open_pnl", number(s.open_pnl)},
                       {"pnl", number(s.pnl())}});
  j["symbols"] = std::move(symbols);
}

}  // namespace tn::notify
