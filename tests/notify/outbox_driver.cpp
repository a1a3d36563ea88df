// A stand-in for the node in the outage test (tests/notify/outage_test.cpp),
// run as its own process so the test can SIGKILL it:
//   outbox_driver produce DB N TG_URL SMTP_PORT  appends N routed events (each
//       one commit with its outbox rows), tries to deliver once (the servers
//       are down), prints READY and waits to be killed.
//   outbox_driver deliver DB TG_URL SMTP_PORT    drains until the outbox is
//       empty (at most 60 s), prints DELIVERED n, exits 0 (1 on timeout).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "notify/notify_setup.hpp"
#include "notify/render.hpp"
#include "messages/codec.hpp"
#include "messages/events.hpp"
#include "storage/store.hpp"

using namespace tn;

namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

NotifyConfig config(const std::string& tg_url, int smtp_port) {
  NotifyConfig c;
  c.telegram.configured = true;
  c.telegram.base_url = tg_url;
  c.telegram.timeout_ms = 2000;
  c.email.configured = true;
  c.email.host = "127.0.0.1";
  c.email.port = smtp_port;
  c.email.user = "bot";
  c.email.from = "bot@example.com";
  c.email.recipients = {"me@example.com"};
  c.email.tls = "none";
  c.email.timeout_ms = 5000;
  c.routes["node.stop"] = {"telegram", "email"};
  c.backoff_initial_ms = 5;
  c.backoff_max_ms = 50;
  return c;
}

std::string env(const std::string& n) {
  if (n == "TELEGRAM_BOT_TOKEN") return "42:driver";
  if (n == "TELEGRAM_CHAT_ID") return "7";
  if (n == "SMTP_PASSWORD") return "secret";
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) return 2;
  const std::string mode = argv[1], db = argv[2];
  const bool produce = mode == "produce";
  const int n = produce ? std::stoi(argv[3]) : 0;
  const std::string tg = argv[produce ? 4 : 3];
  const int port = std::stoi(argv[produce ? 5 : 4]);
  const NotifyConfig c = config(tg, port);
  const ChannelPlan plan = plan_channels(c, env);
  storage::OpenOptions o;
  o.path = db;
  o.durable = true;
  o.route_events = notify::make_event_router(c, plan);
  auto store = storage::Store::open(o);
  if (!store) return std::fprintf(stderr, "%s\n", store.error().to_string().c_str()), 1;
  notify::Deliverer dl((*store)->outbox(), [](const storage::OutboxEntry& e) { return notify::render_entry(e); },
                       notify::delivery_options(c));
  for (auto& ch : notify::make_channels(c, plan, "driver", env)) dl.add_channel(std::move(ch));
  if (produce) {
    for (int i = 0; i < n; ++i) {
      char reason[32];
      std::snprintf(reason, sizeof reason, "msg-%03d", i);
      auto seq = (*store)->events().append({topic::node_stop, encode(NodeStopEvent{reason}), 0});
      if (!seq) return std::fprintf(stderr, "%s\n", seq.error().to_string().c_str()), 1;
    }
    const auto rep = dl.drain(now_ms());
    std::printf("READY delivered=%llu warnings=%zu\n", static_cast<unsigned long long>(rep.delivered),
                rep.warnings.size());
    std::fflush(stdout);
    for (;;) pause();  // until SIGKILL
  }
  const int64_t deadline = now_ms() + 60'000;
  uint64_t delivered = 0;
  while (now_ms() < deadline) {
    const auto rep = dl.drain(now_ms());
    delivered += rep.delivered;
    auto d = (*store)->outbox().depth();
    if (d && d->empty()) {
      std::printf("DELIVERED %llu\n", static_cast<unsigned long long>(delivered));
      return 0;
    }
    for (const auto& s : dl.states())
      if (s.halted) return std::fprintf(stderr, "halted: %s\n", s.halt_reason.c_str()), 1;
    if (rep.next_wake_ms > now_ms()) std::this_thread::sleep_for(std::chrono::milliseconds(rep.next_wake_ms - now_ms()));
  }
  std::printf("TIMEOUT delivered=%llu\n", static_cast<unsigned long long>(delivered));
  return 1;
}
