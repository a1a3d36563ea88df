#pragma once
// INTERNAL to config/: the one strict TOML reader every section's schema is
// read with (config.cpp, breakout_config.cpp, notify_config.cpp,
// sources_config.cpp): a Section reads typed keys of one table and refuses
// unknown ones, every failure a Fail naming file, dotted key and line.
// Kept apart from the schemas so each of them reads as the schema.
#include <toml++/toml.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.hpp"
#include "common/timeframe.hpp"

namespace tn::config_detail {

struct Fail {
  std::string message;
};

// clang-format off
inline const char* type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    default: return "nothing";
  }
}
// clang-format on

[[noreturn]] inline void fail(const std::string& name, const toml::node* at, const std::string& what) {
  std::string msg = name + ": " + what;
  if (at && at->source().begin.line > 0)
    msg += " (line " + std::to_string(at->source().begin.line) + ")";
  throw Fail{std::move(msg)};
}

inline bool is_upper_alnum(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

inline bool is_ident(std::string_view s) {  // names that end up in ids, keys, topics
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '.' || c == '-'))
      return false;
  return true;
}

// The one spelling of a timeframe: the largest unit that divides it.
inline std::string canonical_tf(int64_t ms) {
  constexpr int64_t kUnits[] = {kWeekMs, kDayMs, kHourMs, kMinuteMs};
  constexpr char kSuffix[] = {'w', 'd', 'h', 'm'};
  for (size_t i = 0; i < 4; ++i)
    if (ms % kUnits[i] == 0) return std::to_string(ms / kUnits[i]) + kSuffix[i];
  return std::to_string(ms) + "ms";
}

inline std::string fmt(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

// One TOML table at a dotted path: rejects unknown keys on construction,
// then reads typed values. Each getter returns false when the key is absent
// (the Config default stays) and fails on a wrong type or range.
class Section {
 public:
  // Whether a string key may hold "" (a path that means "none", say).
  enum class Empty { rejected, allowed };
  // Whether the low end of a number's range is itself allowed: a multiple
  // or a distance may have to be above zero rather than at least zero.
  enum class Low { closed, open };

  Section(const std::string& name, const toml::table& t, std::string path,
          std::initializer_list<std::string_view> known)
      : Section(name, t, std::move(path)) {
    for (auto&& [k, v] : t_) {
      bool ok = false;
      for (auto kk : known) ok = ok || k.str() == kk;
      if (!ok)
        fail(
            name_, &v,
            std::string("unknown ") + (v.is_table() ? "table" : "key") + " '" + key(k.str()) + "'");
    }
  }

  // A table whose keys are names (timeframes, symbols): any key allowed.
  Section(const std::string& name, const toml::table& t, std::string path)
      : name_(name), t_(t), path_(std::move(path)) {}

  std::string key(std::string_view k) const {
    return path_.empty() ? std::string(k) : path_ + "." + std::string(k);
  }
  const toml::node* node(std::string_view k) const { return t_.get(k); }

  [[noreturn]] void bad(std::string_view k, const std::string& what) const {
    fail(name_, node(k), "key '" + key(k) + "' " + what);
  }
  // A failure at one entry of key k (an array element, a table named by a
  // key): names the key and points at the entry's own line.
  [[noreturn]] void bad_entry(std::string_view k, const toml::node& at,
                              const std::string& what) const {
    fail(name_, &at, "key '" + key(k) + "': " + what);
  }
  [[noreturn]] void type_error(std::string_view k, const char* expected) const {
    bad(k, std::string("must be ") + expected + ", got " + type_name(node(k)->type()));
  }

  bool str(std::string_view k, std::string& out, Empty empty = Empty::rejected) const {
    const toml::node* n = node(k);
    if (!n) return false;
    if (!n->is_string()) type_error(k, "a string");
    out = n->as_string()->get();
    if (out.empty() && empty == Empty::rejected) bad(k, "must not be empty");
    return true;
  }
  // A string that ends up in a header or a protocol line (SMTP, URLs): a
  // line break in it would start a new one.
  bool line(std::string_view k, std::string& out) const {
    if (!str(k, out)) return false;
    if (out.find_first_of("\r\n") != std::string::npos) bad(k, "must be one line");
    return true;
  }
  bool strings(std::string_view k, std::vector<std::string>& out) const {
    const toml::node* n = node(k);
    if (!n) return false;
    if (!n->is_array()) type_error(k, "an array of strings");
    out.clear();
    for (const toml::node& e : *n->as_array()) {
      if (!e.is_string()) bad(k, "must hold only strings");
      out.push_back(e.as_string()->get());
    }
    return true;
  }
  bool boolean(std::string_view k, bool& out) const {
    const toml::node* n = node(k);
    if (!n) return false;
    if (!n->is_boolean()) type_error(k, "a boolean (true or false)");
    out = n->as_boolean()->get();
    return true;
  }
  bool number(std::string_view k, double& out) const {
    const toml::node* n = node(k);
    if (!n) return false;
    if (n->is_integer())
      out = static_cast<double>(n->as_integer()->get());
    else if (n->is_floating_point())
      out = n->as_floating_point()->get();
    else
      type_error(k, "a number");
    if (!std::isfinite(out)) bad(k, "must be a finite number");
    return true;
  }
  // A number in [lo, hi], or (lo, hi] with Low::open.
  bool number(std::string_view k, double& out, double lo, double hi, Low low = Low::closed) const {
    double v = 0;
    if (!number(k, v)) return false;
    if (!(low == Low::open ? v > lo : v >= lo) || v > hi)
      bad(k, "must be a finite number in " + std::string(low == Low::open ? "(" : "[") + fmt(lo) +
                 ", " + fmt(hi) + "], got " + fmt(v));
    out = v;
    return true;
  }
  template <class T>
  bool integer(std::string_view k, T& out, int64_t lo, int64_t hi) const {
    const toml::node* n = node(k);
    if (!n) return false;
    if (!n->is_integer()) type_error(k, "an integer");
    const int64_t v = n->as_integer()->get();
    if (v < lo || v > hi)
      bad(k, "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                 std::to_string(v));
    out = static_cast<T>(v);
    return true;
  }
  bool timeframe(std::string_view k, int64_t& out) const {
    std::string s;
    if (node(k) && !node(k)->is_string()) type_error(k, "a timeframe string like \"1d\"");
    if (!str(k, s)) return false;
    auto ms = parse_timeframe_ms(s);
    if (!ms) bad(k, "must be a timeframe like \"15m\", \"4h\" or \"1d\", got \"" + s + "\"");
    out = *ms;
    return true;
  }
  // The table at key k, which must be there (check node(k) first).
  const toml::table& sub(std::string_view k) const {
    const toml::node* n = node(k);
    if (!n->is_table()) type_error(k, "a table");
    return *n->as_table();
  }
  // The Section of the table at key k, at path key(k), with its known keys.
  Section section(std::string_view k, std::initializer_list<std::string_view> known) const {
    return Section(name_, sub(k), key(k), known);
  }
  // The same for a table whose keys are names: any key allowed.
  Section section(std::string_view k) const { return Section(name_, sub(k), key(k)); }
  const toml::table& table() const { return t_; }

 private:
  const std::string& name_;
  const toml::table& t_;
  std::string path_;
};

// A timeframe used as a table name: must parse and be spelled canonically.
inline int64_t timeframe_name(const std::string& name, const toml::node& at, const std::string& path,
                       const std::string& tf) {
  auto ms = parse_timeframe_ms(tf);
  if (!ms)
    fail(name, &at,
         "key '" + path + "': \"" + tf + "\" is not a timeframe (expected e.g. 1h, 4h, 1d)");
  if (canonical_tf(*ms) != tf)
    fail(name, &at, "key '" + path + "': write the timeframe as \"" + canonical_tf(*ms) + "\"");
  return *ms;
}

// Range check on a value already read: fails naming the key.
inline void require(const Section& s, std::string_view k, bool ok, const std::string& what) {
  if (!ok) s.bad(k, what);
}

}  // namespace tn::config_detail
