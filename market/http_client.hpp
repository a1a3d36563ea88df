#pragma once
// Many HTTP GETs at once over one libcurl multi handle (connections are
// reused between transfers). No retry or rate-limit policy here: that is
// fetch_engine's job; this only moves bytes and reports what happened.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tn::market {

struct HttpRequest {
  std::string url;         // may carry an API key: never log it, use `label`
  std::string label;       // the URL without secrets, for messages
  int64_t timeout_ms = 10'000;
  double cost = 1;         // rate-limit units (Binance request weight)
  bool accept_gzip = true; // ask for a compressed body (off for loopback test servers)
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  // The first header with this (lower-case) name.
  std::optional<std::string_view> header(std::string_view lower_name) const;
};

// One finished transfer: a response (any status) or a transport failure.
struct HttpOutcome {
  uint64_t tag = 0;
  bool transport_ok = false;
  bool timed_out = false;
  std::string error;  // curl's reason when !transport_ok
  HttpResponse response;
};

class HttpClient {
 public:
  // Bodies larger than this are cut off and reported as a transport failure.
  static constexpr size_t kMaxBodyBytes = 64u << 20;

  // At most max_connections open connections (reused; extra transfers queue
  // inside curl rather than opening and dropping sockets).
  explicit HttpClient(int max_connections = 64);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Starts a GET; its outcome comes back from poll() with this tag.
  void start(uint64_t tag, const HttpRequest& request);
  // Waits at most timeout_ms for progress; returns the transfers that finished.
  std::vector<HttpOutcome> poll(int timeout_ms);
  size_t in_flight() const;

  // One request, blocking (tools, tests).
  HttpOutcome get(const HttpRequest& request);

 private:
  void collect(std::vector<HttpOutcome>& done);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tn::market
