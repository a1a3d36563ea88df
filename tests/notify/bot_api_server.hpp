#pragma once
// A loopback Telegram Bot API server for tests (cpp-httplib): answers
// sendMessage with a scripted list of faults, then with the recorded real
// success body; records every request. Port chosen by the OS, or a given
// one (a server that comes back where a client expects it).
#include <httplib.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "../support/process.hpp"
#include "../support/temp_dir.hpp"

namespace tn::test {

inline std::string telegram_sample(const std::string& name) {
  return read_file(data_dir() + "/api-samples/telegram/" + name);
}

struct Fault {
  int status = 200;
  std::string body;   // empty with 200: the recorded success body
  int delay_ms = 0;   // > the client's timeout: "no answer"
};

class BotApiServer {
 public:
  explicit BotApiServer(int port = 0) {
    ok_body_ = telegram_sample("sendMessage-success.json");
    svr_.Post(R"(/bot([^/]+)/sendMessage)", [this](const httplib::Request& req, httplib::Response& res) {
      Fault f;
      {
        std::lock_guard<std::mutex> l(mu_);
        if (!faults_.empty()) f = faults_.front(), faults_.pop_front();
        if (f.status == 200) {
          tokens_.push_back(req.matches[1]);
          requests_.push_back(nlohmann::json::parse(req.body, nullptr, false));
        }
        ++calls_;
      }
      if (f.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(f.delay_ms));
      res.status = f.status;
      res.set_content(f.status == 200 && f.body.empty() ? ok_body_ : f.body, "application/json");
    });
    port_ = port == 0 ? svr_.bind_to_any_port("127.0.0.1") : svr_.bind_to_port("127.0.0.1", port) ? port : -1;
    if (port_ < 0) throw std::runtime_error("BotApiServer: cannot bind 127.0.0.1:" + std::to_string(port));
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    while (!svr_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~BotApiServer() {
    svr_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void push(Fault f) {
    std::lock_guard<std::mutex> l(mu_);
    faults_.push_back(std::move(f));
  }
  // Accepted requests' JSON bodies, in arrival order.
  std::vector<nlohmann::json> requests() {
    std::lock_guard<std::mutex> l(mu_);
    return requests_;
  }
  std::vector<std::string> tokens() {
    std::lock_guard<std::mutex> l(mu_);
    return tokens_;
  }
  int calls() {
    std::lock_guard<std::mutex> l(mu_);
    return calls_;
  }

 private:
  httplib::Server svr_;
  int port_ = 0;
  std::thread thread_;
  std::string ok_body_;
  std::mutex mu_;
  std::deque<Fault> faults_;
  std::vector<nlohmann::json> requests_;
  std::vector<std::string> tokens_;
  int calls_ = 0;
};

}  // namespace tn::test
