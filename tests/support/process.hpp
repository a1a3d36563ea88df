#pragma once
// Runs a real binary for integration tests: arguments, optional stdin
// closed, stdout+stderr captured, a hard time limit (the child is killed
// when it runs over, so no test can hang).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

namespace tn::test {

struct ProcessResult {
  int exit_code = -1;  // -1: killed (timeout) or signalled
  bool timed_out = false;
  std::string output;  // stdout and stderr, interleaved
};

inline std::string build_dir() {
  const char* b = std::getenv("TN_BUILD_DIR");
  return b ? b : "build";
}
inline std::string source_dir() {
  const char* s = std::getenv("TN_SOURCE_DIR");
  return s ? s : ".";
}
inline std::string data_dir() {
  const char* d = std::getenv("TN_DATA_DIR");
  return d ? d : "data";
}

// A child started in the background (for servers, or a node a test stops).
struct Child {
  pid_t pid = -1;
  int out_fd = -1;
};

inline Child spawn_process(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    // A test that stops early (a failed BOOST_REQUIRE) must not leave a
    // node running (one with at_end = "stay" never ends): the child dies
    // with the test process.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

// Reads the child's output until it exits or the limit passes; kills it then.
inline ProcessResult wait_process(Child c, std::chrono::milliseconds limit) {
  ProcessResult r;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  char buf[65536];
  bool open_fd = true;
  while (open_fd) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      kill(c.pid, SIGKILL);
      break;
    }
    pollfd p{c.out_fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    ssize_t n = read(c.out_fd, buf, sizeof buf);
    if (n <= 0) open_fd = false;
    else r.output.append(buf, static_cast<size_t>(n));
  }
  close(c.out_fd);
  int status = 0;
  waitpid(c.pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline ProcessResult run_process(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds limit = std::chrono::seconds(60)) {
  return wait_process(spawn_process(argv), limit);
}

}  // namespace tn::test
