#pragma once
// The control plane's wire protocol: what traderctl (or any client, e.g.
// Python with pyzmq + msgpack) sends to a node's control endpoint and what
// it gets back. Field names are the wire schema; every struct is a msgpack
// map (MSGPACK_DEFINE_MAP), so fields can be added without breaking old
// readers (unknown keys are ignored, missing keys keep their defaults).
//
// Transport (control/server.hpp): one request, one reply,
// one ZeroMQ frame each. A REQ client sends and receives that one frame
// (REQ adds and strips the empty delimiter); a DEALER client sends
// [empty, request] as REQ would, or just [request], and the reply comes
// back with the same framing.
//
// Request:  {v: 1, id: "client's correlation id", command: "status",
//            args: {"entries_only": "1"}}
// Reply:    {v: 1, id: <echoed>, ok: true|false, error: "why, when !ok",
//            body: <bin: the msgpack of the command's body struct, or empty>}
//
// body is msgpack *bin* (bytes), decoded in a second step by command: the
// server passes the handler's body through without knowing its type, and a
// Python client reads it with msgpack.unpackb(reply["body"]).
//
// Commands, their args (all values are strings) and reply bodies:
//   status           -                      StatusBody: the node's state (running |
//                                           finished), its clock (now_ms: simulated
//                                           in a replay), free quote, per stream
//                                           the last bar decided and the next check
//   pause            entries_only="1" for the safe pause (no new BUYs,
//                    SELLs of held positions go on)      AckBody
//   resume           -                      AckBody
//   positions        -                      PositionsBody
//   profit           -                      ProfitBody
//   daily            days="N" (default 7)   DailyBody, oldest day first
//   health           -                      HealthBody
//   run-now          -                      AckBody: checks everything due now,
//                                           ignoring the minimum intervals
//   stop             -                      AckBody, then the node stops gracefully
//   replay           from_seq="S", max="M"  ReplayBody (encode_replay_body):
//                                           envelopes with seq >= S, at most M
//   verify           -                      VerifyBody: event-log hash chain and
//                                           ledger reconciliation
//   send-test-email  -                      AckBody
//   run-signals-now  asset_class="equity"|"crypto", date="YYYY-MM-DD"
//                    (optional: that day's job on the data up to its end;
//                    default the latest closed day)   RunSignalsBody
//   close            symbol="BTCUSDT", at_ms="T" (optional: the client's
//                    request time, Unix ms; default the node's receipt)
//                                           CloseBody: the whole position sold
//                                           at the last known price, as a SELL
//                                           through the arbiter and the ledger
//                                           (trade.fill / trade.rejected). The
//                                           order id is made of (at_ms, symbol):
//                                           the same request sent again sells
//                                           nothing and answers duplicate=true.
//                                           Allowed in both pause modes.
//   trades           symbol="S", since="T" (Unix ms or a UTC date/time like
//                    2021-01-01T12:00Z), limit="N" (default 100, at most
//                    10000), all optional     TradesBody: the ledger's orders,
//                                           oldest first, the newest N kept
//   balance          -                      BalanceBody
// The server core does not judge commands: an unknown one reaches the
// node's handler, which answers ok=false "unknown command ...".
//
// Money is a decimal string ("1234.50000000"), as in events.hpp; prices are
// double (market data; NaN where there is none yet, null in traderctl's
// JSON); times are Unix milliseconds (UTC).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <msgpack.hpp>

#include "common/error.hpp"
#include "messages/control_account.hpp"  // the account's bodies: close, trades, balance
#include "messages/control_status.hpp"   // the status body

namespace tn {

inline constexpr uint32_t kControlVersion = 1;
// A request larger than this is refused with an error reply before any
// decoding: real requests are a command and a few short args.
inline constexpr size_t kMaxControlRequestBytes = 64 * 1024;

namespace control_cmd {
inline const std::string status = "status";
inline const std::string pause = "pause";
inline const std::string resume = "resume";
inline const std::string positions = "positions";
inline const std::string profit = "profit";
inline const std::string daily = "daily";
inline const std::string health = "health";
inline const std::string run_now = "run-now";
inline const std::string stop = "stop";
inline const std::string replay = "replay";
inline const std::string verify = "verify";
inline const std::string send_test_email = "send-test-email";
inline const std::string run_signals_now = "run-signals-now";
inline const std::string close = "close";
inline const std::string trades = "trades";
inline const std::string balance = "balance";
}  // namespace control_cmd

namespace control_arg {
inline const std::string entries_only = "entries_only";  // pause: "1" = safe pause
inline const std::string days = "days";                  // daily: N >= 1
inline const std::string from_seq = "from_seq";          // replay: first seq wanted
inline const std::string max = "max";                    // replay: most envelopes returned
inline const std::string asset_class = "asset_class";    // run-signals-now: equity | crypto
inline const std::string date = "date";                  // run-signals-now: YYYY-MM-DD
inline const std::string symbol = "symbol";              // close, trades: BTCUSDT
inline const std::string at_ms = "at_ms";                // close: the request's time, Unix ms
inline const std::string since = "since";                // trades: Unix ms or UTC date/time
inline const std::string limit = "limit";                // trades: most rows returned
}  // namespace control_arg

// pause_mode values in StatusBody.
namespace pause_mode {
inline const std::string running = "running";
inline const std::string paused = "paused";
inline const std::string entries_only = "entries_only";
}  // namespace pause_mode

struct ControlRequest {
  uint32_t v = kControlVersion;
  std::string id;       // chosen by the client, echoed in the reply
  std::string command;  // control_cmd::*
  std::map<std::string, std::string> args;
  // Who sent it, as the server saw it ("127.0.0.1", plus "key <Z85>" under
  // CURVE): filled in by the control server for the node's log, never
  // sent (not in the map below).
  std::string peer;
  MSGPACK_DEFINE_MAP(v, id, command, args);
};

// Packed by hand (adaptor below) only so that body travels as bin.
struct ControlReply {
  uint32_t v = kControlVersion;
  std::string id;     // the request's id ("" when the request was unreadable)
  bool ok = false;
  std::string error;  // for people; set when !ok
  std::string body;   // msgpack of the command's body struct; may be empty
};

// --- reply bodies ---------------------------------------------------------

struct PositionEntry {
  std::string symbol, asset;     // "BTCUSDT", "BTC"
  std::string quantity;          // decimal, base units
  double price = 0;              // last known price
  std::string value;             // decimal, quantity * price in quote
  std::string cost;              // decimal, cost basis in quote
  std::string unrealized_pnl;    // decimal, value - cost (may be negative)
  MSGPACK_DEFINE_MAP(symbol, asset, quantity, price, value, cost, unrealized_pnl);
};

struct PositionsBody {
  std::string quote;  // currency of value/cost/pnl
  std::vector<PositionEntry> positions;
  MSGPACK_DEFINE_MAP(quote, positions);
};

struct SymbolProfit {
  std::string symbol;
  std::string realized, unrealized, total;  // decimals in quote
  MSGPACK_DEFINE_MAP(symbol, realized, unrealized, total);
};

struct ProfitBody {
  std::string quote;
  std::vector<SymbolProfit> symbols;
  std::string realized_total, unrealized_total, total;  // decimals
  MSGPACK_DEFINE_MAP(quote, symbols, realized_total, unrealized_total, total);
};

struct DayPnl {
  std::string date;        // "YYYY-MM-DD", a UTC day
  std::string pnl;         // decimal: equity change over the day
  std::string equity_end;  // decimal: total value at the day's end (or now, for today)
  MSGPACK_DEFINE_MAP(date, pnl, equity_end);
};

struct DailyBody {
  std::string quote;
  std::vector<DayPnl> days;  // oldest first
  MSGPACK_DEFINE_MAP(quote, days);
};

struct ActorHealth {
  std::string name;
  uint64_t mailbox = 0;          // messages waiting
  int64_t last_activity_ms = 0;  // 0: never active
  MSGPACK_DEFINE_MAP(name, mailbox, last_activity_ms);
};

struct HealthBody {
  int64_t now_ms = 0;  // the node's clock when it answered (ages are relative to it)
  std::vector<ActorHealth> actors;
  MSGPACK_DEFINE_MAP(now_ms, actors);
};

struct VerifyBody {
  uint64_t events_checked = 0;
  bool chain_ok = false;    // every event-log entry hashes to its successor's link
  uint64_t orders_checked = 0;
  bool ledger_ok = false;   // balances reconcile with the order history
  std::vector<std::string> problems;  // one line per mismatch found
  MSGPACK_DEFINE_MAP(events_checked, chain_ok, orders_checked, ledger_ok, problems);
};

// One daily breakout job (run-signals-now, breakout/daily_runner.hpp).
struct RunSignalsBody {
  std::string asset_class;
  std::string date;                          // YYYY-MM-DD of the job
  uint32_t signals = 0;                      // breakout signals before ranking
  std::vector<std::string> recommendations;  // ids, best first
  uint32_t written = 0;                      // recommendations new in the store (0 on a rerun)
  uint32_t exits = 0;                        // open recommendations closed by bars since the last run
  std::vector<std::string> notes;            // symbols without a signal and why
  MSGPACK_DEFINE_MAP(asset_class, date, signals, recommendations, written, exits, notes);
};

struct AckBody {
  std::string message;  // "paused (entries only)", "stopping", ...
  MSGPACK_DEFINE_MAP(message);
};

// --- helpers ----------------------------------------------------------------

// Decodes one request with limits fitted to its size (a 5-byte input cannot
// claim a million-element array). Errors (never throws):
//   larger than kMaxControlRequestBytes, not msgpack, trailing bytes, not a
//   map, no "v" or "command" key, a field of the wrong type: invalid_input;
//   v != kControlVersion: schema_version.
Result<ControlRequest> decode_control_request(std::string_view bytes);

// Best effort: the "id" string of a request that failed to decode, so the
// error reply can still be correlated. "" when there is none.
std::string peek_request_id(std::string_view bytes);

ControlReply make_ok_reply(const ControlRequest& req, std::string body = {});
ControlReply make_error_reply(std::string id, std::string error);

// Replay bodies are a msgpack array of bin, one envelope per element.
std::string encode_replay_body(const std::vector<std::string>& envelopes);
Result<std::vector<std::string>> decode_replay_body(std::string_view bytes);

// Reads an unsigned integer arg; a missing arg gives fallback. A value that
// is not a plain decimal number or is above max gives invalid_input naming
// the arg.
Result<uint64_t> control_arg_u64(const ControlRequest& req, const std::string& key,
                                 uint64_t fallback, uint64_t max);
// True for "1" or "true"; false when missing, "0" or "false"; anything else
// is invalid_input.
Result<bool> control_arg_flag(const ControlRequest& req, const std::string& key);

// close's args: symbol (required; 1..32 uppercase letters and digits, as
// in the watchlist) and at_ms (optional, 0 when missing: the node uses
// its receipt time). invalid_input naming the arg otherwise.
struct CloseArgs {
  std::string symbol;
  int64_t at_ms = 0;
};
Result<CloseArgs> decode_close_args(const ControlRequest& req);

// trades' args, each optional: symbol (as close's), since (parse_utc_time),
// limit (1..kMaxTradesLimit). invalid_input naming the arg otherwise.
inline constexpr uint64_t kDefaultTradesLimit = 100;
inline constexpr uint64_t kMaxTradesLimit = 10000;
struct TradesQuery {
  std::string symbol;    // "" for every symbol
  int64_t since_ms = 0;  // orders decided at or after it
  uint64_t limit = kDefaultTradesLimit;
};
Result<TradesQuery> decode_trades_args(const ControlRequest& req);

}  // namespace tn

// ControlReply: a map like MSGPACK_DEFINE_MAP would write, but body as bin.
// Reading accepts body as bin or str (both convert to std::string).
namespace msgpack {
MSGPACK_API_VERSION_NAMESPACE(MSGPACK_DEFAULT_API_NS) {
namespace adaptor {

template <>
struct pack<tn::ControlReply> {
  template <class Stream>
  packer<Stream>& operator()(packer<Stream>& o, const tn::ControlReply& r) const {
    o.pack_map(5);
    o.pack("v");
    o.pack(r.v);
    o.pack("id");
    o.pack(r.id);
    o.pack("ok");
    o.pack(r.ok);
    o.pack("error");
    o.pack(r.error);
    o.pack("body");
    o.pack_bin(static_cast<uint32_t>(r.body.size()));
    o.pack_bin_body(r.body.data(), static_cast<uint32_t>(r.body.size()));
    return o;
  }
};

template <>
struct convert<tn::ControlReply> {
  const msgpack::object& operator()(const msgpack::object& o, tn::ControlReply& r) const {
    if (o.type != msgpack::type::MAP) throw msgpack::type_error();
    for (uint32_t i = 0; i < o.via.map.size; ++i) {
      const auto& kv = o.via.map.ptr[i];
      if (kv.key.type != msgpack::type::STR) continue;
      const std::string_view k(kv.key.via.str.ptr, kv.key.via.str.size);
      if (k == "v") kv.val.convert(r.v);
      else if (k == "id") kv.val.convert(r.id);
      else if (k == "ok") kv.val.convert(r.ok);
      else if (k == "error") kv.val.convert(r.error);
      else if (k == "body" && kv.val.type != msgpack::type::NIL) kv.val.convert(r.body);
    }
    return o;
  }
};

}  // namespace adaptor
}  // MSGPACK_API_VERSION_NAMESPACE(MSGPACK_DEFAULT_API_NS)
}  // namespace msgpack
