// [strategies.breakout.*] and [calendar]: see breakout_config.hpp.
// Like config.cpp, a failed check throws a private Bad, caught at the two
// entry points: nothing leaves this file as an exception.
#include "config/breakout_config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <initializer_list>

#include "config/breakout_config_toml.hpp"

namespace tn {

const char* conviction_name(Conviction c) {
  switch (c) {
    case Conviction::high: return "HIGH";
    case Conviction::medium: return "MEDIUM";
    default: return "LOW";
  }
}

int64_t days_from_civil(const CivilDate& d) {
  const int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (d.month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const uint32_t day = static_cast<uint32_t>(doy - (153 * mp + 2) / 5 + 1);
  const uint32_t month = static_cast<uint32_t>(mp < 10 ? mp + 3 : mp - 9);
  return CivilDate{static_cast<int32_t>(yoe + era * 400 + (month <= 2 ? 1 : 0)), month, day};
}

Result<CivilDate> parse_civil_date(std::string_view t) {
  auto bad = [&] {
    std::string msg(1, '"');  // built by appends: g++ 12 warns falsely on "x" + string
    msg.append(t.substr(0, 40));
    msg += "\" is not a date like \"2025-01-01\"";
    return make_error(Errc::invalid_input, msg);
  };
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return bad();
  auto num = [&](size_t from, size_t len, int64_t& out) {
    out = 0;
    for (size_t i = from; i < from + len; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      out = out * 10 + (t[i] - '0');
    }
    return true;
  };
  int64_t y = 0, m = 0, d = 0;
  if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d) || m < 1 || m > 12 || d < 1) return bad();
  const CivilDate date{static_cast<int32_t>(y), static_cast<uint32_t>(m), static_cast<uint32_t>(d)};
  if (civil_from_days(days_from_civil(date)) != date) return bad();  // 2025-02-30
  return date;
}

std::string format_civil_date(const CivilDate& d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", d.year, d.month, d.day);
  return buf;
}

BreakoutParams BreakoutParams::equity_defaults() {
  BreakoutParams p;
  p.asset_class = "equity";
  p.hard_stop_atr_mult = 2.5;
  p.benchmark = "SPY";
  return p;
}

BreakoutParams BreakoutParams::crypto_defaults() {
  BreakoutParams p;
  p.asset_class = "crypto";
  p.hard_stop_atr_mult = 3.0;
  p.benchmark = "BTCUSDT";
  return p;
}

const BreakoutParams* BreakoutConfig::params_for(std::string_view asset_class) const {
  if (asset_class == "equity") return &equity;
  if (asset_class == "crypto") return &crypto;
  return nullptr;
}

namespace {

struct Bad {
  std::string message;
};

// A table at a dotted path of the config called name.
struct Table {
  const std::string& name;
  const toml::table& t;
  std::string path;

  std::string key(std::string_view k) const { return path + "." + std::string(k); }
  [[noreturn]] void fail(const toml::node* at, const std::string& what) const {
    std::string msg = name + ": " + what;
    if (at && at->source().begin.line > 0)
      msg += " (line " + std::to_string(at->source().begin.line) + ")";
    throw Bad{std::move(msg)};
  }
  [[noreturn]] void bad(std::string_view k, const std::string& what) const {
    fail(t.get(k), "key '" + key(k) + "' " + what);
  }
  void only(std::initializer_list<std::string_view> known) const {
    for (auto&& [k, v] : t)
      if (std::find(known.begin(), known.end(), k.str()) == known.end())
        fail(&v, std::string("unknown ") + (v.is_table() ? "table" : "key") + " '" + key(k.str()) +
                     "'");
  }
  Table sub(std::string_view k) const {
    const toml::node* n = t.get(k);
    if (!n->is_table()) bad(k, "must be a table");
    return Table{name, *n->as_table(), key(k)};
  }
  template <class T>
  void integer(std::string_view k, T& out, int64_t lo, int64_t hi) const {
    const toml::node* n = t.get(k);
    if (!n) return;
    if (!n->is_integer()) bad(k, "must be an integer");
    const int64_t v = n->as_integer()->get();
    if (v < lo || v > hi)
      bad(k, "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                 std::to_string(v));
    out = static_cast<T>(v);
  }
  void number(std::string_view k, double& out, double lo, double hi) const {
    const toml::node* n = t.get(k);
    if (!n) return;
    if (n->is_integer())
      out = static_cast<double>(n->as_integer()->get());
    else if (n->is_floating_point())
      out = n->as_floating_point()->get();
    else
      bad(k, "must be a number");
    if (!std::isfinite(out) || out <= lo || out > hi)
      bad(k, "must be a finite number in (" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  bool str(std::string_view k, std::string& out) const {
    const toml::node* n = t.get(k);
    if (!n) return false;
    if (!n->is_string() || n->as_string()->get().empty()) bad(k, "must be a non-empty string");
    out = n->as_string()->get();
    return true;
  }
};

// Symbols go into ids, storage keys and messages: letters, digits, . - _
bool is_symbol(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
      return false;
  return true;
}

void read_class(const Table& t, BreakoutParams& p) {
  t.only({"trend_period", "hard_stop_atr_mult", "min_conviction", "max_recommendations",
          "universe", "benchmark"});
  p.enabled = true;
  t.integer("trend_period", p.trend_period, 2, 1000);
  t.number("hard_stop_atr_mult", p.hard_stop_atr_mult, 0.0, 100.0);
  std::string c;
  if (t.str("min_conviction", c)) {
    if (c == "LOW") p.min_conviction = Conviction::low;
    else if (c == "MEDIUM") p.min_conviction = Conviction::medium;
    else if (c == "HIGH") p.min_conviction = Conviction::high;
    else t.bad("min_conviction", "must be one of LOW, MEDIUM, HIGH, got \"" + c + "\"");
  }
  t.integer("max_recommendations", p.max_recommendations, 1, 1000);
  if (const toml::node* u = t.t.get("universe")) {
    if (!u->is_array()) t.bad("universe", "must be an array of symbols");
    p.universe.clear();
    for (const toml::node& e : *u->as_array()) {
      if (!e.is_string() || !is_symbol(e.as_string()->get()))
        t.fail(&e, "key '" + t.key("universe") +
                       "': every entry must be a symbol of A-Z 0-9 . - _ (1-32 characters)");
      const std::string s = e.as_string()->get();
      if (std::find(p.universe.begin(), p.universe.end(), s) != p.universe.end())
        t.fail(&e, "key '" + t.key("universe") + "': \"" + s + "\" is listed twice");
      p.universe.push_back(s);
    }
  }
  if (t.str("benchmark", p.benchmark) && !is_symbol(p.benchmark))
    t.bad("benchmark", "must be a symbol of A-Z 0-9 . - _");
}

void read_holidays(const Table& t, std::vector<CivilDate>& out) {
  const toml::node* h = t.t.get("holidays");
  if (!h) return;
  if (!h->is_array()) t.bad("holidays", "must be an array of dates");
  for (const toml::node& e : *h->as_array()) {
    CivilDate d;
    if (e.is_date()) {
      const toml::date v = e.as_date()->get();
      d = CivilDate{v.year, v.month, v.day};
    } else if (e.is_string()) {
      auto r = parse_civil_date(e.as_string()->get());
      if (!r) t.fail(&e, "key '" + t.key("holidays") + "': " + r.error().message);
      d = *r;
    } else {
      t.fail(&e, "key '" + t.key("holidays") + "': every entry must be a date like 2025-01-01");
    }
    out.push_back(d);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace

Status read_breakout_config(const toml::node* strategies, const toml::node* calendar,
                            const std::string& name, BreakoutConfig& out) {
  try {
    const toml::table empty;
    const Table root{name, empty, ""};
    if (strategies) {
      if (!strategies->is_table()) root.fail(strategies, "key 'strategies' must be a table");
      const Table s{name, *strategies->as_table(), "strategies"};
      s.only({"breakout"});
      if (s.t.get("breakout")) {
        const Table b = s.sub("breakout");
        b.only({"equity", "crypto"});
        if (b.t.get("equity")) read_class(b.sub("equity"), out.equity);
        if (b.t.get("crypto")) read_class(b.sub("crypto"), out.crypto);
      }
    }
    if (calendar) {
      if (!calendar->is_table()) root.fail(calendar, "key 'calendar' must be a table");
      const Table c{name, *calendar->as_table(), "calendar"};
      c.only({"holidays", "holidays_file"});
      read_holidays(c, out.holidays);
      c.str("holidays_file", out.holidays_file);
    }
  } catch (const Bad& b) {
    return make_error(Errc::invalid_input, b.message);
  }
  return Status::OK();
}

Status load_holidays_file(const std::string& config_dir, BreakoutConfig& out) {
  if (out.holidays_file.empty()) return Status::OK();
  std::filesystem::path p(out.holidays_file);
  if (p.is_relative() && !config_dir.empty()) p = std::filesystem::path(config_dir) / p;
  const std::string path = p.lexically_normal().string();
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return make_error(Errc::invalid_input,
                      path + ":" + std::to_string(e.source().begin.line) + ": " +
                          std::string(e.description()));
  }
  const toml::node* cal = root.get("calendar");
  if (!cal) return make_error(Errc::invalid_input, path + ": no [calendar] table");
  for (auto&& [k, v] : root)
    if (k.str() != "calendar")
      return make_error(Errc::invalid_input, path + ": unknown table '" + std::string(k.str()) + "'");
  BreakoutConfig from_file;
  if (Status s = read_breakout_config(nullptr, cal, path, from_file); !s) return s;
  if (!from_file.holidays_file.empty())
    return make_error(Errc::invalid_input, path + ": holidays_file may not name another file");
  out.holidays.insert(out.holidays.end(), from_file.holidays.begin(), from_file.holidays.end());
  std::sort(out.holidays.begin(), out.holidays.end());
  out.holidays.erase(std::unique(out.holidays.begin(), out.holidays.end()), out.holidays.end());
  return Status::OK();
}

}  // namespace tn
