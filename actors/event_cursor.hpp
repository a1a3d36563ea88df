#pragma once
// Reading the event log in seq order from a cursor: what every member of
// the event bus does on "events appended up to seq N".
#include <cstdint>
#include <string>

#include "storage/event_log.hpp"

namespace tn {

// Calls f(seq, envelope_bytes) for every logged event from `next` up to
// `upto`, advancing `next` past each. Stops early if the log has no more.
template <class F>
void read_events_upto(storage::EventLog& log, uint64_t& next, uint64_t upto, F&& f) {
  while (next <= upto) {
    auto batch = log.read_from(next, 1024);
    if (!batch || batch->empty()) return;
    for (auto& [seq, bytes] : batch.value()) {
      next = seq + 1;
      f(seq, bytes);
    }
  }
}

}  // namespace tn
