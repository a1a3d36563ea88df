#pragma once
// Balances, positions, valuation and P&L, rebuilt from fills and marks
// (last closes at equity boundaries). Plain bookkeeping; the ledger stays
// the authority on balances, this is the view people read.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "actors/arbiter/arbiter_core.hpp"
#include "common/amount.hpp"
#include "messages/events.hpp"
#include "messages/internal.hpp"
#include "messages/market.hpp"
#include "messages/orders.hpp"

namespace tn {

struct PositionPnl {
  Amount quantity = 0;
  Amount cost = 0;          // quote paid for what is still held (average cost)
  Amount realized = 0;      // quote gained by sells over their cost
  double last_price = 0;
};

class PortfolioCore {
 public:
  PortfolioCore(std::vector<StreamMeta> streams, std::string quote, Amount quote_balance,
                int64_t status_interval_ms, int64_t equity_interval_ms);

  // Fills and marks (prices at close times) of one window, applied in time
  // order. The equity curve gets a point at every equity boundary B (UTC
  // multiples of the interval) valued with everything at or before B: a
  // boundary is written once an event after it arrives, or at the end of a
  // window that lies past it, so the curve does not depend on how the run
  // was cut into windows. `last`: the run is over; a final point at the
  // last close is added.
  void apply_window(const std::vector<OrderResult>& fills, const std::vector<Mark>& marks,
                    int64_t window_end_ms, bool last);
  void apply_fill(const OrderResult& r);

  Amount total_value() const;
  Amount quote_balance() const { return quote_; }
  const std::vector<EquityPoint>& equity() const { return equity_; }
  const std::map<std::string, PositionPnl>& positions() const { return pos_; }

  // A live node's clock reached now_ms with no window to carry it there:
  // the equity and status boundaries up to it are written with what is
  // known (a live node's status must not wait for its next bar close).
  void advance_to(int64_t now_ms);

  PortfolioStatusEvent status(int64_t time_ms) const;
  // The portfolio.status snapshots that fell due since the last call: one
  // at every status boundary (UTC multiples of the status interval,
  // independent of the equity interval), each as it was at its time.
  std::vector<PortfolioStatusEvent> take_due_statuses();

 private:
  void record_equity(int64_t t);
  void start_boundaries_at(int64_t t);       // once, at the first event
  void record_one_boundary();               // the earlier of the next equity/status boundary
  void record_boundaries_before(int64_t t);  // every boundary < t not yet written

  std::vector<StreamMeta> streams_;
  std::vector<PositionPnl*> by_stream_;  // stream id -> its symbol's entry in pos_
  std::string quote_name_;
  Amount quote_ = 0;
  std::map<std::string, PositionPnl> pos_;  // by symbol
  std::vector<EquityPoint> equity_;
  int64_t status_interval_ms_;
  int64_t equity_interval_ms_;
  int64_t next_boundary_ = INT64_MIN;  // unset until the first event
  int64_t max_time_ = INT64_MIN;
  int64_t next_status_ = INT64_MIN;
  std::vector<PortfolioStatusEvent> due_status_;
};

}  // namespace tn
