#pragma once
// Reply bodies of the control protocol's account commands (close, trades,
// balance; messages/control.hpp has the protocol and includes this).
// Money is a decimal string, times Unix milliseconds (UTC).
#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

namespace tn {

// close: the SELL placed for the operator. Also published as trade.fill
// (timeframe "manual") and as control.action with `message`.
struct CloseBody {
  std::string message;        // for people: what was sold, at what, for how much
  std::string order_id;       // account:at_ms:symbol:manual:SELL
  std::string symbol, quote;
  double price = 0;           // the last known close of the symbol
  int64_t decided_at_ms = 0;  // the node's clock at the close (simulated in a replay)
  std::string quantity, value, fee, quote_after;  // decimals: sold, received before fee, fee, quote after
  bool duplicate = false;     // this request was applied before: nothing sold now, the first result
  MSGPACK_DEFINE_MAP(message, order_id, symbol, quote, price, decided_at_ms, quantity, value, fee,
                     quote_after, duplicate);
};

// One order of the ledger (trades).
struct TradeEntry {
  int64_t time_ms = 0;     // decided_at: the bar's close, or a manual close's time
  std::string symbol;
  std::string timeframe;   // the stream that decided it; "manual" for traderctl close
  std::string side;        // BUY | SELL
  double price = 0;
  std::string quantity, value, fee;  // decimals (zero when failed)
  std::string realized_pnl;  // filled SELLs: received after fee minus the average cost sold; else ""
  std::string order_id;
  bool filled = false;
  std::string reject_reason;  // failed: why
  MSGPACK_DEFINE_MAP(time_ms, symbol, timeframe, side, price, quantity, value, fee, realized_pnl,
                     order_id, filled, reject_reason);
};

struct TradesBody {
  std::string quote;
  uint64_t matched = 0;            // orders matching symbol/since; `trades` holds the newest `limit`
  std::vector<TradeEntry> trades;  // oldest first
  MSGPACK_DEFINE_MAP(quote, matched, trades);
};

// One asset of the account (balance). A paper spot account holds base
// assets only as positions, and its quote currency only free.
struct AssetBalance {
  std::string asset;         // "USDT", "BTC"
  std::string free;          // decimal: not tied to a position
  std::string in_positions;  // decimal: held in an open position
  double price = 0;          // last known price in quote (1 for the quote currency)
  std::string value;         // decimal: (free + in_positions) x price, in quote
  MSGPACK_DEFINE_MAP(asset, free, in_positions, price, value);
};

struct BalanceBody {
  std::string quote;
  std::string free_quote;       // decimal: what a BUY can spend
  std::string positions_value;  // decimal: open positions at their last prices
  std::string total_value;      // decimal: the two together
  std::vector<AssetBalance> assets;  // the quote currency first, then held assets by name
  MSGPACK_DEFINE_MAP(quote, free_quote, positions_value, total_value, assets);
};

}  // namespace tn
