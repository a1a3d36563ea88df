// The publisher's CAF shell: on every "events appended up to seq N" from
// the bus, publishes the log from its cursor to N, in seq order, over
// ZeroMQ. Reading from the log (not from the messages) means the stream is
// exactly the log: no reordering between writers, no hole.
#include "actors/event_cursor.hpp"
#include "actors/pipeline.hpp"
#include "actors/publisher/zmq_publisher.hpp"
#include "common/stage_probe.hpp"
#include "messages/envelope.hpp"
#include "storage/store.hpp"

namespace tn {

namespace {
void publish_upto(std::shared_ptr<ZmqPublisher>& pub, storage::Store& store, uint64_t& next,
                  uint64_t upto) {
  read_events_upto(store.events(), next, upto, [&](uint64_t, const std::string& bytes) {
    auto env = decode_envelope(bytes);
    if (pub && env) (void)pub->publish(env->header.type, bytes);  // drops, never blocks
    if (env && (env->header.type == topic::trade_fill || env->header.type == topic::trade_rejected))
      probe::mark_placed(probe::published);
  });
}
}  // namespace

caf::behavior publisher_actor(caf::event_based_actor* self, std::shared_ptr<ZmqPublisher> pub,
                              std::shared_ptr<storage::Store> store, caf::group events,
                              uint64_t first_seq) {
  self->join(events);
  auto next = std::make_shared<uint64_t>(first_seq);
  auto act = std::make_shared<Activity>();
  return {
      [=](events_atom, uint64_t upto) mutable {
        act->touch();
        publish_upto(pub, *store, *next, upto);
      },
      [=](sync_atom) mutable {
        auto last = store->events().last_seq();
        if (last) publish_upto(pub, *store, *next, last.value());
        return true;
      },
      [=](health_atom) { return health_of(self, "publisher", *act); },
  };
}

}  // namespace tn
