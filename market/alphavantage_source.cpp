// Alpha Vantage: GET /query?function=TIME_SERIES_DAILY&symbol=S&outputsize=
// compact (the last 100 sessions) or full (20+ years), chosen by how far back
// the range goes. Its throttle and error answers come with HTTP 200:
//   {"Note": ...} (2018-2023 per-minute limit), {"Information": ...} (2024+
//   daily limit): rate_limit, retried with backoff;
//   {"Error Message": ...}: unknown symbol or bad call: not_found.
// Days are "YYYY-MM-DD" keys (US/Eastern session dates), stored at 00:00 UTC.
// Latest price: the newest daily close (the free tier's real-time quote is
// no fresher).
#include "market/bar_checks.hpp"
#include "market/json_fields.hpp"
#include "market/source.hpp"

namespace tn::market {
namespace {

// compact covers 100 sessions: about 140 calendar days; stay well inside.
constexpr int64_t kCompactReachMs = 130 * kDayMs;

class DailyJob : public FetchJob {
 public:
  DailyJob(const SourceSettings& s, std::string symbol, int64_t from, int64_t to, int64_t now, bool latest)
      : s_(s), symbol_(std::move(symbol)), from_(from), to_(to), now_(now), latest_(latest) {}

  HttpRequest request() const override {
    const bool compact = latest_ || from_ >= now_ - kCompactReachMs;
    const std::string q = "/query?function=TIME_SERIES_DAILY&symbol=" + url_escape(symbol_) +
                          "&outputsize=" + (compact ? "compact" : "full");
    return {s_.base_url + q + "&apikey=" + url_escape(s_.api_key), "alphavantage " + q, s_.timeout_ms, 1};
  }

  JobStep on_response(const HttpResponse& r) override {
    const HttpRequest req = request();
    if (r.status != 200)
      return {false, MarketError{MarketErrc::fetch, "alphavantage: " + describe_status(req, r), static_cast<int>(r.status)}};
    std::optional<MarketError> verdict;
    auto err = json::read_body("alphavantage", [&] {
      const auto body = json::parse(r.body);
      if (!body.is_object()) throw json::BadBody{"body: expected an object"};
      for (const char* k : {"Note", "Information"})
        if (body.contains(k)) {
          verdict = MarketError{MarketErrc::rate_limit, "alphavantage: throttled: " + text(body[k]), 200};
          return;
        }
      if (body.contains("Error Message")) {
        verdict = MarketError{MarketErrc::not_found, "alphavantage: " + symbol_ + ": " + text(body["Error Message"]), 200};
        return;
      }
      const auto& meta = json::field(body, "Meta Data", "");
      const std::string sym = json::string(json::field(meta, "2. Symbol", "Meta Data"), "Meta Data.2. Symbol");
      if (!iequal(sym, symbol_)) throw json::BadBody{"Meta Data.2. Symbol: expected " + symbol_ + ", got " + sym};
      const auto& series = json::field(body, "Time Series (Daily)", "");
      if (!series.is_object()) throw json::BadBody{"Time Series (Daily): expected an object"};
      // nlohmann keeps object keys sorted: ISO dates come oldest first.
      for (const auto& [date, day] : series.items()) read_day(date, day);
    });
    if (err) return {false, err};
    return {false, verdict};
  }

 private:
  static std::string text(const json::json& v) {
    return v.is_string() ? v.get<std::string>().substr(0, 300) : std::string("(not a string)");
  }
  static bool iequal(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
    return true;
  }
  void read_day(const std::string& date, const json::json& day) {
    const std::string at = "Time Series (Daily)." + date;
    int64_t t = 0;
    if (!parse_iso_date(date, t)) throw json::BadBody{at + ": not a date"};
    const double o = json::decimal_string(json::field(day, "1. open", at), at + ".1. open");
    const double h = json::decimal_string(json::field(day, "2. high", at), at + ".2. high");
    const double l = json::decimal_string(json::field(day, "3. low", at), at + ".3. low");
    const double c = json::decimal_string(json::field(day, "4. close", at), at + ".4. close");
    const double v = json::decimal_string(json::field(day, "5. volume", at), at + ".5. volume");
    if (latest_) {  // keep only the newest day
      price = c;
      price_time_ms = t;
      return;
    }
    if (t < from_ || t >= to_) return;
    bars.open_time_ms.push_back(t);
    bars.open.push_back(o);
    bars.high.push_back(h);
    bars.low.push_back(l);
    bars.close.push_back(c);
    bars.volume.push_back(v);
    last_bar_open = t + kDayMs > now_;
  }

  const SourceSettings& s_;
  std::string symbol_;
  int64_t from_, to_, now_;
  bool latest_;
};

class AlphaVantageSource : public MarketSource {
 public:
  using MarketSource::MarketSource;
  const char* name() const override { return "alphavantage"; }
  MarketResult<std::string> provider_symbol(const std::string& symbol) const override {
    return equity_ticker("alphavantage", symbol);
  }
  MarketResult<std::unique_ptr<FetchJob>> bars_job(const std::string& s, int64_t iv, int64_t from,
                                                   int64_t to, int64_t now) const override {
    if (auto e = check_ready(iv)) return *e;
    return std::unique_ptr<FetchJob>(std::make_unique<DailyJob>(settings_, s, from, to, now, false));
  }
  MarketResult<std::unique_ptr<FetchJob>> price_job(const std::string& s) const override {
    if (auto e = check_ready(kDayMs)) return *e;
    return std::unique_ptr<FetchJob>(std::make_unique<DailyJob>(settings_, s, 0, 0, 0, true));
  }

 private:
  std::optional<MarketError> check_ready(int64_t iv) const {
    if (settings_.api_key.empty())
      return MarketError{MarketErrc::unsupported, "alphavantage: ALPHA_VANTAGE_API_KEY is not set"};
    if (iv != kDayMs)
      return MarketError{MarketErrc::unsupported, "alphavantage: only daily bars (1d) are fetched, not " + interval_name(iv)};
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<MarketSource> make_alphavantage_source(SourceSettings s) {
  return std::make_unique<AlphaVantageSource>(std::move(s));
}

}  // namespace tn::market
