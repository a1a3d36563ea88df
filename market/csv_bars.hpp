#pragma once
// The backtest's bar CSV (open_time_ms,open,high,low,close,volume) in both
// directions. Reading is load_csv_bars (bar_source.hpp); what is here lets
// other readers share its rules (the Binance kline converter) and writes
// files it reads back bit for bit.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "market/bar_source.hpp"

namespace tn {

inline constexpr std::string_view kBarCsvHeader = "open_time_ms,open,high,low,close,volume";
inline constexpr size_t kBarCsvColumns = 6;

// A whole file in memory, bounded (2 GiB); errors name the path.
Result<std::string> read_bar_file(const std::string& path);

// The loader's rules for one row given as its six text fields, in the
// header's order: every field parsed, the bar checked against itself and
// against the last bar of s, then appended to s. Returns "" or the problem,
// without file and line (the caller knows where the row came from). gaps
// counts bars that open more than one timeframe after the previous one.
std::string append_bar_fields(const std::string_view (&fields)[kBarCsvColumns], int64_t tf_ms,
                              BarSeries& s, size_t& gaps);

// The series as CSV text with the header. Numbers are written in their
// shortest form that reads back as the same double (std::to_chars), so a
// file written here and loaded again holds exactly the same bars.
std::string format_csv_bars(const BarSeries& s);

// Writes content to path through a temporary file in the same folder,
// fsynced and renamed over path: a reader (or a crash) sees the old file or
// the whole new one, never a part. The temporary file is removed on error.
Status write_file_atomically(const std::string& path, std::string_view content);

}  // namespace tn
