// [strategies.breakout.*] and [calendar]: see breakout_config.hpp.
// A failed check throws config_detail::Fail, caught by the loaders
// (parse_config, load_holidays_file): nothing leaves config/ as an exception.
#include "config/breakout_config.hpp"

#include <algorithm>
#include <filesystem>
#include <initializer_list>

#include "config/section_readers.hpp"

namespace tn {

const char* conviction_name(Conviction c) {
  switch (c) {
    case Conviction::high: return "HIGH";
    case Conviction::medium: return "MEDIUM";
    default: return "LOW";
  }
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

namespace config_detail {

namespace {

// Symbols go into ids, storage keys and messages: letters, digits, . - _
bool is_symbol(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
      return false;
  return true;
}

void read_universe(const Section& t, std::vector<std::string>& out) {
  const toml::node* u = t.node("universe");
  if (!u) return;
  if (!u->is_array()) t.bad("universe", "must be an array of symbols");
  out.clear();
  for (const toml::node& e : *u->as_array()) {
    if (!e.is_string() || !is_symbol(e.as_string()->get()))
      t.bad_entry("universe", e, "every entry must be a symbol of A-Z 0-9 . - _ (1-32 characters)");
    const std::string s = e.as_string()->get();
    if (std::find(out.begin(), out.end(), s) != out.end())
      t.bad_entry("universe", e, "\"" + s + "\" is listed twice");
    out.push_back(s);
  }
}

void read_class(const Section& t, BreakoutParams& p) {
  p.enabled = true;
  t.integer("trend_period", p.trend_period, 2, 1000);
  t.number("hard_stop_atr_mult", p.hard_stop_atr_mult, 0.0, 100.0, Section::Low::open);
  std::string c;
  if (t.str("min_conviction", c)) {
    if (c == "LOW") p.min_conviction = Conviction::low;
    else if (c == "MEDIUM") p.min_conviction = Conviction::medium;
    else if (c == "HIGH") p.min_conviction = Conviction::high;
    else t.bad("min_conviction", "must be one of LOW, MEDIUM, HIGH, got \"" + c + "\"");
  }
  t.integer("max_recommendations", p.max_recommendations, 1, 1000);
  read_universe(t, p.universe);
  if (t.str("benchmark", p.benchmark) && !is_symbol(p.benchmark))
    t.bad("benchmark", "must be a symbol of A-Z 0-9 . - _");
}

void read_holidays(const Section& t, std::vector<CivilDate>& out) {
  const toml::node* h = t.node("holidays");
  if (!h) return;
  if (!h->is_array()) t.bad("holidays", "must be an array of dates");
  for (const toml::node& e : *h->as_array()) {
    CivilDate d;
    if (e.is_date()) {
      const toml::date v = e.as_date()->get();
      d = CivilDate{v.year, v.month, v.day};
    } else if (e.is_string()) {
      auto r = parse_civil_date(e.as_string()->get());
      if (!r) t.bad_entry("holidays", e, r.error().message);
      d = *r;
    } else {
      t.bad_entry("holidays", e, "every entry must be a date like 2025-01-01");
    }
    out.push_back(d);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace

void read_strategies(const Section& top, BreakoutConfig& out) {
  if (!top.node("strategies")) return;
  const Section s = top.section("strategies", {"breakout"});
  if (!s.node("breakout")) return;
  const Section b = s.section("breakout", {"equity", "crypto"});
  const std::initializer_list<std::string_view> keys = {
      "trend_period", "hard_stop_atr_mult", "min_conviction", "max_recommendations", "universe",
      "benchmark"};
  if (b.node("equity")) read_class(b.section("equity", keys), out.equity);
  if (b.node("crypto")) read_class(b.section("crypto", keys), out.crypto);
}

void read_calendar(const Section& top, BreakoutConfig& out) {
  if (!top.node("calendar")) return;
  const Section c = top.section("calendar", {"holidays", "holidays_file"});
  read_holidays(c, out.holidays);
  c.str("holidays_file", out.holidays_file);
}

}  // namespace config_detail

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
  try {
    config_detail::read_calendar(config_detail::Section(path, root, ""), from_file);
  } catch (const config_detail::Fail& f) {
    return make_error(Errc::invalid_input, f.message);
  }
  if (!from_file.holidays_file.empty())
    return make_error(Errc::invalid_input, path + ": holidays_file may not name another file");
  out.holidays.insert(out.holidays.end(), from_file.holidays.begin(), from_file.holidays.end());
  std::sort(out.holidays.begin(), out.holidays.end());
  out.holidays.erase(std::unique(out.holidays.begin(), out.holidays.end()), out.holidays.end());
  return Status::OK();
}

}  // namespace tn
