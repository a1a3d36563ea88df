// Binance's 12-column kline CSV -> bars (see binance_klines.hpp).
#include "market/binance_klines.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "market/bar_checks.hpp"
#include "market/csv_bars.hpp"

namespace tn::market {

namespace {

constexpr size_t kKlineColumns = 12;
constexpr size_t kKlineMaxLineBytes = 4096;  // a real row is about 150 bytes
// Microsecond times have 16 digits; millisecond ones stay below this until
// the year 33658, so the size of open_time tells the unit.
constexpr int64_t kMicrosecondsFrom = 1'000'000'000'000'000;
constexpr const char* kKlineNames[kKlineColumns] = {
    "open_time", "open",   "high",         "low",   "close",
    "volume",    "close_time", "quote_volume", "trades", "taker_buy_base_volume",
    "taker_buy_quote_volume", "ignore"};

std::string kline_quoted(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string out = "'";
  out.append(s.substr(0, kMax));
  out += s.size() > kMax ? "...'" : "'";
  return out;
}

bool kline_int(std::string_view f, int64_t& v) {
  const auto r = std::from_chars(f.data(), f.data() + f.size(), v);
  return !f.empty() && r.ec == std::errc() && r.ptr == f.data() + f.size();
}

bool kline_non_negative(std::string_view f, double& v) {
  const auto r = std::from_chars(f.data(), f.data() + f.size(), v);
  return !f.empty() && r.ec == std::errc() && r.ptr == f.data() + f.size() && std::isfinite(v) && v >= 0;
}

// Up to max_fields fields; returns how many the line really has.
size_t split_kline(std::string_view line, std::string_view* out, size_t max_fields) {
  size_t n = 0, start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i < line.size() && line[i] != ',') continue;
    if (n < max_fields) out[n] = line.substr(start, i - start);
    ++n;
    start = i + 1;
  }
  return n;
}

bool kline_is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::string BinanceKlineReader::check_row(std::string_view line) {
  std::string_view f[kKlineColumns];
  const size_t n = split_kline(line, f, kKlineColumns);
  if (n != kKlineColumns)
    return "expected " + std::to_string(kKlineColumns) + " fields (a Binance kline row), got " + std::to_string(n);
  int64_t open = 0, close = 0;
  if (!kline_int(f[0], open)) return "open_time is not an integer: " + kline_quoted(f[0]);
  if (!kline_int(f[6], close)) return "close_time is not an integer: " + kline_quoted(f[6]);
  if (open < 0) return "open_time " + std::string(f[0]) + " is negative";
  if (close < open || close == std::numeric_limits<int64_t>::max())
    return "close_time " + std::string(f[6]) + " is not after open_time " + std::string(f[0]);
  const bool micro = open >= kMicrosecondsFrom;
  if (micro && (open % 1000 != 0 || (close + 1) % 1000 != 0))
    return "microsecond times " + std::string(f[0]) + " / " + std::string(f[6]) +
           " do not fall on milliseconds (close_time is open_time + timeframe - 1)";
  const int64_t open_ms = micro ? open / 1000 : open;
  const int64_t span = (micro ? (close + 1) / 1000 : close + 1) - open_ms;
  if (tf_ms_ == 0) {
    if (!interval_supported(span))
      return "bars of " + std::to_string(span) + " ms (close_time - open_time + 1) are not a timeframe " +
             "the backtest reads (1m to 12h dividing a day, 1d, 1w)";
    tf_ms_ = span;
  } else if (span != tf_ms_) {
    return "close_time " + std::string(f[6]) + " is not open_time + " + interval_name(tf_ms_) +
           " - 1 (a bar of " + std::to_string(span) + " ms)";
  }
  double ignored = 0;
  for (size_t i : {7, 9, 10})
    if (!kline_non_negative(f[i], ignored))
      return std::string(kKlineNames[i]) + " is not a number >= 0: " + kline_quoted(f[i]);
  int64_t trades = 0;
  if (!kline_int(f[8], trades) || trades < 0) return "trades is not an integer >= 0: " + kline_quoted(f[8]);

  const std::string open_ms_text = std::to_string(open_ms);
  const std::string_view bar[kBarCsvColumns] = {open_ms_text, f[1], f[2], f[3], f[4], f[5]};
  std::string problem = append_bar_fields(bar, tf_ms_, bars_, gaps_);
  if (problem.empty() && micro) ++us_rows_;
  return problem;
}

Status BinanceKlineReader::add(std::string_view text, const std::string& name) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM
  if (text.empty()) return make_error(Errc::invalid_input, name + ": empty file");
  const auto fail = [&](size_t line_no, const std::string& why) {
    return make_error(Errc::invalid_input, name + ":" + std::to_string(line_no) + ": " + why);
  };
  size_t pos = 0, line_no = 0, rows = 0, blank_line = 0;
  while (pos < text.size()) {
    ++line_no;
    const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
    const size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - text.data()) : text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.size() > kKlineMaxLineBytes) return fail(line_no, "line longer than " + std::to_string(kKlineMaxLineBytes) + " bytes");
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      if (blank_line == 0) blank_line = line_no;
      continue;
    }
    if (blank_line != 0) return fail(blank_line, "empty line inside the data");
    if (line_no == 1 && kline_is_letter(line[0])) {  // the header some files have
      std::string_view f[kKlineColumns];
      if (split_kline(line, f, kKlineColumns) != kKlineColumns)
        return fail(1, "a header of " + std::to_string(kKlineColumns) + " columns was expected, got " + kline_quoted(line));
      ++headers_;
      continue;
    }
    if (std::string problem = check_row(line); !problem.empty()) return fail(line_no, problem);
    ++rows;
  }
  if (rows == 0) return make_error(Errc::invalid_input, name + ": no kline rows");
  return Status::OK();
}

Result<BarSeries> BinanceKlineReader::finish() && {
  if (bars_.size() == 0) return make_error(Errc::invalid_input, "no kline rows read");
  return std::move(bars_);
}

}  // namespace tn::market
