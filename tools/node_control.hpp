#pragma once
// The node's answers on the control endpoint (messages/control.hpp): asks
// the actors (a scoped actor per request, from the control thread) and the
// store, and publishes every action (pause, resume, run-now, stop, verify,
// send-test-email, close) as a control.action event.
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "notify/email.hpp"
#include "actors/pipeline.hpp"

namespace tn {

struct NodeControlContext {
  caf::actor_system* sys = nullptr;
  const Pipeline* pipeline = nullptr;
  std::shared_ptr<storage::Store> store;
  std::string mode, node, account, quote;
  std::vector<std::string> stream_names;  // by stream id: "BTCUSDT:1d"
  int64_t started_ms = 0;
  std::function<void()> stop;  // begins the graceful stop
  DailyJobsActor daily_jobs;   // run-signals-now; null without [strategies.breakout.*]
  std::optional<notify::EmailOptions> email;  // the email channel when it is on
  std::string email_off;                      // else why it is off (for send-test-email)
  // True once a replay has reached the end of its data (status: finished);
  // null: never (live).
  const std::atomic<bool>* finished = nullptr;
};

ControlReply handle_control(const NodeControlContext& ctx, const ControlRequest& req);

}  // namespace tn
