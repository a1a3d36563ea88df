#include "notify/delivery.hpp"

#include <algorithm>
#include <cmath>

namespace tn::notify {

Deliverer::Deliverer(storage::Outbox& outbox, Renderer render, DeliveryOptions options)
    : outbox_(outbox), render_(std::move(render)), options_(options) {
  options_.ack_batch = std::max<size_t>(options_.ack_batch, 1);
  options_.max_sends_per_drain = std::max<size_t>(options_.max_sends_per_drain, 1);
}

void Deliverer::add_channel(std::unique_ptr<Channel> channel) {
  Slot s;
  s.state.name = channel->name();
  s.channel = std::move(channel);
  slots_.push_back(std::move(s));
}

int64_t Deliverer::backoff_ms(uint32_t failures) const {
  if (failures == 0) return 0;
  const double d = static_cast<double>(options_.backoff_initial_ms) *
                   std::pow(options_.backoff_factor, static_cast<double>(failures - 1));
  return d >= static_cast<double>(options_.backoff_max_ms) ? options_.backoff_max_ms
                                                           : static_cast<int64_t>(d);
}

std::vector<ChannelState> Deliverer::states() const {
  std::vector<ChannelState> out;
  for (const auto& s : slots_) out.push_back(s.state);
  return out;
}

// Commits the removal of accepted rows. On a storage error they stay in
// unacked (never re-sent by this process) and the next drain tries again.
bool Deliverer::flush(Slot& s, DrainReport& report) {
  if (s.unacked.empty()) return true;
  if (Status st = outbox_.remove(s.state.name, s.unacked); !st) {
    report.warnings.push_back("notify " + s.state.name + ": cannot mark " +
                              std::to_string(s.unacked.size()) +
                              " delivered messages: " + st.error().to_string());
    return false;
  }
  s.unacked.clear();
  return true;
}

void Deliverer::drain_one(Slot& s, int64_t now_ms, DrainReport& report) {
  auto wake_at = [&](int64_t t) {
    report.next_wake_ms = report.next_wake_ms < 0 ? t : std::min(report.next_wake_ms, t);
  };
  ChannelState& st = s.state;
  if (!flush(s, report)) return wake_at(now_ms + backoff_ms(1));
  if (st.halted) return;
  if (now_ms < st.next_attempt_ms) return wake_at(st.next_attempt_ms);

  size_t sends = 0;
  while (sends < options_.max_sends_per_drain) {
    const size_t want = std::min<size_t>(options_.max_sends_per_drain - sends, 64);
    auto rows = outbox_.pending(st.name, want, s.last_sent_id);
    if (!rows) {
      report.warnings.push_back("notify " + st.name + ": cannot read the outbox: " +
                                rows.error().to_string());
      return wake_at(now_ms + backoff_ms(1));
    }
    if (rows->empty()) break;
    for (const auto& row : *rows) {
      auto msg = render_(row);
      if (!msg || !*msg) {  // nothing deliverable in it: take it out of the queue
        if (!msg)
          report.warnings.push_back("notify " + st.name + ": dropped unreadable message #" +
                                    std::to_string(row.id) + " (" + row.type +
                                    "): " + msg.error().message);
        s.last_sent_id = row.id;
        s.unacked.push_back(row.id);
        continue;
      }
      ++sends;
      const SendResult r = s.channel->send(**msg);
      if (r.kind == SendResult::Kind::accepted) {
        s.last_sent_id = row.id;
        s.unacked.push_back(row.id);
        ++st.delivered;
        ++report.delivered;
        st.failures = 0;
        if (s.unacked.size() >= options_.ack_batch && !flush(s, report))
          return wake_at(now_ms + backoff_ms(1));
        continue;
      }
      st.last_error = r.error;
      flush(s, report);
      if (r.kind == SendResult::Kind::permanent) {
        st.halted = true;
        st.halt_reason = r.error;
        report.warnings.push_back("notify " + st.name + ": stopped, message #" +
                                  std::to_string(row.id) + " refused for good: " + r.error +
                                  " (pending messages are kept; fix the config and restart)");
        return;
      }
      ++st.failures;
      st.next_attempt_ms = now_ms + std::max(r.retry_after_ms, backoff_ms(st.failures));
      report.warnings.push_back("notify " + st.name + ": message #" + std::to_string(row.id) +
                                " not delivered (attempt " + std::to_string(st.failures) +
                                "): " + r.error + "; retry in " +
                                std::to_string(st.next_attempt_ms - now_ms) + " ms");
      return wake_at(st.next_attempt_ms);
    }
  }
  flush(s, report);
  if (sends >= options_.max_sends_per_drain) wake_at(now_ms);  // more may wait: come back soon
}

DrainReport Deliverer::drain(int64_t now_ms) {
  DrainReport report;
  for (auto& s : slots_) drain_one(s, now_ms, report);
  return report;
}

}  // namespace tn::notify
