#pragma once
// Contents of the notifier's own messages that are not events: the daily
// recommendations report and the "worth a person's attention" alerts. Stored
// as outbox payloads (msgpack maps, field names are the schema), so they
// are plain structs.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <msgpack.hpp>

#include "messages/events.hpp"
#include "notify/svg_chart.hpp"

namespace tn::notify {

// Outbox types of the payload kinds below.
inline const std::string kDailyReportType = "report.daily";
inline const std::string kSourceDownType = "alert.source_down";
inline const std::string kTestMessageType = "notify.test";

// A recommendation as a line of the daily report: what a reader is shown,
// already formatted (conviction as a 0..1 fraction, size as text). The
// recommendation itself is RecommendationEvent (messages/events.hpp); this
// is a separate view because its fields are the stored payload's schema
// and differ in kind from the event's (numbers here, 8-decimal strings and
// a HIGH/MEDIUM/LOW word there).
struct ReportRecommendation {
  std::string symbol;      // BTCUSDT
  std::string direction;   // BUY | SELL | HOLD ...
  double conviction = 0;   // 0..1
  double entry = 0, stop = 0, target = 0;  // prices
  std::string size;        // e.g. "250 USDT" or "2% of capital": shown as given
  std::string reasoning;
  MSGPACK_DEFINE_MAP(symbol, direction, conviction, entry, stop, target, size, reasoning);
};

struct DailyReport {
  int64_t time_ms = 0;  // the report's day (UTC) is taken from this
  std::vector<ReportRecommendation> recommendations;
  std::string market_summary;
  PortfolioStatusEvent portfolio;
  // For the chart, oldest first. Values in quote units as doubles, not the
  // exact Amounts of EquityPoint (messages/internal.hpp): the report only
  // draws them, and the stored payload has always held them as floats.
  std::vector<ChartPoint> equity;
  MSGPACK_DEFINE_MAP(time_ms, recommendations, market_summary, portfolio, equity);
};

// A data source failing for `cycles` fetch cycles in a row.
struct SourceDownAlert {
  std::string source, stream;
  uint32_t cycles = 0;
  std::string last_error;
  MSGPACK_DEFINE_MAP(source, stream, cycles, last_error);
};

// A hand-made message (traderctl send-test-email).
struct TestMessage {
  std::string text;
  MSGPACK_DEFINE_MAP(text);
};

}  // namespace tn::notify
