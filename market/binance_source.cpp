// Binance spot REST: GET /api/v3/klines (pages of up to 1000 bars) and
// GET /api/v3/ticker/24hr. Request weight 2 each (limit 1000 klines; one
// symbol's ticker), counted against the per-IP minute budget the server
// reports back in X-MBX-USED-WEIGHT-1M.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "market/bar_checks.hpp"
#include "market/json_fields.hpp"
#include "market/source.hpp"

namespace tn::market {
namespace {

constexpr double kKlinesWeight = 2;
constexpr double kTickerWeight = 2;

// Binance error body {"code": -1121, "msg": "Invalid symbol."}.
MarketError binance_error(const HttpRequest& req, const HttpResponse& r) {
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_discarded() && j.is_object() && j.contains("code") && j["code"].is_number_integer()) {
    const int64_t code = j["code"].get<int64_t>();
    const std::string msg = j.contains("msg") && j["msg"].is_string() ? j["msg"].get<std::string>() : "";
    if (code == -1121)
      return {MarketErrc::not_found, "binance: unknown symbol (" + req.label + "): " + msg,
              static_cast<int>(r.status)};
    return {MarketErrc::fetch,
            "binance: error " + std::to_string(code) + " " + msg + " (" + req.label + ")",
            static_cast<int>(r.status)};
  }
  return {MarketErrc::fetch, "binance: " + describe_status(req, r), static_cast<int>(r.status)};
}

class KlinesJob : public FetchJob {
 public:
  KlinesJob(const SourceSettings& s, std::string pair, int64_t iv, int64_t from, int64_t to, int64_t now)
      : s_(s), pair_(std::move(pair)), iv_(iv), next_(from), to_(to), now_(now) {}

  HttpRequest request() const override {
    const std::string path = "/api/v3/klines?symbol=" + pair_ + "&interval=" + interval_name(iv_) +
                             "&startTime=" + std::to_string(next_) +
                             "&endTime=" + std::to_string(to_ - 1) +
                             "&limit=" + std::to_string(s_.page_limit);
    return {s_.base_url + path, "binance " + path, s_.timeout_ms, kKlinesWeight};
  }

  JobStep on_response(const HttpResponse& r) override {
    if (r.status != 200) return {false, binance_error(request(), r)};
    size_t rows = 0;
    int64_t last = INT64_MIN;
    auto err = json::read_body("binance klines", [&] {
      const auto body = json::parse(r.body);
      if (!body.is_array()) throw json::BadBody{"body: expected an array of klines, got " + std::string(body.type_name())};
      rows = body.size();
      for (size_t i = 0; i < rows; ++i) {
        const std::string at = "[" + std::to_string(i) + "]";
        const auto& k = body[i];
        const int64_t t = json::integer(json::element(k, 0, at), at + "[0]");
        if (t < next_ || t >= to_)
          throw json::BadBody{at + "[0]: open time " + std::to_string(t) + " outside the range asked for"};
        bars.open_time_ms.push_back(t);
        bars.open.push_back(json::decimal_string(json::element(k, 1, at), at + "[1]"));
        bars.high.push_back(json::decimal_string(json::element(k, 2, at), at + "[2]"));
        bars.low.push_back(json::decimal_string(json::element(k, 3, at), at + "[3]"));
        bars.close.push_back(json::decimal_string(json::element(k, 4, at), at + "[4]"));
        bars.volume.push_back(json::decimal_string(json::element(k, 5, at), at + "[5]"));
        last = t;
      }
    });
    if (err) return {false, err};
    if (rows > 0) last_bar_open = last + iv_ > now_;
    // A full page that stops short of the range's end: ask for the rest.
    if (rows >= static_cast<size_t>(s_.page_limit) && last + iv_ < to_) {
      if (last + iv_ <= next_)
        return {false, MarketError{MarketErrc::validation, "binance klines: paging did not advance", 200}};
      next_ = last + iv_;
      return {true, std::nullopt};
    }
    return {};
  }

 private:
  const SourceSettings& s_;
  std::string pair_;
  int64_t iv_, next_, to_, now_;
};

class TickerJob : public FetchJob {
 public:
  TickerJob(const SourceSettings& s, std::string pair) : s_(s), pair_(std::move(pair)) {}
  HttpRequest request() const override {
    const std::string path = "/api/v3/ticker/24hr?symbol=" + pair_;
    return {s_.base_url + path, "binance " + path, s_.timeout_ms, kTickerWeight};
  }
  JobStep on_response(const HttpResponse& r) override {
    if (r.status != 200) return {false, binance_error(request(), r)};
    auto err = json::read_body("binance ticker", [&] {
      const auto body = json::parse(r.body);
      const std::string sym = json::string(json::field(body, "symbol", ""), "symbol");
      if (sym != pair_) throw json::BadBody{"symbol: expected " + pair_ + ", got " + sym};
      price = json::decimal_string(json::field(body, "lastPrice", ""), "lastPrice");
      price_time_ms = json::integer(json::field(body, "closeTime", ""), "closeTime");
      if (!(price > 0)) throw json::BadBody{"lastPrice: must be > 0"};
      if (price_time_ms <= 0) throw json::BadBody{"closeTime: must be > 0"};
    });
    return {false, err};
  }

 private:
  const SourceSettings& s_;
  std::string pair_;
};

class BinanceSource : public MarketSource {
 public:
  using MarketSource::MarketSource;
  const char* name() const override { return "binance"; }

  MarketResult<std::string> provider_symbol(const std::string& symbol) const override {
    auto p = binance_pair(symbol);
    if (!p) return MarketError{MarketErrc::validation, "binance: \"" + symbol + "\" is not a symbol (2-20 letters and digits)"};
    return *p;
  }

  MarketResult<std::unique_ptr<FetchJob>> bars_job(const std::string& pair, int64_t iv, int64_t from,
                                                   int64_t to, int64_t now) const override {
    if (!interval_supported(iv))
      return MarketError{MarketErrc::unsupported, "binance: interval " + std::to_string(iv) + " ms not supported"};
    return std::unique_ptr<FetchJob>(std::make_unique<KlinesJob>(settings_, pair, iv, from, to, now));
  }

  MarketResult<std::unique_ptr<FetchJob>> price_job(const std::string& pair) const override {
    return std::unique_ptr<FetchJob>(std::make_unique<TickerJob>(settings_, pair));
  }

  std::optional<double> reported_usage(const HttpResponse& r) const override {
    auto h = r.header("x-mbx-used-weight-1m");
    if (!h) return std::nullopt;
    int64_t used = 0;
    auto [p, ec] = std::from_chars(h->data(), h->data() + h->size(), used);
    if (ec != std::errc() || p != h->data() + h->size() || used < 0) return std::nullopt;
    return static_cast<double>(used);
  }
};

}  // namespace

std::optional<std::string> binance_pair(const std::string& symbol) {
  if (symbol.size() < 2 || symbol.size() > 20) return std::nullopt;
  std::string s;
  for (char c : symbol) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return std::nullopt;
    s.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  static constexpr std::array<std::string_view, 10> kShort = {
      "BTC", "ETH", "BNB", "XRP", "ADA", "SOL", "DOT", "MATIC", "LTC", "LINK"};
  if (std::find(kShort.begin(), kShort.end(), s) != kShort.end()) return s + "USDT";
  static constexpr std::array<std::string_view, 10> kQuotes = {
      "USDT", "FDUSD", "USDC", "BUSD", "TUSD", "BTC", "ETH", "BNB", "EUR", "TRY"};
  for (auto q : kQuotes)
    if (s.size() > q.size() + 1 && s.compare(s.size() - q.size(), q.size(), q) == 0) return s;
  return s + "USDT";
}

std::unique_ptr<MarketSource> make_binance_source(SourceSettings s) {
  return std::make_unique<BinanceSource>(std::move(s));
}

}  // namespace tn::market
