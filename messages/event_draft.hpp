#pragma once
// An event not yet in the log: what every appender hands the event log
// (storage::EventLog::Draft is this struct), and what the arbiter sends the
// executor to log with an order in one ledger transaction (PlaceOrders).
#include <cstdint>
#include <string>

#include <msgpack.hpp>

namespace tn {

struct EventDraft {
  std::string type;  // its topic ("trade.fill")
  std::string body;  // msgpack bytes of the event body: exactly one object (tn::encode)
  int64_t ts_ns = 0;
  MSGPACK_DEFINE_MAP(type, body, ts_ns);
};

}  // namespace tn
