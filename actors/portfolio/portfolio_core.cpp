#include "actors/portfolio/portfolio_core.hpp"

#include <algorithm>
#include <utility>

namespace tn {

PortfolioCore::PortfolioCore(std::vector<StreamMeta> streams, std::string quote,
                             Amount quote_balance, int64_t status_interval_ms)
    : streams_(std::move(streams)), quote_name_(std::move(quote)), quote_(quote_balance),
      status_interval_ms_(status_interval_ms > 0 ? status_interval_ms : 1) {}

void PortfolioCore::apply_fill(const OrderResult& r) {
  if (!r.filled) return;
  PositionPnl& p = pos_[r.request.symbol];
  p.last_price = r.request.price;
  quote_ = r.quote_after;
  if (r.request.side == kBuy) {
    p.quantity += r.quantity;
    p.cost += r.value + r.fee;
  } else {
    // Average cost: the part of the cost basis that left with the quantity.
    const Amount sold_cost =
        p.quantity > 0 ? static_cast<Amount>(static_cast<long double>(p.cost) * r.quantity / p.quantity) : 0;
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
  peak_ = std::max(peak_, v);
  if (peak_ > 0) max_dd_ = std::max(max_dd_, static_cast<double>(peak_ - v) / static_cast<double>(peak_));
  const int64_t bucket = t / status_interval_ms_;
  if (bucket != last_status_bucket_) {
    last_status_bucket_ = bucket;
    due_status_.push_back(status(t));
  }
}

void PortfolioCore::apply_window(const std::vector<OrderResult>& fills,
                                 const std::vector<Mark>& marks) {
  std::vector<const Mark*> m;
  m.reserve(marks.size());
  for (const Mark& x : marks) m.push_back(&x);
  std::stable_sort(m.begin(), m.end(), [](const Mark* a, const Mark* b) { return a->time_ms < b->time_ms; });
  size_t f = 0;
  for (size_t i = 0; i < m.size();) {
    const int64_t t = m[i]->time_ms;
    while (f < fills.size() && fills[f].request.decided_at_ms <= t) apply_fill(fills[f++]);
    for (; i < m.size() && m[i]->time_ms == t; ++i) {
      const StreamMeta& s = streams_.at(m[i]->stream);
      PositionPnl& p = pos_[s.symbol];
      p.last_price = m[i]->price;
    }
    record_equity(t);
  }
  while (f < fills.size()) apply_fill(fills[f++]);
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
