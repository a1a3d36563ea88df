// The account's tables (close, trades, balance): the rest of format.hpp's
// renderers, kept apart from the node's status views.
#include "control/format.hpp"

namespace tn {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CloseBody, message, order_id, symbol, quote, price, decided_at_ms,
                                   quantity, value, fee, quote_after, duplicate)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TradeEntry, time_ms, symbol, timeframe, side, price, quantity, value,
                                   fee, realized_pnl, order_id, filled, reject_reason)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TradesBody, quote, matched, trades)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AssetBalance, asset, free, in_positions, price, value)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(BalanceBody, quote, free_quote, positions_value, total_value, assets)

namespace {
std::string in_quote(const std::string& quote) { return quote.empty() ? "" : " (" + quote + ")"; }
}  // namespace

std::string format_close(const CloseBody& c) {
  return c.message + "\norder " + c.order_id + " at " + format_utc_ms(c.decided_at_ms) + "\n";
}

std::string format_trades(const TradesBody& t) {
  if (t.trades.empty()) return t.matched ? "(no trades shown)\n" : "(no trades)\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : t.trades)
    rows.push_back({format_utc_ms(e.time_ms), e.symbol, e.timeframe, e.side, e.quantity,
                    format_price(e.price), e.value, e.fee, e.realized_pnl.empty() ? "-" : e.realized_pnl,
                    e.filled ? "filled" : "failed: " + e.reject_reason, e.order_id});
  const std::string q = in_quote(t.quote);
  std::string out = render_table({"TIME (UTC)", "SYMBOL", "TF", "SIDE", "QUANTITY", "PRICE", "VALUE" + q,
                                  "FEE" + q, "REALIZED" + q, "RESULT", "ORDER"},
                                 rows, {false, false, false, false, true, true, true, true, true, false, false});
  if (t.matched > t.trades.size())
    out += "(the last " + std::to_string(t.trades.size()) + " of " + std::to_string(t.matched) +
           " matching trades; --since or --limit for the others)\n";
  return out;
}

std::string format_balance(const BalanceBody& b) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& a : b.assets)
    rows.push_back({a.asset, a.free, a.in_positions, format_price(a.price), a.value});
  const std::string q = in_quote(b.quote);
  std::string out = render_table({"ASSET", "FREE", "IN POSITIONS", "PRICE" + q, "VALUE" + q}, rows,
                                 {false, true, true, true, true});
  // The totals, as a table of their own without its header line.
  const std::string totals = render_table({"", ""}, {{"free " + b.quote, b.free_quote},
                                                     {"in positions", b.positions_value},
                                                     {"total", b.total_value}},
                                          {false, true});
  return out + "\n" + totals.substr(totals.find('\n') + 1);
}

nlohmann::json to_json_value(const CloseBody& c) { return c; }
nlohmann::json to_json_value(const TradesBody& t) { return t; }
nlohmann::json to_json_value(const BalanceBody& b) { return b; }

}  // namespace tn
