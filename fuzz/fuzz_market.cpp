// libFuzzer target: an exchange's answer to one request. The first byte
// picks the parser (Binance klines / ticker, Polygon aggregates / previous
// close, Alpha Vantage daily series) and the HTTP status class; the rest is
// the body. A job that asks for another page gets the same body again, so
// the paging state is exercised too.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/time.hpp"
#include "market/source.hpp"

namespace {

using namespace tn::market;
using tn::kDayMs;

constexpr int64_t kNow = 1'700'000'000'000;  // 2023-11-14

std::unique_ptr<MarketSource> make_source(int which) {
  SourceSettings s;
  s.base_url = "http://127.0.0.1:9";
  s.api_key = "fuzzkey";
  s.page_limit = 3;
  if (which < 2) return make_binance_source(s);
  if (which < 4) return make_polygon_source(s);
  return make_alphavantage_source(s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int which = data[0] % 5;
  static const long kStatus[] = {200, 200, 200, 429, 418, 404, 400, 500};
  HttpResponse r;
  r.status = kStatus[(data[0] >> 3) % 8];
  r.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto src = make_source(which);
  const bool price = which == 1 || which == 3;
  const std::string sym = which < 2 ? "BTCUSDT" : "AAPL";
  auto job = price ? src->price_job(sym)
                   : src->bars_job(sym, kDayMs, kNow - 400 * kDayMs, kNow, kNow);
  auto* j = std::get_if<std::unique_ptr<FetchJob>>(&job);
  if (!j) return 0;
  for (int page = 0; page < 4; ++page) {
    (void)(*j)->request();
    const JobStep step = (*j)->on_response(r);
    if (!step.more || step.error) break;
  }
  (void)src->reported_usage(r);
  return 0;
}
