#pragma once
// The operator's close (traderctl close SYMBOL): the whole position of a
// symbol sold now at its last known price, as a SELL like the strategy's
// (same executor, ledger, events), planned here in plain C++.
//
// Pause: a close is allowed in both pause modes. A pause stops the
// strategy's decisions; a close is the operator's own, and "pause, then
// flatten" must not need a resume that would let the strategy trade again
// in between.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/arbiter/arbiter_core.hpp"
#include "common/error.hpp"
#include "messages/control.hpp"
#include "messages/market.hpp"
#include "messages/orders.hpp"

namespace tn {

// The timeframe field of a manual order (trade.fill, trades, notifications).
inline const std::string kManualTimeframe = "manual";

// The latest close the arbiter has seen per stream: the marks of the
// windows it decided (each window carries every stream's last close in it).
// History replayed as warm-up after a restart never reaches the arbiter, so
// a restarted node knows no price until its first decided check.
class PriceBoard {
 public:
  explicit PriceBoard(size_t streams = 0) : last_(streams) {}
  // A later mark of a stream replaces an earlier one; an earlier one is
  // ignored. Marks of unknown streams are ignored.
  void note(const std::vector<Mark>& marks);
  // The latest mark among `symbol`'s streams (ties: the lower stream id);
  // nullopt when none of them has one.
  std::optional<Mark> latest(const ArbiterCore& core, const std::string& symbol) const;

 private:
  std::vector<std::optional<Mark>> last_;  // by stream id
};

struct CloseRequest {
  std::string symbol;
  int64_t at_ms = 0;   // the control request's time: with the symbol, the order's id
  int64_t now_ms = 0;  // the node's clock (simulated in a replay)
};

// account:at_ms:symbol:manual:SELL (make_order_id with the request time in
// place of a bar's open): the same request gives the same id, so the
// ledger applies it once however often it is sent.
std::string close_order_id(const std::string& account, const std::string& symbol, int64_t at_ms);

// The SELL of the whole position in `req.symbol` at its latest price.
// The ledger sells the whole base balance (storage::evaluate_order), so
// the quantity is the position's, fee and value by the broker's rules.
// decided_at_ms = max(now_ms, the price's time): a fill never precedes its
// price. Errors, each naming the symbol:
//   not_found: not in the watchlist (the message lists it);
//   rejected: no open position;
//   busy: no price yet (no check decided since the start).
Result<OrderRequest> plan_close(const ArbiterCore& core, const PriceBoard& prices, const Book& book,
                                const CloseRequest& req);

// What the operator reads about a close's result: a line for people, and
// the reply body (message = that line).
std::string describe_close(const OrderResult& r);
CloseBody close_body(const OrderResult& r);

}  // namespace tn
