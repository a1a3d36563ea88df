#pragma once
// The delivery core: takes rows from the durable outbox and hands them to
// their channel, per channel in outbox order, one at a time. A row is removed
// only after its channel accepted it; a failure retries with exponential
// backoff (or the channel's own retry_after); a permanent failure (bad chat
// id, login refused) halts that channel, keeps its rows, and says why.
// Plain C++, blocking sends: the notifier actor runs it off the pipeline's
// threads and calls drain() when events arrive and when next_wake_ms comes.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "storage/outbox.hpp"

namespace tn::notify {

// One notification, rendered for every kind of channel.
struct Message {
  uint64_t id = 0;        // the outbox id: stable over retries and restarts
  int64_t queued_ms = 0;  // when it entered the outbox (email Date)
  std::string type;       // "trade.fill", "report.daily", ...
  std::string subject;    // one line: email Subject, Telegram heading
  std::string text;       // plain text body
  std::string html;       // full HTML document (email alternative, browser)
  std::string chat_html;  // Telegram's HTML subset, every dynamic value escaped
};

struct SendResult {
  enum class Kind { accepted, retry, permanent };
  Kind kind = Kind::accepted;
  int64_t retry_after_ms = 0;  // retry: wait at least this (Telegram 429); 0 = backoff only
  std::string error;           // for the log, never containing a secret

  static SendResult ok() { return {}; }
  static SendResult retry(std::string why, int64_t after_ms = 0) {
    return {Kind::retry, after_ms, std::move(why)};
  }
  static SendResult permanent(std::string why) { return {Kind::permanent, 0, std::move(why)}; }
};

class Channel {
 public:
  virtual ~Channel() = default;
  virtual std::string name() const = 0;  // the outbox channel name
  // Blocking, bounded by the channel's own timeouts. Must not throw.
  virtual SendResult send(const Message& m) = 0;
};

// Outbox row -> message. nullopt: nothing to tell for it (the row is
// removed); an Error: unreadable (the row is removed and reported).
using Renderer =
    std::function<Result<std::optional<Message>>(const storage::OutboxEntry& entry)>;

struct DeliveryOptions {
  int64_t backoff_initial_ms = 1000;     // first retry delay
  int64_t backoff_max_ms = 5 * 60'000;   // cap
  double backoff_factor = 2.0;
  size_t max_sends_per_drain = 64;  // per channel, so one drain() stays short
  // Delivered rows removed per commit. 1: after a crash at most one message
  // per channel is sent again; N: up to N (cheaper for very fast channels).
  size_t ack_batch = 1;
};

struct ChannelState {
  std::string name;
  bool halted = false;         // a permanent failure: no more attempts until restart
  std::string halt_reason;
  uint32_t failures = 0;       // consecutive
  int64_t next_attempt_ms = 0;
  std::string last_error;
  uint64_t delivered = 0;      // since start
};

struct DrainReport {
  uint64_t delivered = 0;
  std::vector<std::string> warnings;  // one log line each: failures, halts, dropped rows
  int64_t next_wake_ms = -1;          // call drain() again at this time; -1: nothing to do
};

class Deliverer {
 public:
  Deliverer(storage::Outbox& outbox, Renderer render, DeliveryOptions options = {});
  void add_channel(std::unique_ptr<Channel> channel);
  // Sends what is due at now_ms, up to max_sends_per_drain per channel.
  DrainReport drain(int64_t now_ms);
  std::vector<ChannelState> states() const;
  // The delay before retry number `failures` (1, 2, ...).
  int64_t backoff_ms(uint32_t failures) const;

 private:
  struct Slot {
    std::unique_ptr<Channel> channel;
    ChannelState state;
    uint64_t last_sent_id = 0;        // accepted up to here (removed or in unacked)
    std::vector<uint64_t> unacked;    // accepted, removal not committed yet
  };
  void drain_one(Slot& s, int64_t now_ms, DrainReport& report);
  bool flush(Slot& s, DrainReport& report);

  storage::Outbox& outbox_;
  Renderer render_;
  DeliveryOptions options_;
  std::vector<Slot> slots_;
};

}  // namespace tn::notify
