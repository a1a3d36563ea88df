#include "market/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <unordered_map>

namespace tn::market {
namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  uint64_t tag = 0;
  CURL* easy = nullptr;
  HttpResponse response;
  bool too_big = false;
  char error[CURL_ERROR_SIZE] = {};
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  if (t->response.body.size() + len > HttpClient::kMaxBodyBytes) {
    t->too_big = true;
    return 0;  // makes curl fail the transfer
  }
  t->response.body.append(data, len);
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  std::string_view line(data, len);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response.headers.clear();  // a new response (after a 100 or a redirect)
    return len;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
    value.remove_suffix(1);
  t->response.headers.emplace_back(std::move(name), std::string(value));
  return len;
}

}  // namespace

std::optional<std::string_view> HttpResponse::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return std::string_view(v);
  return std::nullopt;
}

struct HttpClient::Impl {
  CURLM* multi = nullptr;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> running;
  std::vector<CURL*> idle;  // finished easy handles kept for reuse
};

HttpClient::HttpClient(int max_connections) : impl_(std::make_unique<Impl>()) {
  global_init_once();
  impl_->multi = curl_multi_init();
  curl_multi_setopt(impl_->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(max_connections));
  curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS, static_cast<long>(max_connections));
}

HttpClient::~HttpClient() {
  for (auto& [easy, t] : impl_->running) {
    curl_multi_remove_handle(impl_->multi, easy);
    curl_easy_cleanup(easy);
  }
  for (CURL* e : impl_->idle) curl_easy_cleanup(e);
  curl_multi_cleanup(impl_->multi);
}

void HttpClient::start(uint64_t tag, const HttpRequest& request) {
  CURL* easy = nullptr;
  if (!impl_->idle.empty()) {
    easy = impl_->idle.back();
    impl_->idle.pop_back();
    curl_easy_reset(easy);
  } else {
    easy = curl_easy_init();
  }
  auto t = std::make_unique<Transfer>();
  t->tag = tag;
  t->easy = easy;
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);  // we run on worker threads
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout_ms));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<int64_t>(request.timeout_ms, 10'000)));
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is an answer, not a hop
  if (request.accept_gzip)  // not br: costly to produce, little gain
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip");
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "tradernode/0.1");
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->error);
  curl_multi_add_handle(impl_->multi, easy);
  impl_->running.emplace(easy, std::move(t));
}

std::vector<HttpOutcome> HttpClient::poll(int timeout_ms) {
  std::vector<HttpOutcome> done;
  int still = 0;
  curl_multi_perform(impl_->multi, &still);
  collect(done);
  if (done.empty() && timeout_ms > 0) {
    // Waits for socket activity, or the whole timeout when nothing runs
    // (the engine is waiting out a backoff).
    curl_multi_poll(impl_->multi, nullptr, 0, timeout_ms, nullptr);
    curl_multi_perform(impl_->multi, &still);
    collect(done);
  }
  return done;
}

void HttpClient::collect(std::vector<HttpOutcome>& done) {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(impl_->multi, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    const CURLcode rc = msg->data.result;
    auto it = impl_->running.find(easy);
    if (it == impl_->running.end()) continue;
    Transfer& t = *it->second;
    HttpOutcome o;
    o.tag = t.tag;
    o.transport_ok = rc == CURLE_OK;
    o.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    if (!o.transport_ok)
      o.error = t.too_big ? "response body over " + std::to_string(kMaxBodyBytes) + " bytes"
                          : (t.error[0] ? std::string(t.error) : curl_easy_strerror(rc));
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &t.response.status);
    o.response = std::move(t.response);
    done.push_back(std::move(o));
    curl_multi_remove_handle(impl_->multi, easy);
    impl_->running.erase(it);
    impl_->idle.push_back(easy);
  }
}

size_t HttpClient::in_flight() const { return impl_->running.size(); }

HttpOutcome HttpClient::get(const HttpRequest& request) {
  constexpr uint64_t kTag = ~uint64_t{0};
  start(kTag, request);
  for (;;) {
    for (auto& o : poll(100))
      if (o.tag == kTag) return o;
  }
}

}  // namespace tn::market
