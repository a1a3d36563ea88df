#include "migrate/daemon_import.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <set>

#include "messages/codec.hpp"
#include "migrate/daemon_parse.hpp"

namespace tn::migrate {

namespace {

const std::string kRef = "sqlite:";

// How one asset's balance moves over the filled orders, counted from 0.
struct Flow {
  Amount net = 0;       // after all of them
  Amount need = 0;      // the furthest below zero it went: what it must have started with
  std::string need_at;  // the order where it went there
};

Result<std::map<std::string, Flow>> flows_of(const std::vector<Order>& orders, const std::string& quote) {
  std::map<std::string, Flow> f;
  f[quote];
  for (const Order& o : orders) {
    if (o.fate != OrderFate::filled) continue;
    const Amount value = value_at(o.quantity, o.price);
    const bool buy = o.side == kBuy;
    for (auto [asset, delta] : {std::pair{quote, buy ? -value : value}, {o.base, buy ? o.quantity : -o.quantity}}) {
      Flow& x = f[asset];
      if (Status s = checked_add(x.net, delta, "the orders' total of " + asset); !s) return s.error();
      if (-x.net > x.need) x.need = -x.net, x.need_at = o.id;
    }
  }
  return f;
}

// What each asset held before the first recorded order: its balance less
// what the filled orders moved, or for the quote at least what the orders
// need (the rest is `shortfall`: quote that left the daemon's account
// outside its orders, fees most likely). A base asset short like that is
// refused: nothing but an order moves it in the daemon.
struct Opening {
  std::map<std::string, Amount> held;
  Amount shortfall = 0;
};

Result<Opening> opening_state(const std::map<std::string, Amount>& balances,
                              const std::map<std::string, Flow>& flows, const std::string& quote) {
  Opening out;
  std::set<std::string> assets;
  for (const auto& [a, v] : balances) assets.insert(a);
  for (const auto& [a, f] : flows) assets.insert(a);
  for (const std::string& a : assets) {
    const auto b = balances.find(a);
    const Amount final = b == balances.end() ? 0 : b->second;
    const auto f = flows.find(a);
    const Flow flow = f == flows.end() ? Flow{} : f->second;
    Amount before = 0;
    if (__builtin_sub_overflow(final, flow.net, &before))
      return make_error(Errc::invalid_input, "the orders' total of " + a + " is out of range");
    if (before < flow.need && a == quote) {
      out.shortfall = flow.need - before;
      before = flow.need;
    } else if (before < flow.need) {
      return make_error(Errc::invalid_input,
                        "orders and balances disagree on " + a + ": the balance (" + format_amount(final) +
                            ") less what the filled orders bought and sold leaves " + format_amount(before) +
                            " before the first order, but " +
                            (flow.need_at.empty() ? std::string("a balance cannot start below zero")
                                                  : "order " + flow.need_at + " needs at least " +
                                                        format_amount(flow.need) + " there") +
                            " (was " + a + " moved outside the orders?)");
    }
    out.held[a] = before;
  }
  return out;
}

// A position's cost basis, by the portfolio's average-cost rule.
struct Basis {
  Amount quantity = 0, cost = 0;
  bool buys = false, opening = false, unknown = false;  // where the cost came from
};

// The journal as it is built: running balances, each entry's result, and
// every base asset's cost basis (for the summary).
class Journal {
 public:
  Journal(std::string account, std::string quote, Amount capital)
      : account_(std::move(account)), quote_(std::move(quote)) {
    balances[quote_] = capital;
  }

  void opening(const std::string& base, Amount quantity, double price, int64_t t) {
    OrderRequest q = request(kRef + "opening:" + base, base, kBuy, price, t);
    q.reason = "imported from the hourly daemon: " + base + " held before its first recorded order, " +
               (price > 0 ? "at the first price it recorded for " + q.symbol : std::string("no price recorded: cost unknown"));
    Basis& b = basis[base];
    (price > 0 ? b.opening : b.unknown) = true;
    fill(std::move(q), quantity, 0);
  }

  // fee: the quote shortfall, booked on the last filled order (after it
  // the balance is the daemon's, so no point of the history goes below 0).
  void order(const Order& o, Amount fee) {
    OrderRequest q = request(kRef + o.id, o.base, o.side, o.price, o.time_ms);
    q.reason = "imported from the hourly daemon: order " + o.id + " (" + o.order_type + ", " + o.status +
               ", quantity " + format_amount(o.quantity) + ")";
    if (fee > 0)
      q.reason += "; fee " + format_amount(fee) + ": " + quote_ + " the daemon's account lost outside its orders (its "
                  "fees, not in its orders table), booked on its last fill so the history ends at its balance";
    if (o.fate == OrderFate::filled) {
      if (o.side == kBuy) basis[o.base].buys = true;
      fill(std::move(q), o.quantity, fee);
      return;
    }
    OrderResult r;
    r.request = std::move(q);
    r.reject_reason = (o.fate == OrderFate::open ? "open in the hourly daemon, not carried over ("
                                                 : "not filled in the hourly daemon (") + o.status + ")";
    r.quote_after = balances[quote_];
    r.base_after = balances.count(o.base) ? balances[o.base] : 0;
    history.emplace_back(std::move(r));
  }

  std::map<std::string, Amount> balances;  // running, every asset an entry filled
  std::map<std::string, Basis> basis;      // by base asset
  std::vector<std::variant<OrderResult, storage::EventLog::Draft>> history;
  uint32_t fills = 0;

 private:
  OrderRequest request(std::string id, const std::string& base, const std::string& side, double price,
                       int64_t t) const {
    OrderRequest q;
    q.order_id = std::move(id);
    q.account = account_;
    q.symbol = base + quote_;
    q.base = base;
    q.quote = quote_;
    q.side = side;
    q.bar_open_time_ms = q.decided_at_ms = t;
    q.price = price;
    return q;
  }

  void fill(OrderRequest q, Amount quantity, Amount fee) {
    const Amount value = value_at(quantity, q.price);
    const bool buy = q.side == kBuy;
    if (buy) q.quote_amount = value;
    Amount& quote = balances[quote_];
    Amount& base = balances[q.base];
    quote += buy ? -value - fee : value - fee;
    base += buy ? quantity : -quantity;
    Basis& b = basis[q.base];
    if (buy) {
      b.quantity += quantity, b.cost += value + fee;
    } else {  // the part of the cost that left with the quantity, as the portfolio does it
      const Amount sold = b.quantity > 0 ? static_cast<Amount>(static_cast<long double>(b.cost) * quantity / b.quantity) : 0;
      b.cost -= sold, b.quantity -= quantity;
      if (b.quantity == 0) b = Basis{};
    }
    OrderResult r;
    r.request = std::move(q);
    r.filled = true;
    r.quantity = quantity;
    r.value = value;
    r.fee = fee;
    r.quote_after = quote;
    r.base_after = base;
    history.emplace_back(std::move(r));
    ++fills;
  }

  std::string account_, quote_;
};

storage::EventLog::Draft transaction_event(const Tx& t, const std::string& account) {
  ImportTransactionEvent e{kRef + t.id, account, t.type, format_amount(t.amount), t.currency, t.description, t.time_ms};
  return {topic::import_transaction, encode(e), t.time_ms * 1'000'000};
}

std::string cost_from(const Basis& b) {
  if (b.unknown) return b.buys ? "buys, and units held before the first order at cost 0 (no price recorded)"
                               : "unknown: no price recorded (cost 0)";
  if (b.opening) return b.buys ? "buys, and units held before the first order at its first recorded price"
                               : "its first recorded price (held before the first order)";
  return "buys";
}

}  // namespace

Result<ImportPlan> plan_import(const DaemonAccount& rows, const ImportOptions& opt) {
  const std::string quote = upper_ascii(opt.quote);
  if (quote.empty()) return make_error(Errc::invalid_input, "the quote asset is empty");
  auto balances = parse_balances(rows);
  if (!balances) return balances.error();
  auto orders = parse_orders(rows, quote);
  if (!orders) return orders.error();
  auto txs = parse_transactions(rows);
  if (!txs) return txs.error();
  auto flows = flows_of(*orders, quote);
  if (!flows) return flows.error();
  auto opening = opening_state(*balances, *flows, quote);
  if (!opening) return opening.error();
  std::map<std::string, Amount>& before = opening->held;
  std::string last_fill;
  for (const Order& o : *orders)
    if (o.fate == OrderFate::filled) last_fill = o.id;

  std::map<std::string, double> first_price;  // by symbol, in time order
  for (const Order& o : *orders)
    if (o.price > 0) first_price.emplace(o.symbol, o.price);
  int64_t t0 = opt.now_ms;
  if (!orders->empty() || !txs->empty())
    t0 = std::min(orders->empty() ? INT64_MAX : orders->front().time_ms, txs->empty() ? INT64_MAX : txs->front().time_ms);

  // The starting capital pays for the opening holdings at their price.
  Amount capital = before[quote];
  std::vector<std::pair<std::string, double>> openings;
  for (const auto& [asset, held] : before) {
    if (asset == quote || held <= 0) continue;
    const auto p = first_price.find(asset + quote);
    openings.emplace_back(asset, p == first_price.end() ? 0.0 : p->second);
    if (Status s = checked_add(capital, value_at(held, openings.back().second), "the starting capital"); !s)
      return s.error();
  }
  Journal j(rows.account, quote, capital);
  for (const auto& [asset, price] : openings) j.opening(asset, before[asset], price, t0);
  size_t t = 0;
  for (const Order& o : *orders) {
    for (; t < txs->size() && (*txs)[t].time_ms < o.time_ms; ++t) j.history.push_back(transaction_event((*txs)[t], rows.account));
    j.order(o, o.id == last_fill ? opening->shortfall : 0);
  }
  for (; t < txs->size(); ++t) j.history.push_back(transaction_event((*txs)[t], rows.account));

  ImportPlan plan;
  ImportSummaryEvent& s = plan.summary;
  s = {opt.source, rows.account, quote, format_amount(capital), format_amount(j.balances[quote]),
       static_cast<uint32_t>(orders->size()), j.fills - static_cast<uint32_t>(openings.size()),
       static_cast<uint32_t>(txs->size()), static_cast<uint32_t>(openings.size()), {}};
  for (const auto& [asset, b] : j.basis)
    if (b.quantity > 0) s.holdings.push_back({asset, format_amount(b.quantity), format_amount(b.cost), cost_from(b)});
  j.history.push_back(storage::EventLog::Draft{topic::import_summary, encode(s), opt.now_ms * 1'000'000});
  plan.ledger = {rows.account, quote, capital, std::move(j.history), std::move(j.balances)};
  return plan;
}

}  // namespace tn::migrate
