// libFuzzer target: an OHLCV CSV file (data/, or one a user hands to
// backtest). The loader must accept it or name the line and the problem.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "market/bar_source.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  tn::CsvLoadReport report;
  for (int64_t tf_ms : {int64_t{60'000}, int64_t{86'400'000}})
    (void)tn::parse_csv_bars(text, "fuzz.csv", tf_ms, &report);
  return 0;
}
