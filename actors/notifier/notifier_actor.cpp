// The notifier's CAF shell: the log channel (one spdlog line per event worth
// telling, read from the event log), and the nudge to the deliverer, which
// sends the outbox rows those events brought to Telegram and email.
#include <spdlog/spdlog.h>

#include "actors/event_cursor.hpp"
#include "actors/notifier/notifier_core.hpp"
#include "actors/pipeline.hpp"
#include "storage/store.hpp"

namespace tn {

caf::behavior notifier_actor(caf::event_based_actor* self, std::shared_ptr<storage::Store> store,
                             caf::group events, uint64_t first_seq, DelivererActor deliverer) {
  self->join(events);
  auto next = std::make_shared<uint64_t>(first_seq);
  auto act = std::make_shared<Activity>();
  auto tell_upto = [=](uint64_t upto) {
    read_events_upto(store->events(), *next, upto, [](uint64_t seq, const std::string& bytes) {
      auto line = describe_event(bytes);
      if (!line)
        spdlog::warn("event {} unreadable: {}", seq, line.error().to_string());
      else if (line.value())
        spdlog::info("{}", *line.value());
    });
  };
  return {
      [=](events_atom, uint64_t upto) {
        act->touch();
        if (deliverer) self->send(deliverer, events_atom::value);
        tell_upto(upto);
      },
      [=](sync_atom) {
        auto l = store->events().last_seq();
        if (l) tell_upto(l.value());
        return true;
      },
      [=](health_atom) { return health_of(self, "notifier", *act); },
  };
}

}  // namespace tn
