// The three providers' protocols as the fake exchange speaks them: Binance
// klines and ticker, Polygon aggregates and previous close, Alpha Vantage daily.
#include "tests/market/fake_exchange_impl.hpp"

namespace tn::test {

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
  const int64_t end = std::min(to_i64(req.get_param_value("endTime"), INT64_MAX), served_before(sym) - 1);
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

}  // namespace tn::test
