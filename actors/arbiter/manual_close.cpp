#include "actors/arbiter/manual_close.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/civil_date.hpp"

namespace tn {

void PriceBoard::note(const std::vector<Mark>& marks) {
  for (const Mark& m : marks) {
    if (m.stream >= last_.size()) continue;
    auto& slot = last_[m.stream];
    if (!slot || slot->time_ms <= m.time_ms) slot = m;
  }
}

std::optional<Mark> PriceBoard::latest(const ArbiterCore& core, const std::string& symbol) const {
  std::optional<Mark> best;
  for (uint32_t id = 0; id < last_.size() && id < core.stream_count(); ++id)
    if (last_[id] && core.stream(id).symbol == symbol && (!best || last_[id]->time_ms > best->time_ms))
      best = last_[id];
  return best;
}

std::string close_order_id(const std::string& account, const std::string& symbol, int64_t at_ms) {
  return make_order_id(account, at_ms, symbol, kManualTimeframe, kSell);
}

namespace {

const StreamMeta* find_symbol(const ArbiterCore& core, const std::string& symbol) {
  for (uint32_t id = 0; id < core.stream_count(); ++id)
    if (core.stream(id).symbol == symbol) return &core.stream(id);
  return nullptr;
}

std::string watchlist_symbols(const ArbiterCore& core) {
  std::vector<std::string> names;
  for (uint32_t id = 0; id < core.stream_count(); ++id) names.push_back(core.stream(id).symbol);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// "2021-01-07 00:00Z": when the price's bar closed, for the order's reason.
std::string utc_minute(int64_t ms) {
  const int64_t day = days_from_ms(ms), in_day = ms - day * kDayMs;
  return fmt::format("{} {:02}:{:02}Z", format_civil_date(civil_from_days(day)), in_day / kHourMs,
                     in_day % kHourMs / kMinuteMs);
}

}  // namespace

Result<OrderRequest> plan_close(const ArbiterCore& core, const PriceBoard& prices, const Book& book,
                                const CloseRequest& req) {
  const StreamMeta* s = find_symbol(core, req.symbol);
  if (!s)
    return make_error(Errc::not_found, "unknown symbol " + req.symbol + " (the watchlist has " +
                                           watchlist_symbols(core) + ")");
  if (!book.holds(s->base))
    return make_error(Errc::rejected, "no open position in " + req.symbol + ": nothing to close");
  const std::optional<Mark> price = prices.latest(core, req.symbol);
  if (!price)
    return make_error(Errc::busy, "no price yet for " + req.symbol +
                                      ": no check decided since the node started (try again after "
                                      "the next check, or traderctl run-now)");
  const StreamMeta& priced = core.stream(price->stream);
  OrderRequest r;
  r.order_id = close_order_id(core.account(), req.symbol, req.at_ms);
  r.account = core.account();
  r.symbol = s->symbol;
  r.base = s->base;
  r.quote = s->quote;
  r.timeframe = kManualTimeframe;
  r.side = kSell;
  r.bar_open_time_ms = req.at_ms;  // what the id is made of, as for the strategy's orders
  r.decided_at_ms = std::max(req.now_ms, price->time_ms);
  r.price = price->price;
  r.reason = fmt::format("manual close (traderctl): the whole position at the last close {} ({} {} "
                         "bar closed {})",
                         price->price, priced.symbol, priced.timeframe, utc_minute(price->time_ms));
  return r;
}

std::string describe_close(const OrderResult& r) {
  const OrderRequest& q = r.request;
  if (!r.filled) return "close of " + q.symbol + " rejected: " + r.reject_reason;
  std::string out = fmt::format("sold {} {} ({}) at {} for {} {} (fee {}); {} {} free", format_amount(r.quantity),
                                q.base, q.symbol, q.price, format_amount(r.value), q.quote,
                                format_amount(r.fee), format_amount(r.quote_after), q.quote);
  if (r.duplicate) out = "already done by this request (order " + q.order_id + "): " + out;
  return out;
}

CloseBody close_body(const OrderResult& r) {
  const OrderRequest& q = r.request;
  CloseBody b;
  b.message = describe_close(r);
  b.order_id = q.order_id;
  b.symbol = q.symbol;
  b.quote = q.quote;
  b.price = q.price;
  b.decided_at_ms = q.decided_at_ms;
  b.quantity = format_amount(r.quantity);
  b.value = format_amount(r.value);
  b.fee = format_amount(r.fee);
  b.quote_after = format_amount(r.quote_after);
  b.duplicate = r.duplicate;
  return b;
}

}  // namespace tn
