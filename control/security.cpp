#include "control/security.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <zmq.h>

namespace tn {

namespace {

bool is_ipv4_loopback(std::string_view host) {
  // 127.a.b.c with four decimal octets <= 255.
  int octets = 0;
  size_t i = 0;
  int first = -1;
  while (i <= host.size()) {
    size_t j = host.find('.', i);
    if (j == std::string_view::npos) j = host.size();
    std::string_view part = host.substr(i, j - i);
    if (part.empty() || part.size() > 3) return false;
    int v = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    if (v > 255) return false;
    if (octets == 0) first = v;
    ++octets;
    i = j + 1;
  }
  return octets == 4 && first == 127;
}

std::string trim(std::string s) {
  const char* ws = " \t\r\n";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

}  // namespace

bool is_loopback_endpoint(std::string_view endpoint) {
  if (endpoint.starts_with("ipc://") || endpoint.starts_with("inproc://")) return true;
  if (!endpoint.starts_with("tcp://")) return false;
  std::string_view rest = endpoint.substr(6);
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view host = rest.substr(0, colon);
  if (host == "localhost" || host == "[::1]" || host == "::1") return true;
  return is_ipv4_loopback(host);
}

bool is_z85_key(std::string_view key) {
  if (key.size() != kZ85KeyChars) return false;
  std::string text(key);
  std::array<uint8_t, 32> bin{};
  return zmq_z85_decode(bin.data(), text.c_str()) != nullptr;
}

Result<std::string> read_secret_key_file(const std::string& path) {
  if (path.empty()) return make_error(Errc::invalid_input, "no CURVE secret key file given");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    const int err = errno;
    return make_error(err == ENOENT ? Errc::not_found : Errc::io,
                      "cannot open CURVE secret key file " + path + ": " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return make_error(Errc::io, "cannot stat " + path + ": " + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return make_error(Errc::invalid_input, "CURVE secret key file " + path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return make_error(Errc::invalid_input, "CURVE secret key file " + path + " has mode " + mode +
                                               ": it must not be accessible to group or others "
                                               "(chmod 600 " + path + ")");
  }
  std::string text;
  char buf[512];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return make_error(Errc::io, "cannot read " + path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxKeyFileBytes) break;
  }
  ::close(fd);
  text = trim(std::move(text));
  if (!is_z85_key(text))
    return make_error(Errc::invalid_input, "CURVE secret key file " + path +
                                               " does not hold one 40-character Z85 key");
  return text;
}

Result<std::string> curve_public_key(const std::string& secret_z85) {
  if (!is_z85_key(secret_z85))
    return make_error(Errc::invalid_input, "not a 40-character Z85 secret key");
  char pub[kZ85KeyChars + 1] = {};
  if (zmq_curve_public(pub, secret_z85.c_str()) != 0)
    return make_error(Errc::internal, std::string("zmq_curve_public: ") + zmq_strerror(zmq_errno()));
  return std::string(pub);
}

Result<CurveKeyPair> make_curve_keypair() {
  char pub[kZ85KeyChars + 1] = {}, sec[kZ85KeyChars + 1] = {};
  if (zmq_curve_keypair(pub, sec) != 0)
    return make_error(Errc::internal, std::string("zmq_curve_keypair: ") + zmq_strerror(zmq_errno()));
  return CurveKeyPair{pub, sec};
}

Result<CurveClientKeys> load_curve_client_keys(const std::string& server_public_z85,
                                               const std::string& client_secret_file) {
  if (!is_z85_key(server_public_z85))
    return make_error(Errc::invalid_input, "the server's public key must be 40 Z85 characters");
  auto secret = read_secret_key_file(client_secret_file);
  if (!secret) return secret.error();
  auto pub = curve_public_key(*secret);
  if (!pub) return pub.error();
  return CurveClientKeys{server_public_z85, *pub, *secret};
}

}  // namespace tn
