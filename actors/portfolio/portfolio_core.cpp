#include "actors/portfolio/portfolio_core.hpp"

#include <algorithm>
#include <utility>

#include "common/time.hpp"

namespace tn {

namespace {
// The first UTC-aligned multiple of interval at or after t.
int64_t boundary_at_or_after(int64_t t, int64_t interval) {
  return (t / interval + (t % interval > 0)) * interval;
}
}  // namespace

PortfolioCore::PortfolioCore(std::vector<StreamMeta> streams, std::string quote,
                             Amount quote_balance, int64_t status_interval_ms,
                             int64_t equity_interval_ms)
    : streams_(std::move(streams)), quote_name_(std::move(quote)), quote_(quote_balance),
      status_interval_ms_(status_interval_ms > 0 ? status_interval_ms : 1),
      equity_interval_ms_(equity_interval_ms > 0 ? equity_interval_ms : kDayMs) {
  // std::map nodes never move: the pointers stay valid as positions come and go.
  for (const StreamMeta& m : streams_) by_stream_.push_back(&pos_[m.symbol]);
}

void PortfolioCore::apply_fill(const OrderResult& r) {
  if (!r.filled) return;
  PositionPnl& p = pos_[r.request.symbol];
  p.last_price = r.request.price;
  quote_ = r.quote_after;
  if (r.request.side == kBuy) {
    p.quantity += r.quantity;
    p.cost += r.value + r.fee;
  } else {
    const Amount sold_cost = cost_of_sold(p.cost, p.quantity, r.quantity);
    p.realized += (r.value - r.fee) - sold_cost;
    p.cost -= sold_cost;
    p.quantity -= r.quantity;
  }
}

Amount PortfolioCore::total_value() const {
  Amount v = quote_;
  for (const auto& [sym, p] : pos_)
    if (p.quantity > 0) v += value_at(p.quantity, p.last_price);
  return v;
}

void PortfolioCore::record_equity(int64_t t) {
  const Amount v = total_value();
  if (!equity_.empty() && equity_.back().time_ms == t)
    equity_.back().value = v;
  else
    equity_.push_back({t, v});
}

void PortfolioCore::start_boundaries_at(int64_t t) {
  if (next_boundary_ != INT64_MIN) return;
  next_boundary_ = boundary_at_or_after(t, equity_interval_ms_);
  next_status_ = boundary_at_or_after(t, status_interval_ms_);
}

void PortfolioCore::record_one_boundary() {
  // Equity first at a shared instant: both see the same state anyway.
  if (next_boundary_ <= next_status_) {
    record_equity(next_boundary_);
    next_boundary_ += equity_interval_ms_;
  } else {
    due_status_.push_back(status(next_status_));
    next_status_ += status_interval_ms_;
  }
}

void PortfolioCore::record_boundaries_before(int64_t t) {
  while (std::min(next_boundary_, next_status_) < t) record_one_boundary();
}

void PortfolioCore::advance_to(int64_t now_ms) {
  start_boundaries_at(now_ms);
  record_boundaries_before(now_ms + 1);
  max_time_ = std::max(max_time_, now_ms);
}

void PortfolioCore::apply_window(const std::vector<OrderResult>& fills,
                                 const std::vector<Mark>& marks, int64_t window_end_ms, bool last) {
  std::vector<const Mark*> m;
  m.reserve(marks.size());
  for (const Mark& x : marks) m.push_back(&x);
  std::stable_sort(m.begin(), m.end(), [](const Mark* a, const Mark* b) { return a->time_ms < b->time_ms; });
  size_t f = 0, i = 0;
  while (f < fills.size() || i < m.size()) {
    const bool fill_next = i == m.size() || (f < fills.size() && fills[f].request.decided_at_ms <= m[i]->time_ms);
    const int64_t t = fill_next ? fills[f].request.decided_at_ms : m[i]->time_ms;
    start_boundaries_at(t);
    record_boundaries_before(t);  // events at exactly B belong to B
    if (fill_next) {
      apply_fill(fills[f++]);
    } else {
      by_stream_.at(m[i]->stream)->last_price = m[i]->price;
      ++i;
    }
    max_time_ = std::max(max_time_, t);
  }
  // Boundaries inside this window are complete: nothing at or before them
  // can still come.
  while (next_boundary_ != INT64_MIN &&
         std::min(next_boundary_, next_status_) <= std::min(max_time_, window_end_ms - 1))
    record_one_boundary();
  if (last && max_time_ != INT64_MIN && (equity_.empty() || equity_.back().time_ms < max_time_))
    record_equity(max_time_);
}

PortfolioStatusEvent PortfolioCore::status(int64_t time_ms) const {
  PortfolioStatusEvent e;
  e.time_ms = time_ms;
  e.quote = quote_name_;
  e.quote_balance = format_amount(quote_);
  e.total_value = format_amount(total_value());
  for (const auto& [sym, p] : pos_) {
    if (p.quantity <= 0) continue;
    std::string asset = sym.substr(0, sym.size() - std::min(sym.size(), quote_name_.size()));
    e.positions.push_back({sym, asset, format_amount(p.quantity), p.last_price,
                           format_amount(value_at(p.quantity, p.last_price))});
  }
  return e;
}

std::vector<PortfolioStatusEvent> PortfolioCore::take_due_statuses() {
  std::vector<PortfolioStatusEvent> out;
  out.swap(due_status_);
  return out;
}

}  // namespace tn
