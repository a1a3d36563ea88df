#pragma once
// Bodies of published events. Field names are the wire schema (README
// "Event schema"). Money is a decimal string ("1234.50000000") so that no
// subscriber has to guess a scale or lose precision.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <msgpack.hpp>

namespace tn {

// Topics, all in one place (the "switchboard").
namespace topic {
inline const std::string node_start = "node.start";
inline const std::string node_stop = "node.stop";
inline const std::string signal_buy = "signal.buy";
inline const std::string signal_sell = "signal.sell";
inline const std::string signal_dropped = "signal.dropped";
inline const std::string trade_fill = "trade.fill";
inline const std::string trade_rejected = "trade.rejected";
inline const std::string portfolio_status = "portfolio.status";
inline const std::string backtest_summary = "backtest.summary";
inline const std::string data_error = "data.error";
inline const std::string market_bar = "market.bar";
inline const std::string control_action = "control.action";
inline const std::string replay_summary = "replay.summary";
}  // namespace topic

// An order given on the control endpoint (pause, resume, run-now, stop,
// verify, send-test-email), with what came of it. Queries (status, ...)
// are not events.
struct ControlActionEvent {
  std::string command;
  std::map<std::string, std::string> args;
  bool ok = false;
  std::string message;  // the reply's message or error
  MSGPACK_DEFINE_MAP(command, args, ok, message);
};

struct SignalEvent {
  std::string symbol, timeframe, side;  // side: BUY | SELL
  int64_t bar_open_time_ms = 0;
  int64_t close_time_ms = 0;
  double price = 0, ma = 0, distance = 0;  // distance in percent
  int32_t ma_period = 0;
  double threshold = 0;
  std::string decision;  // "order" or "dropped"
  std::string reason;
  MSGPACK_DEFINE_MAP(symbol, timeframe, side, bar_open_time_ms, close_time_ms, price, ma, distance,
                     ma_period, threshold, decision, reason);
};

struct TradeEvent {
  std::string order_id, account, symbol, timeframe, side;
  int64_t bar_open_time_ms = 0;
  int64_t decided_at_ms = 0;
  double price = 0;
  std::string quantity, value, fee, quote_after, base_after;  // decimals
  std::string reason;         // why the order was placed
  std::string reject_reason;  // trade.rejected only
  MSGPACK_DEFINE_MAP(order_id, account, symbol, timeframe, side, bar_open_time_ms, decided_at_ms,
                     price, quantity, value, fee, quote_after, base_after, reason, reject_reason);
};

struct PositionView {
  std::string symbol, asset;
  std::string quantity;  // decimal
  double price = 0;      // last known price
  std::string value;     // decimal, in quote
  MSGPACK_DEFINE_MAP(symbol, asset, quantity, price, value);
};

struct PortfolioStatusEvent {
  int64_t time_ms = 0;
  std::string quote;           // USDT
  std::string quote_balance;   // decimal
  std::string total_value;     // decimal
  std::vector<PositionView> positions;
  MSGPACK_DEFINE_MAP(time_ms, quote, quote_balance, total_value, positions);
};

struct NodeStartEvent {
  std::string mode, account;
  std::vector<std::string> watchlist;  // "BTCUSDT:1d"
  std::string capital;                 // total portfolio value, decimal
  MSGPACK_DEFINE_MAP(mode, account, watchlist, capital);
};

struct NodeStopEvent {
  std::string reason;
  MSGPACK_DEFINE_MAP(reason);
};

// A bar with its indicator snapshot: published only with [bus] publish_bars.
struct BarEvent {
  std::string symbol, timeframe;
  int64_t open_time_ms = 0, close_time_ms = 0;
  double open = 0, high = 0, low = 0, close = 0, volume = 0;
  double ma = 0, distance = 0;  // NaN (JSON null) before ma_period bars
  MSGPACK_DEFINE_MAP(symbol, timeframe, open_time_ms, close_time_ms, open, high, low, close, volume,
                     ma, distance);
};

struct DataErrorEvent {
  std::string source, stream, message;
  MSGPACK_DEFINE_MAP(source, stream, message);
};

struct BacktestSummary {
  uint64_t bars = 0, signals = 0, trades = 0, rejected = 0;
  std::string final_usdt, final_equity;  // decimals
  double max_drawdown = 0;               // fraction of the peak, 0.25 = 25%
  double seconds = 0, bars_per_sec = 0;
  MSGPACK_DEFINE_MAP(bars, signals, trades, rejected, final_usdt, final_equity, max_drawdown,
                     seconds, bars_per_sec);
};

}  // namespace tn
