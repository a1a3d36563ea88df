// Writing the backtest's bar CSV: exact numbers, whole files only.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "market/csv_bars.hpp"

namespace tn {

namespace {

template <class T>
void append_csv_number(std::string& out, T v) {
  char buf[32];  // the longest shortest-form double is 24 characters
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

Error csv_write_error(const std::string& what, const std::string& path) {
  return make_error(Errc::io, path + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

std::string format_csv_bars(const BarSeries& s) {
  std::string out;
  out.reserve(kBarCsvHeader.size() + 1 + s.size() * 64);
  out.append(kBarCsvHeader);
  out += '\n';
  for (size_t i = 0; i < s.size(); ++i) {
    append_csv_number(out, s.open_time_ms[i]);
    for (double v : {s.open[i], s.high[i], s.low[i], s.close[i], s.volume[i]}) {
      out += ',';
      append_csv_number(out, v);
    }
    out += '\n';
  }
  return out;
}

Status write_file_atomically(const std::string& path, std::string_view content) {
  std::string tmp = path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return csv_write_error("cannot create a temporary file beside it", path);
  const auto give_up = [&](const std::string& what) {
    Error e = csv_write_error(what, path);
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  };
  for (size_t done = 0; done < content.size();) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return give_up("write failed");
    done += static_cast<size_t>(n);
  }
  // mkstemp makes the file 0600; a data file is as readable as any other.
  if (::fchmod(fd, 0644) != 0) return give_up("chmod failed");
  if (::fsync(fd) != 0) return give_up("fsync failed");
  if (::close(fd) != 0) {
    Error e = csv_write_error("close failed", path);
    ::unlink(tmp.c_str());
    return e;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e = csv_write_error("cannot rename the temporary file over it", path);
    ::unlink(tmp.c_str());
    return e;
  }
  return Status::OK();
}

}  // namespace tn
