#pragma once
// Configuration of the daily breakout + momentum recommendations and the
// exchange calendar. Parsed from the node's TOML by config.cpp (which hands
// the `[strategies]` and `[calendar]` tables here):
//
//   [strategies.breakout.equity]        # and [strategies.breakout.crypto]
//   trend_period = 50                   # eligible when close > sma(trend_period)
//   hard_stop_atr_mult = 2.5            # stop = entry - k * atr14 (crypto default 3.0)
//   min_conviction = "MEDIUM"           # LOW | MEDIUM | HIGH
//   max_recommendations = 5
//   universe = ["SPY", "AAPL", "MSFT"]  # symbols the daily job scans
//   benchmark = "SPY"                   # its change heads the market summary
//
//   [calendar]
//   holidays = [2025-01-01, ...]        # TOML dates (or "YYYY-MM-DD" strings)
//   holidays_file = "nyse_holidays.toml"  # a file with such a [calendar] table,
//                                         # relative to the config file
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/civil_date.hpp"
#include "common/error.hpp"

namespace tn {

enum class Conviction : uint8_t { low = 0, medium = 1, high = 2 };
const char* conviction_name(Conviction c);  // "LOW", "MEDIUM", "HIGH"

// One asset class's parameters.
struct BreakoutParams {
  std::string asset_class;  // "equity" | "crypto"
  bool enabled = false;     // its table is in the config
  int32_t trend_period = 50;
  double hard_stop_atr_mult = 2.5;
  Conviction min_conviction = Conviction::medium;
  int32_t max_recommendations = 5;
  std::vector<std::string> universe;
  std::string benchmark;

  static BreakoutParams equity_defaults();  // k 2.5, benchmark SPY
  static BreakoutParams crypto_defaults();  // k 3.0, benchmark BTCUSDT
};

struct BreakoutConfig {
  BreakoutParams equity = BreakoutParams::equity_defaults();
  BreakoutParams crypto = BreakoutParams::crypto_defaults();
  std::vector<CivilDate> holidays;  // sorted, unique
  std::string holidays_file;        // as written; load_config resolves and reads it

  // nullptr unless asset_class is "equity" or "crypto".
  const BreakoutParams* params_for(std::string_view asset_class) const;
};

// The TOML side (read_strategies, read_calendar) is in section_readers.hpp,
// for config/ only: toml++ stays out of this header and its many users.

// Reads `holidays_file` (relative paths against config_dir) and merges its
// `[calendar] holidays` into out.holidays.
Status load_holidays_file(const std::string& config_dir, BreakoutConfig& out);

}  // namespace tn
