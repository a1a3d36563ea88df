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
// Every signal of one check (instant) together: the hourly daemon's
// "signals found" message, one per check instead of one per signal.
inline const std::string signals_found = "signals.found";
inline const std::string trade_fill = "trade.fill";
inline const std::string trade_rejected = "trade.rejected";
inline const std::string portfolio_status = "portfolio.status";
inline const std::string backtest_summary = "backtest.summary";
inline const std::string data_error = "data.error";
inline const std::string data_late = "data.late";
inline const std::string market_bar = "market.bar";
inline const std::string control_action = "control.action";
inline const std::string replay_summary = "replay.summary";
inline const std::string recommendation_new = "recommendation.new";
inline const std::string recommendation_exit = "recommendation.exit";
inline const std::string market_summary = "market.summary";
// Cluster health: a data node serving a shard attached / went away.
inline const std::string node_peer_up = "node.peer_up";
inline const std::string node_peer_down = "node.peer_down";
// An account brought over from the hourly daemon's SQLite database
// (`tradernode import-sqlite`): each of its transactions, then a summary.
inline const std::string import_transaction = "import.transaction";
inline const std::string import_summary = "import.summary";
}  // namespace topic

// The event types a notification (Telegram, email) is made of, each one
// rendered by notify/render.cpp: what a [notify.routes] key may name. Any
// other key would queue nothing, so the config refuses it.
inline const std::vector<std::string>& notifiable_event_types() {
  static const std::vector<std::string> types = {
      topic::data_error,       topic::node_start,  topic::node_stop,  topic::portfolio_status,
      topic::signal_buy,       topic::signal_sell, topic::signals_found, topic::trade_fill,
      topic::trade_rejected};
  return types;
}

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

// The signals of one instant (orders first, then dropped ones), each as
// its own signal.* event says it.
struct SignalsFoundEvent {
  int64_t close_time_ms = 0;
  std::vector<SignalEvent> signals;
  MSGPACK_DEFINE_MAP(close_time_ms, signals);
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

// A bar that should have closed was not in the exchange's answer at its
// check (live): published at the first miss; the bar is asked for again
// within its late window and decided when it comes, else a data.error.
struct DataLateEvent {
  std::string stream;             // "BTCUSDT:1h"
  std::string symbol, timeframe;  // "BTCUSDT", "1h"
  int64_t bar_open_time_ms = 0;   // the missing bar
  int64_t due_ms = 0;             // when it was due: its close
  uint32_t attempt = 0;           // answers without it so far (1: the check)
  int64_t retry_at_ms = 0;        // when it is asked for again
  MSGPACK_DEFINE_MAP(stream, symbol, timeframe, bar_open_time_ms, due_ms, attempt, retry_at_ms);
};

// node.peer_up / node.peer_down, from the trading node: which data node,
// which shard, its streams (stale while down: no signal comes from them).
struct PeerEvent {
  std::string peer;  // the data node's [node] name
  uint32_t shard = 0;
  std::string state;  // "up" | "down"
  std::vector<std::string> streams;  // "BTCUSDT:1d", ...
  std::string reason;  // down: why (CAF's exit reason)
  MSGPACK_DEFINE_MAP(peer, shard, state, streams, reason);
};

struct BacktestSummary {
  uint64_t bars = 0, signals = 0, trades = 0, rejected = 0;
  std::string final_usdt, final_equity;  // decimals
  double max_drawdown = 0;               // fraction of the peak, 0.25 = 25%
  double seconds = 0, bars_per_sec = 0;
  MSGPACK_DEFINE_MAP(bars, signals, trades, rejected, final_usdt, final_equity, max_drawdown,
                     seconds, bars_per_sec);
};

// ---- daily breakout + momentum recommendations (breakout/recommendations.hpp)

// A trade recommendation: buy at the next open around entry_price, sell at
// stop_price or target_price. Also the stored record (storage/recommendations.hpp).
struct RecommendationEvent {
  std::string id;           // "2022-10-10:BTCUSDT:breakout_55d": date, symbol, signal type
  std::string date;         // the bar's date, YYYY-MM-DD (UTC)
  std::string symbol, asset_class;  // asset_class: equity | crypto
  std::string direction;    // BUY
  std::string conviction;   // HIGH | MEDIUM | LOW
  std::string current_price, entry_price, target_price, stop_price;  // decimals
  double position_size_pct = 0;  // fraction of equity to put in, 0.15 = 15%
  double risk_pct = 0;           // fraction of equity lost at the stop (0.0075 unless capped)
  double technical_score = 0;    // breakout score 0..10
  double momentum_score = 0;     // 0..10
  double combined_score = 0;     // 0.6 * technical + 0.4 * momentum
  double atr14 = 0, roc60 = 0;
  std::string signal_type;  // breakout_20d | breakout_55d
  std::string reasoning;    // one sentence with the numbers
  std::string strategy;     // breakout_momentum
  int64_t bar_open_time_ms = 0;
  int64_t generated_at_ms = 0;
  MSGPACK_DEFINE_MAP(id, date, symbol, asset_class, direction, conviction, current_price,
                     entry_price, target_price, stop_price, position_size_pct, risk_pct,
                     technical_score, momentum_score, combined_score, atr14, roc60, signal_type,
                     reasoning, strategy, bar_open_time_ms, generated_at_ms);
};

// An open recommendation reached its stop or its target.
struct RecommendationExitEvent {
  std::string id, symbol, asset_class;
  std::string outcome;                  // stop | target
  std::string entry_price, exit_price;  // decimals
  double r_multiple = 0;                // (exit - entry) / (entry - stop): -1 at the stop, +2 at the target
  std::string date;                     // date of the bar that reached it
  int64_t bar_open_time_ms = 0;
  uint32_t bars_held = 0;               // bars after the recommendation's bar, this one included
  std::string reason;
  MSGPACK_DEFINE_MAP(id, symbol, asset_class, outcome, entry_price, exit_price, r_multiple, date,
                     bar_open_time_ms, bars_held, reason);
};

struct MarketMover {
  std::string symbol;
  double change = 0;  // last close / previous close - 1
  std::string close;  // decimal
  MSGPACK_DEFINE_MAP(symbol, change, close);
};

// One per daily job: the market on that day and what the job did.
struct MarketSummaryEvent {
  std::string date, asset_class;
  uint32_t symbols = 0;             // in the universe
  uint32_t rose = 0, fell = 0, unchanged = 0;
  uint32_t skipped = 0;             // no usable bar for the date (see notes)
  std::string benchmark;            // SPY, BTCUSDT
  bool has_benchmark = false;       // false: not in the data (see notes)
  double benchmark_change = 0;      // fraction
  std::vector<MarketMover> gainers, losers;  // biggest movers, at most 3 each
  uint32_t signals = 0, recommendations = 0;
  std::vector<std::string> notes;   // "SOLUSDT: 40 bars, needs 61: no signal"
  int64_t generated_at_ms = 0;
  MSGPACK_DEFINE_MAP(date, asset_class, symbols, rose, fell, unchanged, skipped, benchmark,
                     has_benchmark, benchmark_change, gainers, losers, signals, recommendations,
                     notes, generated_at_ms);
};

// One row of the daemon's transactions table, kept as history (the
// balances come from its balances table, not from these).
struct ImportTransactionEvent {
  std::string ref;       // "sqlite:<id>": the daemon's id
  std::string account, transaction_type;
  std::string amount;    // decimal, as the daemon recorded it (negative: a debit)
  std::string currency, description;
  int64_t time_ms = 0;   // its created_at
  MSGPACK_DEFINE_MAP(ref, account, transaction_type, amount, currency, description, time_ms);
};

// A held asset as imported: its quantity and the cost basis given to it.
struct ImportedHolding {
  std::string asset;
  std::string quantity, cost;  // decimals
  std::string cost_from;       // "buys", "buys and first price", "first price", "unknown"
  MSGPACK_DEFINE_MAP(asset, quantity, cost, cost_from);
};

// The last event of an import: where from, and what the ledger now holds.
struct ImportSummaryEvent {
  std::string source;  // the SQLite file
  std::string account, quote;
  std::string starting_capital, quote_balance;  // decimals
  uint32_t orders = 0, fills = 0, transactions = 0, opening_entries = 0;
  std::vector<ImportedHolding> holdings;
  MSGPACK_DEFINE_MAP(source, account, quote, starting_capital, quote_balance, orders, fills,
                     transactions, opening_entries, holdings);
};

}  // namespace tn
