#include "actors/notifier/notifier_core.hpp"

#include <fmt/format.h>

#include "common/civil_date.hpp"
#include "messages/envelope.hpp"
#include "messages/events.hpp"

namespace tn {

namespace {

std::string utc(int64_t ms) {
  const int64_t s = ms / 1000;
  const int64_t days = s / 86400, rem = s % 86400;
  const CivilDate d = civil_from_days(days);  // no time zone database needed
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} UTC", d.year, d.month, d.day, rem / 3600,
                     rem % 3600 / 60);
}

}  // namespace

Result<std::optional<std::string>> describe_event(std::string_view bytes) {
  auto env = decode_envelope(bytes);
  if (!env) return env.error();
  const std::string& type = env->header.type;
  try {
    const msgpack::object& body = env->body.get();
    if (type == topic::trade_fill) {
      auto e = body.as<TradeEvent>();
      return std::optional<std::string>(fmt::format(
          "TRADE {} {} {} @ {} = {} USDT ({} bar closing {}) | {}", e.side, e.quantity, e.symbol,
          e.price, e.value, e.timeframe, utc(e.decided_at_ms), e.reason));
    }
    if (type == topic::trade_rejected) {
      auto e = body.as<TradeEvent>();
      return std::optional<std::string>(fmt::format("TRADE FAILED {} {} {} at {}: {}", e.side,
                                                    e.symbol, e.timeframe, utc(e.decided_at_ms),
                                                    e.reject_reason));
    }
    if (type == topic::portfolio_status) {
      auto e = body.as<PortfolioStatusEvent>();
      std::string pos;
      for (const auto& p : e.positions) pos += fmt::format(" {} {} ({} {})", p.asset, p.quantity, p.value, e.quote);
      return std::optional<std::string>(fmt::format("PORTFOLIO {}: total {} {}, {} available;{}",
                                                    utc(e.time_ms), e.total_value, e.quote,
                                                    e.quote_balance, pos.empty() ? " no positions" : pos));
    }
    if (type == topic::node_start) {
      auto e = body.as<NodeStartEvent>();
      std::string wl;
      for (const auto& w : e.watchlist) wl += (wl.empty() ? "" : ", ") + w;
      return std::optional<std::string>(fmt::format("NODE STARTED ({}) account {} capital {} watching {}",
                                                    e.mode, e.account, e.capital, wl));
    }
    if (type == topic::node_stop) {
      auto e = body.as<NodeStopEvent>();
      return std::optional<std::string>("NODE STOPPED: " + e.reason);
    }
    if (type == topic::data_error) {
      auto e = body.as<DataErrorEvent>();
      return std::optional<std::string>(fmt::format("DATA ERROR {} {}: {}", e.source, e.stream, e.message));
    }
    if (type == topic::data_late) {
      auto e = body.as<DataLateEvent>();
      return std::optional<std::string>(fmt::format("DATA LATE {}: the bar opening {} (due {}) is not served yet",
                                                    e.stream, utc(e.bar_open_time_ms), utc(e.due_ms)));
    }
  } catch (const std::exception& ex) {
    return make_error(Errc::invalid_input, type + " body does not match its schema: " + ex.what());
  }
  return std::optional<std::string>();
}

}  // namespace tn
