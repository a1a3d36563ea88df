#include "actors/portfolio/trade_history.hpp"

#include <deque>

#include "actors/portfolio/portfolio_core.hpp"

namespace tn {

namespace {

TradeEntry entry_of(const OrderResult& r) {
  const OrderRequest& q = r.request;
  TradeEntry e;
  e.time_ms = q.decided_at_ms;
  e.symbol = q.symbol;
  e.timeframe = q.timeframe;
  e.side = q.side;
  e.price = q.price;
  e.quantity = format_amount(r.quantity);
  e.value = format_amount(r.value);
  e.fee = format_amount(r.fee);
  e.order_id = q.order_id;
  e.filled = r.filled;
  e.reject_reason = r.reject_reason;
  return e;
}

}  // namespace

TradesBody trades_body(const std::vector<OrderResult>& orders, const TradesQuery& q,
                       const std::string& quote) {
  TradesBody b;
  b.quote = quote;
  // The portfolio's bookkeeping, replayed: a SELL's realised P&L is the
  // change it makes to its symbol's realised total.
  PortfolioCore book({}, quote, 0, 0, 0);
  std::deque<TradeEntry> kept;
  for (const OrderResult& r : orders) {
    const std::string& symbol = r.request.symbol;
    const auto before = book.positions().find(symbol);
    const Amount realized_before = before == book.positions().end() ? 0 : before->second.realized;
    book.apply_fill(r);
    if ((!q.symbol.empty() && symbol != q.symbol) || r.request.decided_at_ms < q.since_ms) continue;
    TradeEntry e = entry_of(r);
    if (r.filled && r.request.side == kSell)
      e.realized_pnl = format_amount(book.positions().at(symbol).realized - realized_before);
    ++b.matched;
    kept.push_back(std::move(e));
    if (kept.size() > q.limit) kept.pop_front();
  }
  b.trades.assign(std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end()));
  return b;
}

}  // namespace tn
