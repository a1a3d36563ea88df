#pragma once
// Reply bodies for people (aligned text tables) and for programs (JSON,
// nlohmann, field names as on the wire). Plain functions, no sockets: what
// traderctl prints, tested directly.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "messages/control.hpp"

namespace tn {

// Columns padded to their widest cell, two spaces apart; right-aligned
// where right[i] is true (numbers). Each line ends with '\n', no trailing
// spaces.
std::string render_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows,
                         const std::vector<bool>& right = {});

// "45s", "3m 05s", "1h 02m 03s", "2d 01h 00m 00s"; negative counts as 0.
std::string format_duration(int64_t seconds);
// "2024-01-02 03:04:05Z" (UTC); "never" for 0.
std::string format_utc_ms(int64_t ms);
// "12s ago" relative to now_ms; "never" for 0; "just now" when in the future.
std::string format_age(int64_t ms, int64_t now_ms);
// "in 55m 00s" relative to now_ms; "now" when due (ms <= now_ms); "none" for 0.
std::string format_next(int64_t ms, int64_t now_ms);
// A price without float noise: up to 8 decimals, trailing zeros dropped.
std::string format_price(double price);

// A stream's STATE cell in the status table: "warming up" or "ok".
std::string stream_state_text(const WatchEntry& w);

// Tables. now_ms makes ages ("12s ago") deterministic in tests.
// format_status: the streams' times against the node's clock (s.now_ms;
// now_ms for a node that sends none), so a replay's ages are in simulated
// time; the outbox's and the peers' (wall times) against now_ms.
std::string format_status(const StatusBody& s, int64_t now_ms);
std::string format_positions(const PositionsBody& p);
std::string format_profit(const ProfitBody& p);
std::string format_daily(const DailyBody& d);
std::string format_health(const HealthBody& h);
std::string format_verify(const VerifyBody& v);
std::string format_run_signals(const RunSignalsBody& r);
std::string format_ack(const AckBody& a);
std::string format_close(const CloseBody& c);
std::string format_trades(const TradesBody& t);  // a footer when rows were left out
std::string format_balance(const BalanceBody& b);

nlohmann::json to_json_value(const StatusBody& s);
nlohmann::json to_json_value(const PositionsBody& p);
nlohmann::json to_json_value(const ProfitBody& p);
nlohmann::json to_json_value(const DailyBody& d);
nlohmann::json to_json_value(const HealthBody& h);
nlohmann::json to_json_value(const VerifyBody& v);
nlohmann::json to_json_value(const AckBody& a);
nlohmann::json to_json_value(const RunSignalsBody& r);
nlohmann::json to_json_value(const CloseBody& c);
nlohmann::json to_json_value(const TradesBody& t);
nlohmann::json to_json_value(const BalanceBody& b);

// Decodes an ok reply's body by command (status -> StatusBody, ..., replay
// -> envelopes, anything else -> AckBody; an empty body of an ack command
// is {} / "ok") and renders it as a table (json=false) or as indented JSON
// (json=true), ending in '\n'. A body that does not decode as the command's
// type is invalid_input.
Result<std::string> format_reply_body(const std::string& command, std::string_view body,
                                      bool json, int64_t now_ms);

}  // namespace tn
