#pragma once
// The arbiter's core: which candidate signals become orders, in which order,
// and how big. Signals closing at the same instant are decided together:
//   - a SELL candidate is a signal only where a position is held;
//   - a signal is dropped when the same symbol has an opposite signal on a
//     larger timeframe in the same instant, even one dropped itself (the
//     hourly daemon's rule);
//   - SELL before BUY, then larger timeframe first (then symbol, for a
//     deterministic order);
//   - BUY size = available quote x allocation(timeframe), halved when a
//     position is already held; SELL sells the whole position.
// The executor applies an instant's orders against the ledger in one
// transaction and may still reject one (below the minimum, insufficient
// balance): that is a failed trade.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/amount.hpp"
#include "messages/events.hpp"
#include "messages/market.hpp"
#include "messages/orders.hpp"
#include "storage/paper_broker.hpp"

namespace tn {

struct StreamMeta {
  std::string symbol, base, quote, timeframe;
  int64_t tf_ms = 0;
  int32_t ma_period = 0;
  double buy_threshold = 0, sell_threshold = 0;
  double allocation = 0.10;
};

// What the arbiter believes the account holds: kept equal to the ledger by
// updating it from every OrderResult.
struct Book {
  Amount quote = 0;
  std::map<std::string, Amount> base;  // asset -> quantity
  Amount held(const std::string& asset) const {
    auto it = base.find(asset);
    return it == base.end() ? 0 : it->second;
  }
  bool holds(const std::string& asset) const { return held(asset) > 0; }
  void apply(const OrderResult& r);
};

enum class PauseMode : uint8_t { running = 0, paused = 1, entries_only = 2 };

// One signal of an instant after the rules: either an order to place (in
// the order given) or a drop with its reason.
struct Intent {
  Candidate candidate;
  bool dropped = false;
  std::string reason;  // why the order, or why dropped
};

class ArbiterCore {
 public:
  ArbiterCore(std::vector<StreamMeta> streams, std::string account);

  // All candidates must share one close time. Returns the signals of the
  // instant (SELL candidates without a position are not signals and are
  // left out), orders first in execution order, then the dropped ones.
  std::vector<Intent> plan_instant(const std::vector<Candidate>& at_instant, const Book& book,
                                   PauseMode pause) const;

  // The order for an intent, sized against the book as it is now (after the
  // orders placed before it in the same instant).
  OrderRequest make_order(const Intent& intent, const Book& now) const;

  // Every order of an instant's plan (its dropped intents left out), in
  // order, each sized against the book as the ones before it will leave it:
  // their outcomes are worked out with the paper broker's own pure rules
  // (storage/paper_broker.hpp), which the ledger then applies to the same
  // balances, so the instant can go to the executor as one batch (one
  // commit) and still size the second BUY from what the first one left.
  std::vector<OrderRequest> make_orders(const std::vector<Intent>& plan, const Book& book,
                                        const storage::LedgerRules& rules) const;

  // The published form of a signal.
  SignalEvent signal_event(const Intent& intent) const;

  const StreamMeta& stream(uint32_t id) const { return streams_.at(id); }
  size_t stream_count() const { return streams_.size(); }
  const std::string& account() const { return account_; }

 private:
  std::vector<StreamMeta> streams_;
  std::string account_;
};

// Candidates of a window sorted by (close time, stream): ready to be cut
// into instants.
void sort_by_instant(std::vector<Candidate>& c);

}  // namespace tn
