#include "actors/arbiter/arbiter_core.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace tn {

namespace {
// The wire names of a candidate's side and the threshold it crossed.
const std::string& side_name(uint8_t side) { return side == kSideBuy ? kBuy : kSell; }
double threshold_of(const Candidate& c, const StreamMeta& s) {
  return c.side == kSideBuy ? s.buy_threshold : s.sell_threshold;
}
}  // namespace

void Book::apply(const OrderResult& r) {
  if (!r.filled) return;
  quote = r.quote_after;
  base[r.request.base] = r.base_after;
}

ArbiterCore::ArbiterCore(std::vector<StreamMeta> streams, std::string account)
    : streams_(std::move(streams)), account_(std::move(account)) {}

void sort_by_instant(std::vector<Candidate>& c) {
  std::sort(c.begin(), c.end(), [](const Candidate& a, const Candidate& b) {
    return a.close_time_ms != b.close_time_ms ? a.close_time_ms < b.close_time_ms
                                              : a.stream < b.stream;
  });
}

std::vector<Intent> ArbiterCore::plan_instant(const std::vector<Candidate>& at_instant,
                                              const Book& book, PauseMode pause) const {
  // 1. Signals: BUYs always, SELLs only where a position is held now.
  std::vector<Candidate> sig;
  for (const Candidate& c : at_instant)
    if (c.side == kSideBuy || book.holds(streams_.at(c.stream).base)) sig.push_back(c);

  // 2. Execution order: SELL before BUY, larger timeframe first, then symbol.
  std::sort(sig.begin(), sig.end(), [&](const Candidate& a, const Candidate& b) {
    const StreamMeta& sa = streams_.at(a.stream);
    const StreamMeta& sb = streams_.at(b.stream);
    if (a.side != b.side) return a.side == kSideSell;
    if (sa.tf_ms != sb.tf_ms) return sa.tf_ms > sb.tf_ms;
    return sa.symbol < sb.symbol;
  });

  // 3. Conflicts (the hourly daemon's rule): a signal is dropped when the
  //    same symbol has an opposite signal on a larger timeframe in the same
  //    instant, whether that one survives or is dropped itself. So with a 1d
  //    BUY, a 4h SELL and a 1h BUY only the 1d BUY stands. The reason names
  //    the largest such timeframe.
  std::vector<const Candidate*> outranked_by(sig.size(), nullptr);
  for (size_t x = 0; x < sig.size(); ++x) {
    const StreamMeta& s = streams_.at(sig[x].stream);
    for (size_t y = 0; y < sig.size(); ++y) {
      const StreamMeta& so = streams_.at(sig[y].stream);
      if (so.symbol != s.symbol || sig[y].side == sig[x].side || so.tf_ms <= s.tf_ms) continue;
      if (!outranked_by[x] || so.tf_ms > streams_.at(outranked_by[x]->stream).tf_ms)
        outranked_by[x] = &sig[y];
    }
  }

  std::vector<Intent> orders, dropped;
  for (size_t i = 0; i < sig.size(); ++i) {
    const Candidate& c = sig[i];
    const StreamMeta& s = streams_.at(c.stream);
    const std::string& side = side_name(c.side);
    const std::string why = fmt::format("{} {}: price {} is {:.2f}% from MA{} {:.8g} (threshold {}%)",
                                        s.symbol, s.timeframe, c.price, c.distance, s.ma_period,
                                        c.ma, threshold_of(c, s));
    if (const Candidate* bigger = outranked_by[i]) {
      const StreamMeta& sb = streams_.at(bigger->stream);
      dropped.push_back({c, true,
                         fmt::format("conflict: {} on {} outranks this {} on {}",
                                     side_name(bigger->side), sb.timeframe, side,
                                     s.timeframe)});
    } else if (pause == PauseMode::paused) {
      dropped.push_back({c, true, "paused"});
    } else if (pause == PauseMode::entries_only && c.side == kSideBuy) {
      dropped.push_back({c, true, "paused for entries (only exits allowed)"});
    } else {
      orders.push_back({c, false, why});
    }
  }
  orders.insert(orders.end(), std::make_move_iterator(dropped.begin()),
                std::make_move_iterator(dropped.end()));
  return orders;
}

OrderRequest ArbiterCore::make_order(const Intent& in, const Book& now) const {
  const Candidate& c = in.candidate;
  const StreamMeta& s = streams_.at(c.stream);
  OrderRequest r;
  r.side = side_name(c.side);
  // One order per stream and side per decision: per bar at its close, per
  // check for an open candle (a 1d stream may buy at several hours of a day).
  r.order_id = make_order_id(account_, c.open_candle ? c.close_time_ms : c.open_time_ms, s.symbol,
                             s.timeframe, r.side);
  r.account = account_;
  r.symbol = s.symbol;
  r.base = s.base;
  r.quote = s.quote;
  r.timeframe = s.timeframe;
  r.bar_open_time_ms = c.open_time_ms;
  r.decided_at_ms = c.close_time_ms;
  r.price = c.price;
  r.reason = in.reason;
  if (c.side == kSideBuy) {
    // Fixed-point: floor(quote x allocation), halved when already holding.
    // The allocation is taken as a decimal with 9 places (0.3 is 0.3, not
    // the binary double just below it).
    const __int128 alloc_e9 = std::llround(s.allocation * 1e9);
    Amount size = static_cast<Amount>(static_cast<__int128>(now.quote) * alloc_e9 / 1'000'000'000);
    if (now.holds(s.base)) size /= 2;
    r.quote_amount = size;
  }
  return r;
}

std::vector<OrderRequest> ArbiterCore::make_orders(const std::vector<Intent>& plan, const Book& book,
                                                   const storage::LedgerRules& rules) const {
  std::vector<OrderRequest> out;
  Book after = book;
  for (const Intent& in : plan) {
    if (in.dropped) continue;
    out.push_back(make_order(in, after));
    const OrderRequest& r = out.back();
    after.apply(storage::evaluate_order(r, rules, after.quote, after.held(r.base)));
  }
  return out;
}

SignalEvent ArbiterCore::signal_event(const Intent& in) const {
  const Candidate& c = in.candidate;
  const StreamMeta& s = streams_.at(c.stream);
  SignalEvent e;
  e.symbol = s.symbol;
  e.timeframe = s.timeframe;
  e.side = side_name(c.side);
  e.bar_open_time_ms = c.open_time_ms;
  e.close_time_ms = c.close_time_ms;
  e.price = c.price;
  e.ma = c.ma;
  e.distance = c.distance;
  e.ma_period = s.ma_period;
  e.threshold = threshold_of(c, s);
  e.decision = in.dropped ? "dropped" : "order";
  e.reason = in.reason;
  return e;
}

}  // namespace tn
