// OHLCV CSV loading with strict validation (see bar_source.hpp).
//
// Choices worth knowing:
// - The whole file is read at once and parsed in place with std::from_chars
//   (no locale, no allocation per field): a 45k-row file loads in a few ms.
// - Line numbers are 1-based and count the header as line 1, so they match
//   what an editor shows.
// - A UTF-8 byte-order mark before the header, CRLF line endings and blank
//   lines at the very end of the file are accepted. A blank line followed by
//   more data is an error (it usually means a truncated or spliced file).
// - A file with a header and no rows is an error: a stream with no bars is
//   always a configuration mistake in a backtest or replay.
// - Fields are plain numbers: no spaces, quotes or leading '+'.
// - A line longer than kMaxLineBytes is rejected before anything else is
//   done with it, so a file without newlines cannot make us scan forever or
//   allocate per line.
// - Open time alignment (open % tf == 0) is checked for timeframes up to one
//   day. Weekly bars are not epoch-aligned (Binance weeks open on Monday;
//   the epoch was a Thursday), so they are only checked for order and
//   overlap. For every timeframe a bar must open at least one timeframe after
//   the previous one; more than one timeframe later is a gap (counted).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "common/time.hpp"
#include "market/bar_source.hpp"
#include "market/csv_bars.hpp"

namespace tn {

void BarSeries::reserve(size_t n) {
  open_time_ms.reserve(n);
  open.reserve(n);
  high.reserve(n);
  low.reserve(n);
  close.reserve(n);
  volume.reserve(n);
}

namespace {

void append_row(BarSeries& s, int64_t t, double open, double high, double low, double close,
                double volume) {
  s.open_time_ms.push_back(t);
  s.open.push_back(open);
  s.high.push_back(high);
  s.low.push_back(low);
  s.close.push_back(close);
  s.volume.push_back(volume);
}

constexpr std::string_view kHeader = kBarCsvHeader;
constexpr size_t kColumns = kBarCsvColumns;
constexpr size_t kMaxLineBytes = 4096;
constexpr size_t kMaxFileBytes = size_t{2} << 30;  // 2 GiB: far above any bar file
constexpr const char* kNames[kColumns] = {"open_time_ms", "open", "high", "low", "close", "volume"};

// A field quoted for an error message, cut short if long.
std::string quote(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string out = "'";
  out.append(s.substr(0, kMax));
  if (s.size() > kMax) out += "...";
  out += "'";
  return out;
}

class Parser {
 public:
  Parser(const std::string& path, int64_t tf_ms, std::string_view data)
      : path_(path), tf_ms_(tf_ms), data_(data) {}

  Result<BarSeries> run(CsvLoadReport* report) {
    if (tf_ms_ <= 0) return fail_file("timeframe must be > 0, got " + std::to_string(tf_ms_));
    if (data_.substr(0, 3) == "\xEF\xBB\xBF") data_.remove_prefix(3);  // UTF-8 BOM
    if (data_.empty())
      return fail_file("empty file (expected header '" + std::string(kHeader) + "')");

    // One allocation per column: count the lines first. A valid row has at
    // least 12 bytes ("0,1,1,1,1,0\n"), which bounds the reservation even
    // for a file of nothing but newlines.
    BarSeries s;
    size_t lines = 1;
    for (const char *p = data_.data(), *e = p + data_.size();
         (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(e - p)))) !=
         nullptr;
         ++p)
      ++lines;
    s.reserve(std::min(lines, data_.size() / 12 + 1));

    std::string_view line;
    size_t gaps = 0;
    bool have_header = false, saw_blank = false;
    size_t blank_line = 0;
    while (next_line(line)) {
      if (!err_.empty()) break;
      if (!have_header) {
        if (line != kHeader) {
          return fail(line.empty() ? "missing header, expected '" + std::string(kHeader) + "'"
                                   : "bad header " + quote(line) + ", expected '" +
                                         std::string(kHeader) + "'");
        }
        have_header = true;
        continue;
      }
      if (line.empty()) {
        if (!saw_blank) blank_line = line_no_;
        saw_blank = true;
        continue;
      }
      if (saw_blank) {
        line_no_ = blank_line;
        return fail("empty line inside the data");
      }
      if (!parse_row(line, s, gaps)) break;
    }
    if (!err_.empty()) return make_error(Errc::invalid_input, err_);
    if (s.size() == 0) return fail_file("no data rows after the header");
    if (report) {
      report->rows = s.size();
      report->gaps = gaps;
    }
    return s;
  }

 private:
  // Splits off the next line (without '\n' or "\r\n"). False at the end of
  // the data. A line that is too long sets err_ (the caller checks it).
  bool next_line(std::string_view& line) {
    if (pos_ >= data_.size()) return false;
    ++line_no_;
    const size_t avail = data_.size() - pos_;
    const size_t scan = avail < kMaxLineBytes + 2 ? avail : kMaxLineBytes + 2;
    const void* nl = std::memchr(data_.data() + pos_, '\n', scan);
    size_t len;
    if (nl) {
      len = static_cast<size_t>(static_cast<const char*>(nl) - (data_.data() + pos_));
    } else if (avail <= scan) {
      len = avail;  // last line, no final newline
    } else {
      set_error("line longer than " + std::to_string(kMaxLineBytes) + " bytes");
      return true;
    }
    line = data_.substr(pos_, len);
    pos_ += len + (nl ? 1 : 0);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxLineBytes) {
      set_error("line longer than " + std::to_string(kMaxLineBytes) + " bytes");
    }
    return true;
  }

  // The fast path: numbers parsed straight off the line (from_chars stops
  // at the comma), every check as one branch. Anything unusual goes to
  // explain_row, which redoes the row field by field and names the problem.
  bool parse_row(std::string_view line, BarSeries& s, size_t& gaps) {
    int64_t t = 0;
    double v[kColumns] = {};
    const char* p = line.data();
    const char* const e = p + line.size();
    auto r = std::from_chars(p, e, t);
    bool ok = r.ec == std::errc() && r.ptr != e && *r.ptr == ',';
    for (size_t i = 1; ok && i < kColumns; ++i) {
      r = std::from_chars(r.ptr + 1, e, v[i]);
      ok = r.ec == std::errc() && (i + 1 < kColumns ? r.ptr != e && *r.ptr == ',' : r.ptr == e);
    }
    const double open = v[1], high = v[2], low = v[3], close = v[4], volume = v[5];
    // Comparisons are false for NaN, so NaN fails here; +inf is caught by
    // high <= DBL_MAX (every price is <= high), volume explicitly.
    ok = ok && low > 0 && low <= open && open <= high && low <= close && close <= high &&
         high <= std::numeric_limits<double>::max() && volume >= 0 &&
         volume <= std::numeric_limits<double>::max() && t >= 0 &&
         (tf_ms_ > kDayMs || t % tf_ms_ == 0) &&
         (s.size() == 0 || t - s.open_time_ms.back() >= tf_ms_);
    if (!ok) return explain_row(line, s, gaps);
    if (s.size() > 0 && t - s.open_time_ms.back() > tf_ms_) ++gaps;
    append_row(s, t, open, high, low, close, volume);
    return true;
  }

  // The slow path: same rules, checked one by one so the error says which
  // field broke which rule. Sets the error and returns false (or, should it
  // find nothing wrong, adds the row like the fast path).
  bool explain_row(std::string_view line, BarSeries& s, size_t& gaps) {
    std::string_view f[kColumns];
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= line.size(); ++i) {
      if (i < line.size() && line[i] != ',') continue;
      if (n < kColumns) f[n] = line.substr(start, i - start);
      ++n;
      start = i + 1;
    }
    if (n != kColumns) {
      return fail_row("expected " + std::to_string(kColumns) + " fields, got " + std::to_string(n));
    }

    std::string problem = append_bar_fields(f, tf_ms_, s, gaps);
    if (!problem.empty()) return fail_row(std::move(problem));
    return true;
  }

  void set_error(std::string msg) {
    if (err_.empty()) err_ = path_ + ":" + std::to_string(line_no_) + ": " + msg;
  }
  bool fail_row(std::string msg) {
    set_error(std::move(msg));
    return false;
  }
  Error fail(std::string msg) {
    set_error(std::move(msg));
    return make_error(Errc::invalid_input, err_);
  }
  Error fail_file(std::string msg) { return make_error(Errc::invalid_input, path_ + ": " + msg); }

  const std::string& path_;
  const int64_t tf_ms_;
  std::string_view data_;
  size_t pos_ = 0;
  size_t line_no_ = 0;
  std::string err_;
};

}  // namespace

// Reads a whole file straight into one buffer (sized from fstat, grown for
// files of unknown size). Errors name the path: Errc::io for the OS.
Result<std::string> read_bar_file(const std::string& path) {
  struct Fd {
    int fd;
    ~Fd() {
      if (fd >= 0) ::close(fd);
    }
  } f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return make_error(Errc::io, path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0)
    return make_error(Errc::io, path + ": stat failed: " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return make_error(Errc::io, path + ": is a directory");
  const auto too_large = [&] {
    return make_error(Errc::invalid_input, path + ": file too large (limit " +
                                               std::to_string(kMaxFileBytes) + " bytes)");
  };
  if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > kMaxFileBytes) return too_large();
  // One byte more than the expected size, so end of file is seen without a resize.
  std::string data(S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) + 1 : size_t{1} << 16,
                   '\0');
  size_t used = 0;
  for (;;) {
    if (used == data.size()) {
      if (data.size() > kMaxFileBytes) return too_large();
      data.resize(std::min(data.size() * 2, kMaxFileBytes + 1));
    }
    const ssize_t n = ::read(f.fd, data.data() + used, data.size() - used);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(Errc::io, path + ": read failed: " + std::strerror(errno));
    }
    used += static_cast<size_t>(n);
  }
  data.resize(used);
  return data;
}

std::string append_bar_fields(const std::string_view (&f)[kBarCsvColumns], int64_t tf_ms, BarSeries& s,
                              size_t& gaps) {
  int64_t t = 0;
  {
    const char* b = f[0].data();
    const char* e = b + f[0].size();
    auto [p, ec] = std::from_chars(b, e, t);
    if (f[0].empty() || ec != std::errc() || p != e)
      return std::string(kNames[0]) + " is not an integer: " + quote(f[0]);
  }
  double v[kColumns] = {};
  for (size_t i = 1; i < kColumns; ++i) {
    const char* b = f[i].data();
    const char* e = b + f[i].size();
    auto [p, ec] = std::from_chars(b, e, v[i]);
    if (f[i].empty() || p != e || (ec != std::errc() && ec != std::errc::result_out_of_range))
      return std::string(kNames[i]) + " is not a number: " + quote(f[i]);
    if (ec == std::errc::result_out_of_range || !std::isfinite(v[i]))
      return std::string(kNames[i]) + " is not a finite number: " + quote(f[i]);
  }
  const double open = v[1], high = v[2], low = v[3], close = v[4], volume = v[5];
  const auto text = [&](size_t i) { return std::string(f[i]); };
  for (size_t i = 1; i <= 4; ++i)
    if (!(v[i] > 0)) return std::string(kNames[i]) + " " + text(i) + " <= 0";
  if (volume < 0) return "volume " + text(5) + " < 0";
  if (high < low) return "high " + text(2) + " < low " + text(3);
  if (open < low || open > high)
    return "open " + text(1) + " outside [low " + text(3) + ", high " + text(2) + "]";
  if (close < low || close > high)
    return "close " + text(4) + " outside [low " + text(3) + ", high " + text(2) + "]";
  if (t < 0) return "open_time_ms " + text(0) + " is negative";
  if (tf_ms <= kDayMs && t % tf_ms != 0)
    return "open_time_ms " + text(0) + " is not aligned to the timeframe (" + std::to_string(tf_ms) + " ms)";
  if (s.size() > 0) {
    const int64_t prev = s.open_time_ms.back();
    if (t == prev) return "duplicate open_time_ms " + text(0);
    if (t < prev)
      return "open_time_ms " + text(0) + " is before the previous row's " + std::to_string(prev) +
             " (rows must be in increasing time)";
    if (t - prev < tf_ms)
      return "open_time_ms " + text(0) + " is less than one timeframe after the previous row's " +
             std::to_string(prev) + " (overlapping bars)";
    if (t - prev > tf_ms) ++gaps;
  }
  append_row(s, t, open, high, low, close, volume);
  return {};
}

Result<BarSeries> load_csv_bars(const std::string& path, int64_t tf_ms, CsvLoadReport* report) {
  auto data = read_bar_file(path);
  if (!data) return data.error();
  return Parser(path, tf_ms, *data).run(report);
}

Result<BarSeries> parse_csv_bars(std::string_view text, const std::string& name, int64_t tf_ms,
                                 CsvLoadReport* report) {
  return Parser(name, tf_ms, text).run(report);
}

}  // namespace tn
