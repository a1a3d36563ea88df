#pragma once
// Shared by the control tests: a ControlServer answering from its own
// thread (polled together with a stop pipe, as a node would poll it with
// other sockets), a canned handler, and raw ZeroMQ sockets for hostile
// clients. Every wait is bounded.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <zmq.hpp>

#include "control/server.hpp"
#include "messages/codec.hpp"
#include "messages/control.hpp"

namespace tn::test {

using namespace std::chrono_literals;
constexpr auto kWait = 5000ms;  // upper bound on anything loopback should do

inline std::unique_ptr<ControlServer> open_server(const std::string& endpoint = "tcp://127.0.0.1:0",
                                                  const ControlSecurity& sec = {}) {
  auto s = ControlServer::open(endpoint, sec);
  BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().to_string()));
  return std::move(s.value());
}

// A replay's status: its clock (now_ms) is simulated, 2024-01-02 00:00:12Z,
// years before any wall clock a test runs at. BTCUSDT has decided bars,
// ETHUSDT none yet (warming up, due now), SOLUSDT has bars but fewer than
// its ma_period (warming up, no MA).
inline StatusBody sample_status() {
  constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  StatusBody s;
  s.mode = "replay";
  s.node = "test-node";
  s.paused = false;
  s.pause_mode = pause_mode::running;
  s.uptime_s = 3723;
  s.now_ms = 1704153612000;
  s.free_quote = "5234.50000000";
  s.watchlist = {
      {"BTCUSDT:1d", 1704153600000, 40, false, 1704067200000, 42000.5, 44000.25, -4.5449, 1704240000000},
      {"ETHUSDT:4h", 0, 0, true, 0, kNone, kNone, kNone, 1704153612000},
      {"SOLUSDT:1h", 1704153600000, 3, true, 1704150000000, 101.25, kNone, kNone, 1704157200000},
  };
  s.signal_checks = 40;
  s.trades_executed = 14;
  s.trades_failed = 1;
  s.success_rate = 14.0 / 15.0;
  s.run_trades_executed = 0;  // restarted, no trade since: 100%, not 0%
  s.run_trades_failed = 0;
  s.run_success_rate = 1;
  s.portfolio_value = "10234.50000000";
  s.quote = "USDT";
  s.outbox = {{"email", 3, 1704153600000}, {"telegram", 1, 1704153660000}};
  return s;
}

// Answers like a node would: status gets sample_status(), pause echoes its
// mode, verify fails, "throw" throws, anything else is an unknown command.
// Records every request it saw.
class CannedHandler {
 public:
  ControlReply operator()(const ControlRequest& req) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      seen_.push_back(req);
    }
    if (req.command == control_cmd::status) return make_ok_reply(req, encode(sample_status()));
    if (req.command == control_cmd::pause) {
      const bool eo = req.args.count(control_arg::entries_only) &&
                      req.args.at(control_arg::entries_only) == "1";
      return make_ok_reply(req, encode(AckBody{eo ? "paused (entries only)" : "paused"}));
    }
    if (req.command == control_cmd::daily) {
      DailyBody d{"USDT", {{"2024-01-01", "12.50000000", "10012.50000000"}}};
      return make_ok_reply(req, encode(d));
    }
    if (req.command == control_cmd::resume) return make_ok_reply(req);
    if (req.command == control_cmd::verify)
      return make_error_reply(req.id, "event log is not open");
    if (req.command == "throw") throw std::runtime_error("boom");
    return make_error_reply(req.id, "unknown command '" + req.command + "'");
  }
  std::vector<ControlRequest> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  std::mutex mu_;
  std::vector<ControlRequest> seen_;
};

// Runs server on its own thread until stop(): zmq::poll over the server's
// poll_items() plus a pipe, then poll_once(0ms). No timers, no sleeps.
class ServerThread {
 public:
  ServerThread(std::unique_ptr<ControlServer> server, std::shared_ptr<CannedHandler> handler)
      : server_(std::move(server)), handler_(std::move(handler)), endpoint_(server_->endpoint()) {
    BOOST_REQUIRE(::pipe2(stop_, O_CLOEXEC | O_NONBLOCK) == 0);
    thread_ = std::thread([this] { loop(); });
  }
  ~ServerThread() { stop(); }
  void stop() {
    if (!thread_.joinable()) return;
    const char b = 1;
    [[maybe_unused]] auto n = ::write(stop_[1], &b, 1);
    thread_.join();
    ::close(stop_[0]);
    ::close(stop_[1]);
  }
  const std::string& endpoint() const { return endpoint_; }
  // Only after stop(): the server is the thread's while it runs.
  ControlServer& server() { return *server_; }

 private:
  void loop() {
    const ControlHandler h = [this](const ControlRequest& r) { return (*handler_)(r); };
    for (;;) {
      auto items = server_->poll_items();
      items.push_back({nullptr, stop_[0], ZMQ_POLLIN, 0});
      try {
        zmq::poll(items.data(), items.size(), std::chrono::milliseconds(-1));
      } catch (const zmq::error_t&) {
        continue;  // EINTR
      }
      if (items.back().revents & ZMQ_POLLIN) return;
      if (!server_->poll_once(0ms, h)) return;
    }
  }

  std::unique_ptr<ControlServer> server_;
  std::shared_ptr<CannedHandler> handler_;
  std::string endpoint_;
  int stop_[2] = {-1, -1};
  std::thread thread_;
};

inline zmq::socket_t raw_socket(zmq::context_t& ctx, const std::string& endpoint,
                                zmq::socket_type type = zmq::socket_type::dealer,
                                int linger_ms = 0) {
  zmq::socket_t s(ctx, type);
  s.set(zmq::sockopt::linger, linger_ms);
  s.connect(endpoint);
  return s;
}

inline void send_frames(zmq::socket_t& s, const std::vector<std::string>& frames) {
  for (size_t i = 0; i < frames.size(); ++i) {
    auto flags = i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none;
    BOOST_REQUIRE(s.send(zmq::buffer(frames[i]), flags | zmq::send_flags::dontwait));
  }
}

// One whole multipart message, or nothing within the timeout.
inline std::optional<std::vector<std::string>> recv_frames(zmq::socket_t& s,
                                                           std::chrono::milliseconds t) {
  zmq::pollitem_t item{s.handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, t) == 0) return std::nullopt;
  std::vector<std::string> frames;
  zmq::message_t m;
  do {
    if (!s.recv(m, zmq::recv_flags::dontwait)) break;
    frames.emplace_back(m.data<char>(), m.size());
  } while (m.more());
  return frames;
}

inline std::string request_bytes(const std::string& command, const std::string& id = "r1",
                                 uint32_t v = kControlVersion) {
  ControlRequest r;
  r.v = v;
  r.id = id;
  r.command = command;
  return encode(r);
}

inline ControlReply decode_reply(const std::string& bytes) {
  auto r = decode<ControlReply>(bytes);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().to_string()));
  return r.value();
}

}  // namespace tn::test
