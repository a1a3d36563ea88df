#pragma once
// INTERNAL to the fake exchange: its state (Impl) and small helpers, shared by
// fake_exchange.cpp (server, faults, counting) and fake_exchange_providers.cpp
// (the three providers' protocols).
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

#include "common/clock.hpp"
#include "market/bar_checks.hpp"


namespace tn::test {
namespace fake_detail {

using nlohmann::json;

inline std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

inline std::string dec(double v, int digits = 8) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

inline int64_t to_i64(const std::string& s, int64_t dflt) {
  try {
    return s.empty() ? dflt : std::stoll(s);
  } catch (...) {
    return dflt;
  }
}

// Polygon's from/to: a date or epoch ms.
inline int64_t polygon_time(const std::string& s) {
  int64_t t = 0;
  if (tn::market::parse_iso_date(s, t)) return t;
  return to_i64(s, 0);
}

}  // namespace fake_detail
using namespace fake_detail;

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
  std::map<std::string, int64_t> withheld_from;  // symbol -> first open time not served
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
    const int64_t now = wall_clock_ms();
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
    const int64_t now = wall_clock_ms();
    auto& q = recent[provider];
    while (!q.empty() && q.front() <= now - window_ms) q.pop_front();
    q.push_back(now);
    if (static_cast<int>(q.size()) > limit) {
      ++counts[provider].violations;
      return false;
    }
    return true;
  }
  int64_t served_before(const std::string& symbol) const {
    std::lock_guard lock(mu);
    auto it = withheld_from.find(symbol);
    return it == withheld_from.end() ? INT64_MAX : it->second;
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


}  // namespace tn::test
