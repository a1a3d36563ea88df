#include "breakout/backtest.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "common/time.hpp"

namespace tn {

namespace {

struct Pending {
  Recommendation rec;
};

struct Position {
  Recommendation rec;
  double entry = 0, stop = 0, target = 0, quantity = 0;
  int64_t entry_time_ms = 0;
};

// Per symbol: where its bars are and what it holds.
struct Book {
  const BarSeries* bars = nullptr;
  size_t next = 0;  // first bar not yet processed
  double last_close = 0;
  std::optional<Pending> pending;
  std::optional<Position> pos;
};

// The tracker's exit rule for one bar; nullopt when neither level is reached.
std::optional<std::pair<const char*, double>> exit_of(const Position& p, double open, double high,
                                                      double low) {
  if (open <= p.stop) return std::pair{"stop", open};
  if (open >= p.target) return std::pair{"target", open};
  if (low <= p.stop) return std::pair{"stop", p.stop};
  if (high >= p.target) return std::pair{"target", p.target};
  return std::nullopt;
}

// The figures of a finished run, with the universe (not a benchmark outside
// it) bought and held on the same days (a bar's close at its day, like the
// equity curve).
void measure(BreakoutBacktestResult& out, const std::vector<UniverseSeries>& series,
             const BreakoutParams& params, double starting_equity,
             const std::vector<notify::OpenPosition>& open) {
  const auto& universe = params.universe;
  std::vector<notify::PriceSeries> prices;
  for (const UniverseSeries& s : series) {
    if (!s.bars) continue;
    if (!universe.empty() && std::find(universe.begin(), universe.end(), s.symbol) == universe.end()) continue;
    out.held_symbols.push_back(s.symbol);
    notify::PriceSeries p{s.symbol, {}};
    for (size_t i = 0; i < s.bars->size(); ++i)
      p.prices.push_back({days_from_ms(s.bars->open_time_ms[i]) * kDayMs, s.bars->close[i]});
    prices.push_back(std::move(p));
  }
  std::vector<int64_t> days;
  for (const notify::ChartPoint& p : out.equity) days.push_back(p.time_ms);
  out.buy_and_hold = notify::buy_and_hold(prices, starting_equity, 0.0, days);
  std::vector<notify::ClosedTrade> closed;
  for (const BreakoutTrade& t : out.trades) closed.push_back({t.symbol, t.exit_time_ms, t.pnl});
  out.performance = notify::measure(out.equity, out.buy_and_hold, starting_equity, 0.0, closed, open);
}

}  // namespace

BreakoutBacktestResult run_breakout_backtest(const std::vector<UniverseSeries>& series,
                                             const BreakoutParams& params,
                                             double starting_equity) {
  BreakoutBacktestResult out;
  BreakoutBacktestSummary& sum = out.summary;
  std::map<std::string, Book> books;
  std::vector<int64_t> days;
  for (const UniverseSeries& s : series) {
    if (!s.bars) continue;
    books[s.symbol].bars = s.bars;
    for (int64_t t : s.bars->open_time_ms) days.push_back(days_from_ms(t));
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());

  double cash = starting_equity, equity = starting_equity;
  double sum_r = 0;
  for (int64_t day : days) {
    // 1. Fills and exits on today's bars.
    for (auto& [symbol, b] : books) {
      const BarSeries& s = *b.bars;
      if (b.next >= s.size() || days_from_ms(s.open_time_ms[b.next]) != day) continue;
      const size_t i = b.next++;
      const double open = s.open[i], high = s.high[i], low = s.low[i];
      if (!(open > 0 && low > 0 && high >= low && s.close[i] > 0)) continue;  // bad bar: ignored
      if (b.pending) {
        const Recommendation& rec = b.pending->rec;
        const double dist = rec.entry - rec.stop;  // k * atr14 > 0
        Position p{rec, open, open - dist, open + kRewardToRisk * dist, 0, s.open_time_ms[i]};
        const double size = std::min(kRiskPerTrade / (dist / open), kMaxPositionPct);
        const double value = std::min(size * equity, cash);
        b.pending.reset();
        if (p.stop > 0 && value > 0) {
          p.quantity = value / open;
          cash -= value;
          b.pos = p;
        } else {
          ++sum.skipped;
        }
      }
      if (b.pos) {
        if (auto ex = exit_of(*b.pos, open, high, low)) {
          const Position& p = *b.pos;
          BreakoutTrade t{p.rec.id, symbol, p.rec.signal_type, conviction_name(p.rec.conviction),
                          ex->first, p.entry_time_ms, s.open_time_ms[i], p.entry, p.stop, p.target,
                          ex->second, p.quantity, 0, 0, 0};
          t.r_multiple = (t.exit - t.entry) / (t.entry - t.stop);
          t.pnl = p.quantity * (t.exit - t.entry);
          cash += p.quantity * t.exit;
          sum_r += t.r_multiple;
          out.trades.push_back(std::move(t));
          b.pos.reset();
        }
      }
      b.last_close = s.close[i];
    }
    // 2. Equity at today's closes.
    equity = cash;
    for (auto& [symbol, b] : books)
      if (b.pos) equity += b.pos->quantity * b.last_close;
    for (size_t k = out.trades.size(); k > 0 && out.trades[k - 1].exit_time_ms / kDayMs == day;
         --k)
      out.trades[k - 1].equity_after = equity;
    out.equity.push_back({day * kDayMs, equity});
    // 3. Today's recommendations: filled at each symbol's next open.
    const DailyJobResult job = run_daily_job(series, params, day, day * kDayMs);
    sum.signals += job.signals.size();
    sum.recommendations += job.recommendations.size();
    for (const Recommendation& rec : job.recommendations) {
      Book& b = books[rec.symbol];
      if (b.pos || b.pending) {
        ++sum.skipped;
        continue;
      }
      b.pending = Pending{rec};
    }
    ++sum.days;
  }
  std::vector<notify::OpenPosition> open;
  for (auto& [symbol, b] : books)
    if (b.pos) open.push_back({symbol, b.pos->quantity * b.pos->entry, b.pos->quantity * b.last_close});
  sum.open_at_end = open.size();
  sum.average_r = out.trades.empty() ? 0 : sum_r / static_cast<double>(out.trades.size());
  measure(out, series, params, starting_equity, open);
  return out;
}

Status write_breakout_backtest(const BreakoutBacktestResult& r, const std::string& out_dir) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return make_error(Errc::io, "cannot create " + out_dir + ": " + ec.message());
  auto open = [&](const char* name, std::ofstream& f) -> Status {
    f.open(out_dir + "/" + name, std::ios::binary | std::ios::trunc);
    if (!f) return make_error(Errc::io, "cannot write " + out_dir + "/" + name);
    return Status::OK();
  };
  char buf[512];
  std::ofstream trades, eq, summary;
  for (auto [name, f] : {std::pair{"breakout_trades.csv", &trades}, {"breakout_equity.csv", &eq},
                         {"breakout_summary.json", &summary}})
    if (Status s = open(name, *f); !s) return s;
  trades << "id,symbol,signal_type,conviction,entry_time_ms,entry,stop,target,exit_time_ms,exit,"
            "outcome,quantity,r_multiple,pnl,equity_after\n";
  for (const BreakoutTrade& t : r.trades) {
    std::snprintf(buf, sizeof buf, "%s,%s,%s,%s,%lld,%.8f,%.8f,%.8f,%lld,%.8f,%s,%.8f,%.6f,%.8f,%.8f\n",
                  t.id.c_str(), t.symbol.c_str(), t.signal_type.c_str(), t.conviction.c_str(),
                  static_cast<long long>(t.entry_time_ms), t.entry, t.stop, t.target,
                  static_cast<long long>(t.exit_time_ms), t.exit, t.outcome.c_str(), t.quantity,
                  t.r_multiple, t.pnl, t.equity_after);
    trades << buf;
  }
  eq << "time_ms,equity\n";
  for (const auto& [t, e] : r.equity) {
    std::snprintf(buf, sizeof buf, "%lld,%.8f\n", static_cast<long long>(t), e);
    eq << buf;
  }
  const BreakoutBacktestSummary& s = r.summary;
  const notify::TradeStats& t = r.performance.trades;
  nlohmann::ordered_json j;
  j["days"] = s.days;
  j["signals"] = s.signals;
  j["recommendations"] = s.recommendations;
  j["trades"] = t.trades;
  j["wins"] = t.wins;
  j["losses"] = t.losses;
  j["skipped"] = s.skipped;
  j["open_at_end"] = s.open_at_end;
  j["win_rate"] = nullptr;  // placed here; the figures below fill them in
  j["average_r"] = s.average_r;
  j["profit_factor"] = nullptr;
  j["max_drawdown"] = nullptr;
  j["starting_equity"] = r.performance.strategy.starting_capital;
  j["final_equity"] = r.performance.strategy.final_value;
  notify::add_performance_json(j, r.performance);
  summary << j.dump(2) << "\n";
  for (std::ofstream* f : {&trades, &eq, &summary}) {
    f->flush();
    if (!*f) return make_error(Errc::io, "write failed in " + out_dir);
  }
  return Status::OK();
}

}  // namespace tn
