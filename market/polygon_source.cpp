// Polygon.io aggregates: GET /v2/aggs/ticker/{T}/range/1/day/{from}/{to},
// results[] of {t, o, h, l, c, v}, more pages via next_url (which we only
// follow on the configured host: the API key goes with it). Latest price:
// GET /v2/aggs/ticker/{T}/prev (the free tier has no real-time quote).
// Polygon stamps a daily bar at 00:00 America/New_York; we store it at
// 00:00 UTC of that date (04:00/05:00 UTC floors to the same day), as the
// bundled equity CSVs do.
#include <cctype>

#include "market/bar_checks.hpp"
#include "market/json_fields.hpp"
#include "market/source.hpp"

namespace tn::market {
namespace {

constexpr int kMaxPages = 1000;  // a next_url chain longer than this is a broken server

// {"status":"ERROR","error":"..."} or anything else that is not 200.
MarketError polygon_error(const HttpRequest& req, const HttpResponse& r) {
  if (r.status == 404)
    return {MarketErrc::not_found, "polygon: " + describe_status(req, r), 404};
  return {MarketErrc::fetch, "polygon: " + describe_status(req, r), static_cast<int>(r.status)};
}

// Checks the "status" field every Polygon body carries.
void check_status(const json::json& body) {
  const std::string status = json::string(json::field(body, "status", ""), "status");
  if (status != "OK" && status != "DELAYED")
    throw json::BadBody{"status: \"" + status + "\" (expected OK or DELAYED)"};
}

class AggsJob : public FetchJob {
 public:
  AggsJob(const SourceSettings& s, std::string ticker, int64_t from, int64_t to, int64_t now)
      : s_(s), ticker_(std::move(ticker)), from_(from), to_(to), now_(now) {
    path_ = "/v2/aggs/ticker/" + url_escape(ticker_) + "/range/1/day/" + iso_date(from) + "/" +
            iso_date(to - 1) + "?adjusted=true&sort=asc&limit=" + std::to_string(s_.page_limit);
  }

  HttpRequest request() const override {
    // path_ is either ours or a next_url already checked against base_url.
    const std::string url = path_.rfind("http", 0) == 0 ? path_ : s_.base_url + path_;
    const char sep = url.find('?') == std::string::npos ? '?' : '&';
    return {url + sep + "apiKey=" + url_escape(s_.api_key),
            "polygon " + (page_ == 0 ? path_ : "next_url page " + std::to_string(page_)),
            s_.timeout_ms, 1};
  }

  JobStep on_response(const HttpResponse& r) override {
    if (r.status != 200) return {false, polygon_error(request(), r)};
    std::string next;
    auto err = json::read_body("polygon aggs", [&] {
      const auto body = json::parse(r.body);
      check_status(body);
      const std::string t = json::string(json::field(body, "ticker", ""), "ticker");
      if (t != ticker_) throw json::BadBody{"ticker: expected " + ticker_ + ", got " + t};
      const int64_t count = json::integer(json::field(body, "resultsCount", ""), "resultsCount");
      const auto* results = json::optional_field(body, "results", "");
      if (!results) {
        if (count != 0) throw json::BadBody{"results: missing but resultsCount is " + std::to_string(count)};
      } else {
        if (!results->is_array()) throw json::BadBody{"results: expected an array"};
        for (size_t i = 0; i < results->size(); ++i) read_bar((*results)[i], "results[" + std::to_string(i) + "]");
      }
      if (const auto* n = json::optional_field(body, "next_url", "")) next = json::string(*n, "next_url");
    });
    if (err) return {false, err};
    if (next.empty()) return {};
    if (!same_origin(next, s_.base_url))
      return {false, MarketError{MarketErrc::validation, "polygon aggs: next_url points away from " + s_.base_url, 200}};
    if (++page_ >= kMaxPages)
      return {false, MarketError{MarketErrc::validation, "polygon aggs: more than 1000 pages", 200}};
    path_ = next;
    return {true, std::nullopt};
  }

 private:
  void read_bar(const json::json& b, const std::string& at) {
    const int64_t t = bar_floor(json::integer(json::field(b, "t", at), at + ".t"), kDayMs);
    const double o = json::number(json::field(b, "o", at), at + ".o");
    const double h = json::number(json::field(b, "h", at), at + ".h");
    const double l = json::number(json::field(b, "l", at), at + ".l");
    const double c = json::number(json::field(b, "c", at), at + ".c");
    const double v = json::number(json::field(b, "v", at), at + ".v");
    if (t < from_ || t >= to_) return;  // dates are inclusive at Polygon: trim to [from, to)
    bars.open_time_ms.push_back(t);
    bars.open.push_back(o);
    bars.high.push_back(h);
    bars.low.push_back(l);
    bars.close.push_back(c);
    bars.volume.push_back(v);
    last_bar_open = t + kDayMs > now_;
  }

  const SourceSettings& s_;
  std::string ticker_;
  int64_t from_, to_, now_;
  std::string path_;
  int page_ = 0;
};

class PrevJob : public FetchJob {
 public:
  PrevJob(const SourceSettings& s, std::string ticker) : s_(s), ticker_(std::move(ticker)) {}
  HttpRequest request() const override {
    const std::string path = "/v2/aggs/ticker/" + url_escape(ticker_) + "/prev?adjusted=true";
    return {s_.base_url + path + "&apiKey=" + url_escape(s_.api_key), "polygon " + path, s_.timeout_ms, 1};
  }
  JobStep on_response(const HttpResponse& r) override {
    if (r.status != 200) return {false, polygon_error(request(), r)};
    bool empty = false;
    auto err = json::read_body("polygon prev", [&] {
      const auto body = json::parse(r.body);
      check_status(body);
      const auto* results = json::optional_field(body, "results", "");
      if (!results || (results->is_array() && results->empty())) {
        empty = true;
        return;
      }
      const auto& b = json::element(*results, 0, "results");
      price = json::number(json::field(b, "c", "results[0]"), "results[0].c");
      price_time_ms = json::integer(json::field(b, "t", "results[0]"), "results[0].t");
      if (!(price > 0)) throw json::BadBody{"results[0].c: must be > 0"};
    });
    if (!err && empty)
      err = MarketError{MarketErrc::not_found, "polygon: no previous close for " + ticker_, 200};
    return {false, err};
  }

 private:
  const SourceSettings& s_;
  std::string ticker_;
};

class PolygonSource : public MarketSource {
 public:
  using MarketSource::MarketSource;
  const char* name() const override { return "polygon"; }
  MarketResult<std::string> provider_symbol(const std::string& symbol) const override {
    return equity_ticker("polygon", symbol);
  }
  MarketResult<std::unique_ptr<FetchJob>> bars_job(const std::string& t, int64_t iv, int64_t from,
                                                   int64_t to, int64_t now) const override {
    if (auto e = check_ready(iv)) return *e;
    return std::unique_ptr<FetchJob>(std::make_unique<AggsJob>(settings_, t, from, to, now));
  }
  MarketResult<std::unique_ptr<FetchJob>> price_job(const std::string& t) const override {
    if (auto e = check_ready(kDayMs)) return *e;
    return std::unique_ptr<FetchJob>(std::make_unique<PrevJob>(settings_, t));
  }

 private:
  std::optional<MarketError> check_ready(int64_t iv) const {
    if (settings_.api_key.empty())
      return MarketError{MarketErrc::unsupported, "polygon: neither POLYGON_API_KEY nor MASSIVE_API_KEY is set"};
    if (iv != kDayMs)
      return MarketError{MarketErrc::unsupported, "polygon: only daily bars (1d) are fetched, not " + interval_name(iv)};
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<MarketSource> make_polygon_source(SourceSettings s) {
  return std::make_unique<PolygonSource>(std::move(s));
}

}  // namespace tn::market
