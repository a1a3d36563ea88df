#include "tests/market/fake_exchange.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "market/bar_checks.hpp"

namespace tn::test {
namespace {

using nlohmann::json;
using tn::market::kDayMs;

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string dec(double v, int digits = 8) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

int64_t to_i64(const std::string& s, int64_t dflt) {
  try {
    return s.empty() ? dflt : std::stoll(s);
  } catch (...) {
    return dflt;
  }
}

// Polygon's from/to: a date or epoch ms.
int64_t polygon_time(const std::string& s) {
  int64_t t = 0;
  if (tn::market::parse_iso_date(s, t)) return t;
  return to_i64(s, 0);
}

}  // namespace

BarSeries read_csv_loosely(const std::string& path) {
  BarSeries s;
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);  // header
  while (std::getline(f, line)) {
    long long t = 0;
    double o, h, l, c, v;
    if (std::sscanf(line.c_str(), "%lld,%lf,%lf,%lf,%lf,%lf", &t, &o, &h, &l, &c, &v) != 6) continue;
    s.open_time_ms.push_back(t);
    s.open.push_back(o);
    s.high.push_back(h);
    s.low.push_back(l);
    s.close.push_back(c);
    s.volume.push_back(v);
  }
  return s;
}

struct FakeExchange::Impl {
  FakeExchangeOptions o;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::atomic<int> concurrent{0};

  mutable std::mutex mu;  // everything below
  std::map<std::pair<std::string, int64_t>, BarSeries> series;
  std::map<const BarSeries*, std::vector<std::string>> kline_rows;  // pre-rendered Binance rows
  std::map<std::pair<std::string, std::string>, std::deque<Injected>> faults;  // (provider, symbol)
  std::map<std::string, ProviderCounts> counts;
  std::map<std::string, uint64_t> per_symbol;
  std::map<std::string, std::vector<std::string>> paths;
  int64_t binance_window = 0;
  double binance_used = 0;
  std::map<std::string, std::deque<int64_t>> recent;  // sliding windows: arrival times

  // Counts the request; returns the fault to serve, if any.
  std::optional<Injected> arrive(const std::string& provider, const std::string& symbol,
                                 const httplib::Request& req) {
    std::lock_guard lock(mu);
    ++counts[provider].requests;
    ++per_symbol[symbol];
    paths[provider].push_back(req.path + (req.params.empty() ? "" : "?") + query_of(req));
    for (const std::string& key : {symbol, std::string("*")}) {
      auto it = faults.find({provider, key});
      if (it != faults.end() && !it->second.empty()) {
        Injected f = it->second.front();
        it->second.pop_front();
        ++counts[provider].faults;
        return f;
      }
    }
    return std::nullopt;
  }
  static std::string query_of(const httplib::Request& req) {
    std::string q;
    for (const auto& [k, v] : req.params) q += (q.empty() ? "" : "&") + k + "=" + v;
    return q;
  }

  // Binance weight in fixed windows; returns the used weight, or -1 when over.
  double binance_take(double weight) {
    std::lock_guard lock(mu);
    const int64_t now = wall_ms();
    const int64_t w = now - now % o.binance_window_ms;
    if (w != binance_window) {
      binance_window = w;
      binance_used = 0;
    }
    binance_used += weight;  // Binance counts refused requests too
    if (binance_used > o.binance_weight_limit) {
      ++counts["binance"].violations;
      return -1;
    }
    return binance_used;
  }
  bool sliding_take(const std::string& provider, int limit, int64_t window_ms) {
    std::lock_guard lock(mu);
    const int64_t now = wall_ms();
    auto& q = recent[provider];
    while (!q.empty() && q.front() <= now - window_ms) q.pop_front();
    q.push_back(now);
    if (static_cast<int>(q.size()) > limit) {
      ++counts[provider].violations;
      return false;
    }
    return true;
  }
  const BarSeries* find(const std::string& symbol, int64_t iv) {
    std::lock_guard lock(mu);
    auto it = series.find({symbol, iv});
    if (it != series.end()) return &it->second;
    if (o.any_binance_symbol && symbol.size() > 4 && symbol.substr(symbol.size() - 4) == "USDT") {
      auto b = series.find({"BTCUSDT", iv});
      if (b != series.end()) return &b->second;
    }
    return nullptr;
  }
  // Binance's 12-field kline rows for a series, rendered once (printf is
  // most of a fake answer's cost, and the benchmark shares the CPU with us).
  const std::vector<std::string>& rows_of(const BarSeries* s, int64_t tf) {
    std::lock_guard lock(mu);
    auto& rows = kline_rows[s];
    if (rows.empty())
      for (size_t i = 0; i < s->size(); ++i) {
        const int64_t t = s->open_time_ms[i];
        rows.push_back(json::array({t, dec(s->open[i]), dec(s->high[i]), dec(s->low[i]), dec(s->close[i]),
                                    dec(s->volume[i]), t + tf - 1, dec(s->volume[i] * s->close[i]), 1000,
                                    dec(s->volume[i] / 2), dec(s->volume[i] * s->close[i] / 2), "0"})
                           .dump());
      }
    return rows;
  }
  std::string sample(const std::string& rel) const { return slurp(o.data_dir + "/api-samples/" + rel); }

  // Serves the generic faults; true when the answer is done.
  bool serve_fault(const std::string& provider, const Injected& f, httplib::Response& res) {
    switch (f.fault) {
      case Fault::http429:
        res.status = 429;
        res.set_header("Retry-After", std::to_string(f.retry_after_s));
        res.set_content(provider == "binance" ? sample("binance/error-1003-weight-limit-http429.json")
                                              : R"({"status":"ERROR","error":"You've exceeded the maximum requests per minute"})",
                        "application/json");
        return true;
      case Fault::http418:
        res.status = 418;
        res.set_header("Retry-After", std::to_string(f.retry_after_s));
        res.set_content(sample("binance/error-1003-ip-banned-http418.json"), "application/json");
        return true;
      case Fault::http500:
        res.status = 500;
        res.set_content("Internal Server Error", "text/plain");
        return true;
      case Fault::timeout:
        std::this_thread::sleep_for(std::chrono::milliseconds(o.stall_ms));
        res.status = 504;
        res.set_content("late", "text/plain");
        return true;
      case Fault::invalid_json:
        res.set_content("<html><body>502 Bad Gateway</body></html>{", "application/json");
        return true;
      case Fault::throttle_note:
        res.set_content(sample("alphavantage/rate-limit-note-2018.json"), "application/json");
        return true;
      case Fault::throttle_info:
        res.set_content(sample("alphavantage/rate-limit-information-2024.json"), "application/json");
        return true;
      default:
        return false;  // body-shaped faults: the handler builds them
    }
  }

  // Sends `body` but breaks the connection half way (Content-Length promises all of it).
  static void truncate(httplib::Response& res, std::string body) {
    const size_t n = body.size();
    res.set_content_provider(n, "application/json",
                             [body = std::move(body)](size_t offset, size_t, httplib::DataSink& sink) {
                               if (offset == 0) sink.write(body.data(), body.size() / 2);
                               return offset == 0;  // then: false aborts the connection
                             });
  }

  void binance_klines(const httplib::Request& req, httplib::Response& res);
  void binance_ticker(const httplib::Request& req, httplib::Response& res);
  void polygon_aggs(const httplib::Request& req, httplib::Response& res);
  void polygon_prev(const httplib::Request& req, httplib::Response& res);
  void alphavantage(const httplib::Request& req, httplib::Response& res);
};

void FakeExchange::Impl::binance_klines(const httplib::Request& req, httplib::Response& res) {
  const std::string sym = req.get_param_value("symbol");
  auto fault = arrive("binance", sym, req);
  const double used = binance_take(2);
  if (used < 0) {
    res.status = 429;
    res.set_header("Retry-After", "1");
    res.set_content(sample("binance/error-1003-weight-limit-http429.json"), "application/json");
    return;
  }
  res.set_header("X-MBX-USED-WEIGHT-1M", std::to_string(static_cast<int64_t>(used)));
  if (fault && serve_fault("binance", *fault, res)) return;
  int64_t tf = 0;
  for (int64_t cand : std::array<int64_t, 5>{60'000, 3'600'000, 4 * 3'600'000, kDayMs, 7 * kDayMs})
    if (market::interval_name(cand) == req.get_param_value("interval")) tf = cand;
  const BarSeries* s = tf ? find(sym, tf) : nullptr;
  if (!s || (fault && fault->fault == Fault::unknown_symbol)) {
    res.status = 400;
    res.set_content(sample("binance/error-1121-invalid-symbol.json"), "application/json");
    return;
  }
  const int64_t start = to_i64(req.get_param_value("startTime"), 0);
  const int64_t end = to_i64(req.get_param_value("endTime"), INT64_MAX);
  const int64_t limit = std::clamp<int64_t>(to_i64(req.get_param_value("limit"), 500), 1, 1000);
  const auto& rendered = rows_of(s, tf);
  auto it = std::lower_bound(s->open_time_ms.begin(), s->open_time_ms.end(), start);
  size_t first = it - s->open_time_ms.begin(), last = first;
  while (last < s->size() && s->open_time_ms[last] <= end && static_cast<int64_t>(last - first) < limit) ++last;
  if (!fault || fault->fault == Fault::timeout) {  // the common case: splice the rendered rows
    std::string body = "[";
    for (size_t i = first; i < last; ++i) (body += rendered[i]) += i + 1 < last ? "," : "";
    res.set_content(body + "]", "application/json");
    return;
  }
  json rows = json::array();
  for (size_t i = first; i < last; ++i) rows.push_back(json::parse(rendered[i]));
  if (fault->fault == Fault::empty) rows = json::array();
  if (fault->fault == Fault::missing_field && !rows.empty()) rows[0].erase(rows[0].begin() + 4, rows[0].end());
  if (fault->fault == Fault::wrong_type && !rows.empty()) rows[0][1] = 123.5;  // a number, not a string
  if (fault->fault == Fault::truncated) return truncate(res, rows.dump());
  res.set_content(rows.dump(), "application/json");
}

void FakeExchange::Impl::binance_ticker(const httplib::Request& req, httplib::Response& res) {
  const std::string sym = req.get_param_value("symbol");
  auto fault = arrive("binance", sym, req);
  const double used = binance_take(2);
  if (used < 0) {
    res.status = 429;
    res.set_header("Retry-After", "1");
    res.set_content(sample("binance/error-1003-weight-limit-http429.json"), "application/json");
    return;
  }
  res.set_header("X-MBX-USED-WEIGHT-1M", std::to_string(static_cast<int64_t>(used)));
  if (fault && serve_fault("binance", *fault, res)) return;
  const BarSeries* s = find(sym, kDayMs);
  if (!s || s->size() == 0 || (fault && fault->fault == Fault::unknown_symbol)) {
    res.status = 400;
    res.set_content(sample("binance/error-1121-invalid-symbol.json"), "application/json");
    return;
  }
  // The documented body, with this symbol's figures.
  json t = json::parse(sample("binance/ticker-24hr-documented.json"));
  const size_t last = s->size() - 1;
  t["symbol"] = sym;
  t["lastPrice"] = dec(s->close[last]);
  t["openTime"] = s->open_time_ms[last];
  t["closeTime"] = s->open_time_ms[last] + kDayMs - 1;
  if (fault && fault->fault == Fault::missing_field) t.erase("lastPrice");
  if (fault && fault->fault == Fault::wrong_type) t["lastPrice"] = json::array();
  res.set_content(t.dump(), "application/json");
}

void FakeExchange::Impl::polygon_aggs(const httplib::Request& req, httplib::Response& res) {
  const std::string ticker = req.matches[1];
  auto fault = arrive("polygon", ticker, req);
  if (!sliding_take("polygon", o.polygon_limit, o.polygon_window_ms)) {
    res.status = 429;
    res.set_content(R"({"status":"ERROR","request_id":"x","error":"You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue. https://polygon.io/pricing"})", "application/json");
    return;
  }
  if (req.get_param_value("apiKey") != o.api_key) {
    res.status = 401;
    res.set_content(R"({"status":"ERROR","request_id":"x","error":"Unknown API Key"})", "application/json");
    return;
  }
  if (fault && serve_fault("polygon", *fault, res)) return;
  const int64_t from = polygon_time(req.matches[2]), to = polygon_time(req.matches[3]);
  const BarSeries* s = find(ticker, kDayMs);
  json body = {{"ticker", ticker}, {"adjusted", true}, {"status", "OK"}, {"request_id", "fake"}};
  json results = json::array();
  if (s && !(fault && (fault->fault == Fault::empty || fault->fault == Fault::unknown_symbol))) {
    auto it = std::lower_bound(s->open_time_ms.begin(), s->open_time_ms.end(), from);
    size_t i = it - s->open_time_ms.begin();
    for (; i < s->size() && s->open_time_ms[i] <= to && static_cast<int>(results.size()) < o.polygon_page_size; ++i) {
      // Polygon stamps the session at 00:00 New York: 04:00 or 05:00 UTC (a rough DST rule will do).
      const std::string d = market::iso_date(s->open_time_ms[i]);
      const int month = std::stoi(d.substr(5, 2));
      const int64_t ny = s->open_time_ms[i] + ((month >= 4 && month <= 10) ? 4 : 5) * 3'600'000LL;
      results.push_back({{"v", s->volume[i]}, {"vw", s->close[i]}, {"o", s->open[i]}, {"c", s->close[i]},
                         {"h", s->high[i]}, {"l", s->low[i]}, {"t", ny}, {"n", 1000}});
    }
    if (i < s->size() && s->open_time_ms[i] <= to)
      body["next_url"] = "http://127.0.0.1:" + std::to_string(port) + "/v2/aggs/ticker/" + ticker +
                         "/range/1/day/" + std::to_string(s->open_time_ms[i]) + "/" + std::string(req.matches[3]) +
                         "?cursor=page" + std::to_string(i);
  }
  body["queryCount"] = results.size();
  body["resultsCount"] = results.size();
  body["count"] = results.size();
  if (!results.empty()) body["results"] = results;
  if (fault && fault->fault == Fault::missing_field && !results.empty()) body["results"][0].erase("c");
  if (fault && fault->fault == Fault::wrong_type && !results.empty()) body["results"][0]["o"] = "1.23";
  if (fault && fault->fault == Fault::truncated) return truncate(res, body.dump());
  res.set_content(body.dump(), "application/json");
}

void FakeExchange::Impl::polygon_prev(const httplib::Request& req, httplib::Response& res) {
  const std::string ticker = req.matches[1];
  auto fault = arrive("polygon", ticker, req);
  if (!sliding_take("polygon", o.polygon_limit, o.polygon_window_ms)) {
    res.status = 429;
    res.set_content(R"({"status":"ERROR","error":"You've exceeded the maximum requests per minute"})", "application/json");
    return;
  }
  if (fault && serve_fault("polygon", *fault, res)) return;
  json body = json::parse(sample("polygon/aggs-AAPL-prev.json"));
  const BarSeries* s = find(ticker, kDayMs);
  body["ticker"] = ticker;
  if (!s || s->size() == 0) {
    body.erase("results");
    body["resultsCount"] = 0;
  } else {
    body["results"][0]["T"] = ticker;
    body["results"][0]["c"] = s->close.back();
    body["results"][0]["t"] = s->open_time_ms.back() + 4 * 3'600'000LL;
  }
  res.set_content(body.dump(), "application/json");
}

void FakeExchange::Impl::alphavantage(const httplib::Request& req, httplib::Response& res) {
  const std::string sym = req.get_param_value("symbol");
  auto fault = arrive("alphavantage", sym, req);
  if (!sliding_take("alphavantage", o.alphavantage_limit, o.alphavantage_window_ms)) {
    res.set_content(sample("alphavantage/rate-limit-note-2018.json"), "application/json");  // AV throttles with 200
    return;
  }
  if (fault && serve_fault("alphavantage", *fault, res)) return;
  const BarSeries* s = find(sym, kDayMs);
  if (req.get_param_value("function") != "TIME_SERIES_DAILY" || req.get_param_value("apikey") != o.api_key || !s ||
      (fault && fault->fault == Fault::unknown_symbol)) {
    res.set_content(sample("alphavantage/error-invalid-api-call-time-series-daily.json"), "application/json");
    return;
  }
  const bool compact = req.get_param_value("outputsize") != "full";
  json series = json::object();
  const size_t first = compact && s->size() > 100 ? s->size() - 100 : 0;
  for (size_t i = first; i < s->size(); ++i)
    series[market::iso_date(s->open_time_ms[i])] = {{"1. open", dec(s->open[i], 4)},   {"2. high", dec(s->high[i], 4)},
                                                   {"3. low", dec(s->low[i], 4)},     {"4. close", dec(s->close[i], 4)},
                                                   {"5. volume", dec(s->volume[i], 0)}};
  if (fault && fault->fault == Fault::empty) series = json::object();
  if (fault && fault->fault == Fault::missing_field && !series.empty()) series.begin()->erase("4. close");
  if (fault && fault->fault == Fault::wrong_type && !series.empty()) (*series.begin())["1. open"] = 171.18;
  json body = {{"Meta Data",
                {{"1. Information", "Daily Prices (open, high, low, close) and Volumes"},
                 {"2. Symbol", sym},
                 {"3. Last Refreshed", s->size() ? market::iso_date(s->open_time_ms.back()) : ""},
                 {"4. Output Size", compact ? "Compact" : "Full size"},
                 {"5. Time Zone", "US/Eastern"}}},
               {"Time Series (Daily)", series}};
  if (fault && fault->fault == Fault::truncated) return truncate(res, body.dump());
  res.set_content(body.dump(), "application/json");
}

FakeExchange::FakeExchange(FakeExchangeOptions o) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.o = std::move(o);
  const int threads = m.o.threads;
  m.server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  m.server.set_keep_alive_timeout(1);
  m.server.set_keep_alive_max_count(1000);
  m.server.set_tcp_nodelay(true);  // else Nagle + delayed ACK add ~40 ms to every answer
  auto wrap = [this](void (Impl::*fn)(const httplib::Request&, httplib::Response&)) {
    return [this, fn](const httplib::Request& req, httplib::Response& res) {
      const int now = ++impl_->concurrent;
      int seen = max_concurrent_.load();
      while (now > seen && !max_concurrent_.compare_exchange_weak(seen, now)) {
      }
      if (impl_->o.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(impl_->o.latency_ms));
      (impl_.get()->*fn)(req, res);
      --impl_->concurrent;
    };
  };
  m.server.Get("/api/v3/klines", wrap(&Impl::binance_klines));
  m.server.Get("/api/v3/ticker/24hr", wrap(&Impl::binance_ticker));
  m.server.Get(R"(/v2/aggs/ticker/([^/]+)/range/1/day/([^/]+)/([^/?]+))", wrap(&Impl::polygon_aggs));
  m.server.Get(R"(/v2/aggs/ticker/([^/]+)/prev)", wrap(&Impl::polygon_prev));
  m.server.Get("/query", wrap(&Impl::alphavantage));
  // libcpp-httplib was built with a listen backlog of 5: a burst of 64
  // connects would overflow it and the kernel drops SYNs (a 1 s retransmit).
  // Remember the listening socket and widen its backlog after bind.
  std::atomic<int> listen_fd{-1};
  m.server.set_socket_options([&listen_fd](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd = sock;
  });
  m.port = m.server.bind_to_any_port("127.0.0.1");
  if (listen_fd >= 0) ::listen(listen_fd, 1024);
  m.thread = std::thread([&m] { m.server.listen_after_bind(); });
  // bind_to_any_port already listens: connections wait in the backlog until the loop runs.
}

FakeExchange::~FakeExchange() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string FakeExchange::base_url() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }

void FakeExchange::add_series(const std::string& symbol, int64_t iv, BarSeries bars) {
  const BarSeries* s = nullptr;
  {
    std::lock_guard lock(impl_->mu);
    impl_->kline_rows.erase(&impl_->series[{symbol, iv}]);
    impl_->series[{symbol, iv}] = std::move(bars);
    s = &impl_->series[{symbol, iv}];
  }
  impl_->rows_of(s, iv);  // render now, not while a client is timing us
}

void FakeExchange::inject(const std::string& provider, const std::string& symbol, Fault f, int times,
                          int retry_after_s) {
  std::lock_guard lock(impl_->mu);
  for (int i = 0; i < times; ++i) impl_->faults[{provider, symbol}].push_back({f, retry_after_s});
}

ProviderCounts FakeExchange::counts(const std::string& provider) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->counts.find(provider);
  return it == impl_->counts.end() ? ProviderCounts{} : it->second;
}

uint64_t FakeExchange::requests_for(const std::string& symbol) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->per_symbol.find(symbol);
  return it == impl_->per_symbol.end() ? 0 : it->second;
}

std::vector<std::string> FakeExchange::paths(const std::string& provider) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->paths.find(provider);
  return it == impl_->paths.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace tn::test
