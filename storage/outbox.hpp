#pragma once
// The durable notification outbox: what the notifier still has to deliver,
// per channel, in order. A row is written in the same write transaction as
// the event that caused it (the event-append path asks the Store's router
// which channels want the event type), so a fill and its "trade executed"
// message commit together or not at all. A row is removed only after its
// channel accepted the message; ids are never reused, so a message re-sent
// after a crash carries the same id (Message-ID, Telegram short id).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace tn::storage {

namespace detail { struct Core; }

// Event type -> the channels that want it ("trade.fill" -> {"telegram",
// "email"}). Called inside the event's write transaction: must be fast, must
// not throw, must not touch the Store. Empty: the event goes nowhere.
using EventRouter = std::function<std::vector<std::string>(std::string_view event_type)>;

struct OutboxEntry {
  uint64_t id = 0;         // stable: the same on every delivery attempt, across restarts
  std::string channel;
  std::string type;        // event type ("trade.fill") or the enqueuer's kind ("report.daily")
  uint64_t event_seq = 0;  // the causing event, 0 for enqueued payloads
  int64_t queued_ms = 0;   // wall clock when written
  std::string content;     // event_seq != 0: the event's envelope bytes; else the payload
};

struct ChannelDepth {
  std::string channel;
  uint64_t depth = 0;             // rows waiting
  uint64_t oldest_id = 0;         // the next one to deliver
  int64_t oldest_queued_ms = 0;   // when it was written
};

class Outbox {
 public:
  // A notification not caused by an event (daily report, test message), in
  // its own transaction. channel: 1..64 bytes without NUL.
  Result<uint64_t> enqueue(const std::string& channel, const std::string& type,
                           const std::string& payload);
  // Up to max rows of channel with id > after_id, oldest first.
  Result<std::vector<OutboxEntry>> pending(const std::string& channel, size_t max,
                                           uint64_t after_id = 0);
  // Removes the rows (delivered) in one transaction; ids already gone are
  // ignored, so a repeated remove is harmless.
  Status remove(const std::string& channel, const std::vector<uint64_t>& ids);
  // Per channel with rows waiting, by channel name (for `traderctl status`).
  Result<std::vector<ChannelDepth>> depth();

  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

 private:
  friend class Store;
  explicit Outbox(detail::Core& core) : core_(core) {}
  detail::Core& core_;  // owned by the Store
};

}  // namespace tn::storage
