#pragma once
// Orders from the arbiter to the executor and what came of them.
#include <cstdint>
#include <string>

#include <msgpack.hpp>

#include "common/amount.hpp"

namespace tn {

inline const std::string kBuy = "BUY";
inline const std::string kSell = "SELL";

// Deterministic id: the same decision always gets the same id, so a re-run
// after a crash cannot execute it twice.
std::string make_order_id(const std::string& account, int64_t bar_open_time_ms,
                          const std::string& symbol, const std::string& timeframe,
                          const std::string& side);

struct OrderRequest {
  std::string order_id;
  std::string account;
  std::string symbol;     // BTCUSDT
  std::string base;       // BTC
  std::string quote;      // USDT
  std::string timeframe;  // 1d
  std::string side;       // BUY | SELL
  int64_t bar_open_time_ms = 0;
  int64_t decided_at_ms = 0;  // the bar's close: the instant of the decision
  double price = 0;
  Amount quote_amount = 0;  // BUY: what to spend (before fees); SELL: ignored
  std::string reason;       // why, in words
  MSGPACK_DEFINE_MAP(order_id, account, symbol, base, quote, timeframe, side, bar_open_time_ms,
                     decided_at_ms, price, quote_amount, reason);
};

// The executor's answer, also the body of trade.fill / trade.rejected.
struct OrderResult {
  OrderRequest request;
  bool filled = false;
  std::string reject_reason;  // empty when filled
  Amount quantity = 0;        // base units bought or sold
  Amount value = 0;           // quote units paid or received (before fee)
  Amount fee = 0;
  Amount quote_after = 0;  // quote balance after
  Amount base_after = 0;   // base balance after
  uint64_t event_seq = 0;  // seq of the event written in the same transaction
  bool duplicate = false;  // true when this order id had been applied before
  MSGPACK_DEFINE_MAP(request, filled, reject_reason, quantity, value, fee, quote_after,
                     base_after, event_seq, duplicate);
};

}  // namespace tn
