// TOML -> Config, strictly (see config.hpp and config/backtest.toml).
//
// Every error is "<file>: <what>", naming the full dotted key, followed by
// " (line N)" when toml++ knows where the key is. Rules beyond types:
// - unknown tables and keys are errors (typos must not be ignored);
// - integers are accepted where a number is expected, NaN/inf never are;
// - timeframes used as names (watchlist tables, sizing.allocation keys) must
//   be spelled canonically ("1d", not "24h"), because allocation_for() and
//   every event compare them as strings;
// - [sizing] allocation, when given, replaces the built-in table entirely;
//   timeframes missing from it get default_allocation;
// - node.db_durable defaults to false in backtest mode (a lost backtest is
//   rerun, not recovered), true otherwise;
// - a stream's buy_threshold must be below its sell_threshold.
// Internally a failed check throws a private Fail, caught in parse_config:
// nothing escapes this file as an exception.
#include "config/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string_view>
#include <tuple>

#include "common/time.hpp"
#include "common/timeframe.hpp"
#include "config/section_readers.hpp"
#include "config/toml_section.hpp"

namespace tn {

using namespace config_detail;

namespace {

void read_node(const Section& s, Config& c) {
  s.str("name", c.node_name);
  require(s, "name", is_ident(c.node_name), "must be 1-64 characters of A-Z a-z 0-9 _ . -");
  if (s.str("mode", c.mode))
    require(s, "mode", c.mode == "backtest" || c.mode == "replay" || c.mode == "live",
            "must be one of backtest, replay, live, got \"" + c.mode + "\"");
  s.str("db_path", c.db_path);
  s.integer("db_map_size_mb", c.db_map_size_mb, 1, int64_t{1} << 24);
  if (!s.boolean("db_durable", c.db_durable)) c.db_durable = c.mode != "backtest";
  s.integer("replay_interval_ms", c.replay_interval_ms, 0, 3'600'000);
  if (s.str("at_end", c.at_end))
    require(s, "at_end", c.at_end == "exit" || c.at_end == "stay",
            "must be exit or stay, got \"" + c.at_end + "\"");
  s.str("log_file", c.log_file);
  if (!s.integer("threads", c.threads, 0, 256)) c.threads = c.mode == "backtest" ? 0 : 1;
  if (s.str("role", c.cluster.role))
    require(s, "role", c.cluster.role == "all" || c.cluster.role == "data" || c.cluster.role == "trading",
            "must be one of all, data, trading, got \"" + c.cluster.role + "\"");
}

void read_port(const Section& s, std::string_view k, uint16_t& out) {
  if (!s.integer(k, out, 1, 65535)) s.bad(k, "is required for this role (a TCP port, 1-65535)");
}

// [cluster]: what a node of this role needs, checked against each other;
// the watchlist is read later (assign's symbols are checked in build()).
void read_cluster(const Section& s, Config& c) {
  ClusterConfig& k = c.cluster;
  s.integer("shard_count", k.shard_count, 1, 64);
  s.integer("retry_max_ms", k.retry_max_ms, 10, 600'000);
  s.integer("link_timeout_ms", k.link_timeout_ms, 100, 3'600'000);
  s.strings("peers", k.peers);
  for (const auto& p : k.peers)
    require(s, "peers", is_ident(p), "holds \"" + p + "\": names are 1-64 characters of A-Z a-z 0-9 _ . -");
  if (s.node("assign")) {
    const Section a = s.section("assign");
    for (auto&& [sym, v] : a.table()) {
      uint32_t shard = 0;
      a.integer(sym.str(), shard, 0, int64_t{k.shard_count} - 1);
      k.assign[std::string(sym.str())] = shard;
    }
  }
  s.boolean("tls", k.tls);
  s.str("tls_certificate", k.tls_certificate);
  s.str("tls_key", k.tls_key);
  s.str("tls_cafile", k.tls_cafile);
  if (k.tls)
    for (std::string_view f : {"tls_certificate", "tls_key", "tls_cafile"})
      if (!s.node(f)) s.bad(f, "is required when cluster.tls = true (a PEM file)");
  if (k.role == "trading") {
    s.str("listen_host", k.listen_host);
    read_port(s, "listen_port", k.listen_port);
    if (k.peers.empty()) s.bad("peers", "is required on a trading node: the names of the data nodes it accepts");
    if (!k.tls && !is_loopback_host(k.listen_host))
      s.bad("listen_host", "is not loopback (\"" + k.listen_host + "\"): set cluster.tls = true with certificates");
  } else if (k.role == "data") {
    s.str("trading_host", k.trading_host);
    read_port(s, "trading_port", k.trading_port);
    if (!s.node("shard_index")) s.bad("shard_index", "is required on a data node (0 .. shard_count-1)");
    s.integer("shard_index", k.shard_index, 0, int64_t{k.shard_count} - 1);
    if (!k.tls && !is_loopback_host(k.trading_host))
      s.bad("trading_host", "is not loopback (\"" + k.trading_host + "\"): set cluster.tls = true with certificates");
  }
}

void read_account(const Section& s, Config& c) {
  if (s.str("id", c.account_id))
    require(s, "id", is_ident(c.account_id), "must be 1-64 characters of A-Z a-z 0-9 _ . -");
  if (s.number("starting_balance", c.starting_balance))
    require(s, "starting_balance", c.starting_balance > 0,
            "must be > 0, got " + fmt(c.starting_balance));
  if (s.str("quote", c.quote))
    require(s, "quote", is_upper_alnum(c.quote),
            "must be uppercase letters and digits, got \"" + c.quote + "\"");
}

void read_sizing(const std::string& name, const Section& s, Config& c) {
  if (s.node("allocation")) {
    const Section a = s.section("allocation");
    c.allocation.clear();
    for (auto&& [k, v] : a.table()) {
      const std::string tf(k.str());
      timeframe_name(name, v, a.key(tf), tf);
      double f = 0;
      a.number(tf, f);
      require(a, tf, f > 0 && f <= 1, "must be in (0, 1], got " + fmt(f));
      c.allocation[tf] = f;
    }
  }
  if (s.number("default_allocation", c.default_allocation))
    require(s, "default_allocation", c.default_allocation > 0 && c.default_allocation <= 1,
            "must be in (0, 1], got " + fmt(c.default_allocation));
  if (s.number("min_trade_value", c.min_trade_value))
    require(s, "min_trade_value", c.min_trade_value >= 0,
            "must be >= 0, got " + fmt(c.min_trade_value));
  if (s.number("fee_rate", c.fee_rate))
    require(s, "fee_rate", c.fee_rate >= 0 && c.fee_rate < 0.1,
            "must be in [0, 0.1), got " + fmt(c.fee_rate));
}

void read_bus(const Section& s, Config& c) {
  const char* endpoint = "must be a ZeroMQ endpoint like \"tcp://127.0.0.1:5555\"";
  if (s.str("publish", c.publish))
    require(s, "publish", c.publish.find("://") != std::string::npos, endpoint);
  if (s.str("control", c.control))
    require(s, "control", c.control.find("://") != std::string::npos, endpoint);
  if (c.publish == c.control)
    s.bad(s.node("control") ? "control" : "publish", "must differ from the other bus endpoint");
  s.integer("wait_subscribers", c.wait_subscribers, 0, 65535);
  s.integer("wait_ms", c.wait_ms, 0, 86'400'000);
  s.boolean("publish_bars", c.publish_bars);
  s.integer("send_hwm", c.send_hwm, 0, std::numeric_limits<int32_t>::max());
  s.boolean("control_curve", c.control_curve);
  s.str("control_secret_key_file", c.control_secret_key_file);
  s.strings("control_allowed_clients", c.control_allowed_clients);
}

void read_backtest(const Section& s, Config& c) {
  s.integer("batch_bars", c.batch_bars, 1, 100'000'000);
  s.timeframe("equity_interval", c.equity_interval_ms);
  s.timeframe("status_interval", c.status_interval_ms);
  s.integer("shards", c.shards, 1, 64);
  s.boolean("publish", c.backtest_publish);
}

// [schedule]: the cadence and its intervals, shared by every mode.
void read_schedule(const std::string& name, const Section& s, Config& c) {
  if (s.str("cadence", c.cadence))
    require(s, "cadence", c.cadence == "close" || c.cadence == "hourly",
            "must be close or hourly, got \"" + c.cadence + "\"");
  if (s.timeframe("check_every", c.check_every_ms))
    // Checks land on 1h closes (the bars a backtest of "hourly" reads).
    require(s, "check_every", kHourMs % c.check_every_ms == 0 || c.check_every_ms % kHourMs == 0,
            "must divide 1h or be a whole number of hours, got \"" + canonical_tf(c.check_every_ms) + "\"");
  if (s.node("min_check_intervals")) {
    const Section m = s.section("min_check_intervals");
    for (auto&& [k, v] : m.table()) {
      const std::string tf(k.str());
      timeframe_name(name, v, m.key(tf), tf);
      int64_t secs = 0;
      m.integer(tf, secs, 0, 7 * 86'400);
      c.min_check_intervals_s[tf] = secs;
    }
  }
}

void read_watchlist(const std::string& name, const toml::table& wl, Config& c) {
  for (auto&& [sym_key, sym_node] : wl) {
    const std::string sym(sym_key.str());
    const std::string path = "watchlist." + sym;
    if (!sym_node.is_table())
      fail(name, &sym_node,
           "key '" + path + "' must be a table of timeframes like [" + path + ".1d], got " +
               type_name(sym_node.type()));
    if (!is_upper_alnum(sym) || sym.size() <= c.quote.size() ||
        sym.compare(sym.size() - c.quote.size(), c.quote.size(), c.quote) != 0)
      fail(name, &sym_node,
           "key '" + path +
               "': symbol must be uppercase letters and digits ending in the quote currency '" +
               c.quote + "' (e.g. BTC" + c.quote + ")");
    const toml::table& per_tf = *sym_node.as_table();
    if (per_tf.empty())
      fail(name, &sym_node, "key '" + path + "' has no timeframes (add e.g. [" + path + ".1d])");
    for (auto&& [tf_key, tf_node] : per_tf) {
      const std::string tf(tf_key.str());
      const std::string tf_path = path + "." + tf;
      const int64_t tf_ms = timeframe_name(name, tf_node, tf_path, tf);
      if (!tf_node.is_table())
        fail(name, &tf_node,
             "key '" + tf_path + "' must be a table, got " + type_name(tf_node.type()));
      Section s(name, *tf_node.as_table(), tf_path,
                {"ma_period", "buy_threshold", "sell_threshold", "data", "hourly_data"});
      StreamConfig sc;
      sc.symbol = sym;
      sc.timeframe = tf;
      sc.tf_ms = tf_ms;
      s.integer("ma_period", sc.ma_period, 1, 1'000'000);
      s.number("buy_threshold", sc.buy_threshold);
      s.number("sell_threshold", sc.sell_threshold);
      if (!(sc.buy_threshold < sc.sell_threshold))
        s.bad(s.node("buy_threshold") ? "buy_threshold" : "sell_threshold",
              "is invalid: buy_threshold " + fmt(sc.buy_threshold) +
                  " must be below sell_threshold " + fmt(sc.sell_threshold));
      s.str("data", sc.data);
      s.str("hourly_data", sc.hourly_data);
      c.watchlist.push_back(std::move(sc));
    }
  }
}

Config build(const toml::table& root, const std::string& name) {
  Config c;
  c.source_path = name;
  const Section top(name, root, "", {"node", "account", "sizing", "bus", "backtest", "schedule",
                                        "sources", "watchlist", "strategies", "calendar", "notify", "cluster"});
  // [node] first (db_durable's default depends on mode), [account] before
  // the watchlist (symbols must end with the quote currency).
  c.db_durable = c.mode != "backtest";
  c.threads = c.mode == "backtest" ? 0 : 1;
  if (top.node("node"))
    read_node(top.section("node", {"name", "mode", "db_path", "db_map_size_mb", "db_durable",
                                   "replay_interval_ms", "at_end", "log_file", "role", "threads"}),
              c);
  if (top.node("cluster"))
    read_cluster(top.section("cluster", {"listen_host", "listen_port", "trading_host",
                                         "trading_port", "shard_index", "shard_count", "assign",
                                         "peers", "retry_max_ms", "link_timeout_ms", "tls",
                                         "tls_certificate", "tls_key", "tls_cafile"}),
                 c);
  else if (c.cluster.clustered())
    fail(name, top.node("node"), "[node] role = \"" + c.cluster.role + "\" needs a [cluster] section");
  if (c.cluster.clustered() && c.mode == "backtest")
    fail(name, top.node("node"), "key 'node.role' = \"" + c.cluster.role +
                                     "\": a backtest runs in one process (use role \"all\")");
  if (top.node("account"))
    read_account(top.section("account", {"id", "starting_balance", "quote"}), c);
  if (top.node("sizing"))
    read_sizing(name,
                top.section("sizing", {"allocation", "default_allocation", "min_trade_value",
                                       "fee_rate"}),
                c);
  if (top.node("bus"))
    read_bus(top.section("bus", {"publish", "control", "wait_subscribers", "wait_ms",
                                 "publish_bars", "send_hwm", "control_curve",
                                 "control_secret_key_file", "control_allowed_clients"}),
             c);
  if (top.node("backtest"))
    read_backtest(
        top.section("backtest", {"batch_bars", "equity_interval", "status_interval", "shards",
                              "publish"}),
        c);
  if (top.node("schedule"))
    read_schedule(name, top.section("schedule", {"cadence", "check_every", "min_check_intervals"}), c);
  read_sources(top, c.sources);
  if (top.node("watchlist")) read_watchlist(name, top.sub("watchlist"), c);
  read_strategies(top, c.breakout);
  read_calendar(top, c.breakout);
  read_notify(top, c.notify);
  if (c.watchlist.empty())
    fail(name, nullptr,
         "no streams: add at least one [watchlist.SYMBOL.TF] table, e.g. [watchlist.BTC" + c.quote +
             ".1d]");
  for (const auto& [sym, shard] : c.cluster.assign) {
    bool known = false;
    for (const auto& w : c.watchlist) known = known || w.symbol == sym;
    if (!known) fail(name, nullptr, "key 'cluster.assign." + sym + "': no such symbol in the watchlist");
  }
  std::sort(c.watchlist.begin(), c.watchlist.end(),
            [](const StreamConfig& a, const StreamConfig& b) {
              return std::tie(a.symbol, a.tf_ms) < std::tie(b.symbol, b.tf_ms);
            });
  return c;
}

Error parse_error_to_error(const toml::parse_error& e, const std::string& name) {
  const auto& src = e.source();
  return make_error(Errc::invalid_input, name + ":" + std::to_string(src.begin.line) + ":" +
                                             std::to_string(src.begin.column) + ": " +
                                             std::string(e.description()));
}

}  // namespace

Result<Config> parse_config(const std::string& toml_text, const std::string& name) {
  toml::table root;
#if TOML_EXCEPTIONS
  try {
    root = toml::parse(toml_text, std::string_view(name));
  } catch (const toml::parse_error& e) {
    return parse_error_to_error(e, name);
  }
#else
  toml::parse_result r = toml::parse(toml_text, std::string_view(name));
  if (!r) return parse_error_to_error(r.error(), name);
  root = std::move(r).table();
#endif
  try {
    return build(root, name);
  } catch (const Fail& f) {
    return make_error(Errc::invalid_input, f.message);
  }
}

Result<Config> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::io, path + ": cannot open config file: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return make_error(Errc::io, path + ": read failed");
  auto cfg = parse_config(text.str(), path);
  if (!cfg) return cfg;
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  for (StreamConfig& s : cfg->watchlist) {
    if (dir.empty()) continue;
    for (std::string* f : {&s.data, &s.hourly_data})
      if (!f->empty() && std::filesystem::path(*f).is_relative())
        *f = (dir / *f).lexically_normal().string();
  }
  if (Status s = load_holidays_file(dir.string(), cfg->breakout); !s) return s.error();
  // TLS files: resolved against the config's folder and readable now (CAF's
  // OpenSSL module would only fail at the first connection).
  const std::pair<const char*, std::string*> tls_files[] = {
      {"tls_certificate", &cfg->cluster.tls_certificate}, {"tls_key", &cfg->cluster.tls_key},
      {"tls_cafile", &cfg->cluster.tls_cafile}};
  for (auto [key, f] : tls_files) {
    if (f->empty()) continue;
    if (!dir.empty() && std::filesystem::path(*f).is_relative()) *f = (dir / *f).lexically_normal().string();
    if (!std::ifstream(*f))
      return make_error(Errc::invalid_input, path + ": key 'cluster." + key + "': cannot read '" + *f + "'");
  }
  std::string& cache = cfg->sources.cache_path;
  if (!cache.empty() && !dir.empty() && std::filesystem::path(cache).is_relative())
    cache = (dir / cache).lexically_normal().string();
  return cfg;
}

}  // namespace tn
