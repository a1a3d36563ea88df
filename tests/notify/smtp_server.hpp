#pragma once
// Starts tests/notify/smtp_capture.py (aiosmtpd) on loopback for one test:
// waits for its "PORT n" line (bounded), kills it at scope exit.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support/process.hpp"
#include "../support/temp_dir.hpp"

namespace tn::test {

// The child's output up to its first newline, waiting at most limit_ms.
inline std::string read_first_line(int fd, int limit_ms) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(limit_ms);
  while (out.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[512];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

class SmtpServer {
 public:
  explicit SmtpServer(const std::string& dir, std::vector<std::string> extra = {}, int port = 0) : dir_(dir) {
    std::vector<std::string> argv = {"/usr/bin/python3", source_dir() + "/tests/notify/smtp_capture.py",
                                     "--dir", dir, "--port", std::to_string(port)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    child_ = spawn_process(argv);
    const std::string out = read_first_line(child_.out_fd, 15'000);
    if (out.rfind("PORT ", 0) != 0) {
      stop();
      throw std::runtime_error("smtp_capture.py did not start: " + out);
    }
    port_ = std::stoi(out.substr(5));
  }
  ~SmtpServer() { stop(); }
  void stop() {
    if (child_.pid <= 0) return;
    kill(child_.pid, SIGKILL);
    waitpid(child_.pid, nullptr, 0);
    close(child_.out_fd);
    child_.pid = -1;
  }
  int port() const { return port_; }
  // The captured messages, in arrival order.
  std::vector<std::string> messages() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir_))
      if (e.path().extension() == ".eml") names.push_back(e.path().string());
    std::sort(names.begin(), names.end());
    std::vector<std::string> out;
    for (const auto& n : names) out.push_back(read_file(n));
    return out;
  }

 private:
  std::string dir_;
  Child child_;
  int port_ = 0;
};

}  // namespace tn::test
