#pragma once
// One node per database: an exclusive flock on DB/node.lock, held for the
// node's life and released by the kernel when the process dies (also by
// SIGKILL), so a crash never leaves a stale lock behind. The file holds
// the owner's pid, for the error message of the next one.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "common/error.hpp"

namespace tn {

class NodeLock {
 public:
  static Result<NodeLock> acquire(const std::string& db_dir) {
    std::error_code ec;
    std::filesystem::create_directories(db_dir, ec);
    if (ec) return make_error(Errc::io, "cannot create database directory '" + db_dir + "': " + ec.message());
    std::filesystem::permissions(db_dir, std::filesystem::perms::owner_all, ec);
    const std::string path = db_dir + "/node.lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return make_error(Errc::io, "cannot open '" + path + "': " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      char buf[32] = {};
      const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
      ::close(fd);
      std::string pid = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "?";
      while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
      return make_error(Errc::invalid_input, "another tradernode (pid " + pid +
                                                 ") is running on the database '" + db_dir +
                                                 "': one node per database");
    }
    const std::string me = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) < 0) {
      // The lock is what matters; the pid is only for the message.
    }
    return NodeLock(fd);
  }
  NodeLock(NodeLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  NodeLock& operator=(NodeLock&&) = delete;
  NodeLock(const NodeLock&) = delete;
  ~NodeLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the flock
  }

 private:
  explicit NodeLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace tn
