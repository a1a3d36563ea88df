#pragma once
// The durable, gap-free event log: every published event of this node, in
// order. seq starts at 1 and increases by exactly 1 per event, also across
// restarts, so a subscriber that sees a jump knows it missed something and
// can ask for the missing range with read_from().
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "messages/event_draft.hpp"

namespace tn::storage {

namespace detail { struct Core; }

class EventLog {
 public:
  // One event to append (messages/event_draft.hpp): body must be exactly
  // one msgpack object (the event struct as made by tn::encode).
  using Draft = EventDraft;

  // Appends in its own transaction; returns the seq given to the event.
  Result<uint64_t> append(const Draft& draft);
  // All or nothing, in one transaction; the seqs are consecutive.
  Result<std::vector<uint64_t>> append_batch(const std::vector<Draft>& drafts);
  // Up to max events with seq >= first_seq, in seq order, each as the
  // envelope bytes made by tn::encode_envelope (decode with decode_envelope).
  Result<std::vector<std::pair<uint64_t, std::string>>> read_from(uint64_t first_seq, size_t max);
  // The seq of the last event; 0 when the log is empty.
  Result<uint64_t> last_seq();

  // Walks the whole log and its hash chain (storage/FORMAT.md,
  // event_chain_v1). ok is false at the first broken link, missing link,
  // gap in seq or envelope whose seq differs from its key; problems says
  // which (at most a few lines). Only a storage failure is an error.
  struct ChainReport {
    uint64_t checked = 0;
    bool ok = true;
    std::vector<std::string> problems;
  };
  Result<ChainReport> verify_chain();

  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

 private:
  friend class Store;
  explicit EventLog(detail::Core& core) : core_(core) {}
  detail::Core& core_;  // owned by the Store
};

}  // namespace tn::storage
