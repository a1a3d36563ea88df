// traderctl: steer a running node over its control endpoint.
// The protocol is messages/control.hpp, the socket work
// control/client.*, the output control/format.*;
// this is the command line.
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/civil_date.hpp"
#include "common/clock.hpp"
#include "control/client.hpp"
#include "control/format.hpp"
#include "control/security.hpp"
#include "messages/codec.hpp"
#include "messages/control.hpp"
#include "tools/cli.hpp"
#include "tools/fetch_data_command.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitNodeError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitNoAnswer = 3;

constexpr const char* kDefaultEndpoint = "tcp://127.0.0.1:5556";
constexpr int64_t kDefaultTimeoutMs = 5000;
constexpr int64_t kMaxTimeoutMs = 3'600'000;
constexpr uint64_t kMaxDailyDays = 3660;

struct Options {
  std::string endpoint = kDefaultEndpoint;
  bool json = false;
  int64_t timeout_ms = kDefaultTimeoutMs;
  std::string curve_server_key;
  std::string curve_secret_file;
  bool entries_only = false;
  uint64_t days = 0;  // 0: let the node choose
  std::string asset_class, date;  // run-signals-now
  std::string symbol;             // close, trades
  std::string since;              // trades
  uint64_t limit = 0;             // trades; 0: the node's default
};

void print_error(bool json, const std::string& message) {
  if (json) {
    nlohmann::json j;
    j["error"] = message;
    std::fprintf(stderr, "%s\n",
                 j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::fprintf(stderr, "traderctl: %s\n", message.c_str());
  }
}

int run(const Options& opt, tn::ControlRequest req) {
  std::optional<tn::CurveClientKeys> curve;
  if (!opt.curve_server_key.empty()) {
    auto keys = tn::load_curve_client_keys(opt.curve_server_key, opt.curve_secret_file);
    if (!keys) {
      print_error(opt.json, keys.error().message);
      return kExitUsage;
    }
    curve = *keys;
  }
  req.id = tn::new_request_id();
  auto reply = tn::call(opt.endpoint, req, std::chrono::milliseconds(opt.timeout_ms), curve);
  if (!reply) {
    std::string msg = reply.error().message;
    if (reply.error().code == tn::Errc::timeout)
      msg += curve ? " (is the node running there, and is this client's key allowed?)"
                   : " (is the node running there?)";
    print_error(opt.json, msg);
    return kExitNoAnswer;
  }
  if (!reply->ok) {
    print_error(opt.json, req.command + ": " + reply->error);
    return kExitNodeError;
  }
  auto text = tn::format_reply_body(req.command, reply->body, opt.json, tn::wall_clock_ms());
  if (!text) {
    print_error(opt.json, "unreadable answer from " + opt.endpoint + ": " + text.error().message);
    return kExitNoAnswer;
  }
  std::fwrite(text->data(), 1, text->size(), stdout);
  if (std::fflush(stdout) != 0) return kExitNoAnswer;
  // A verification that found a problem is a failure for scripts too.
  if (req.command == tn::control_cmd::verify)
    if (auto v = tn::decode<tn::VerifyBody>(reply->body); !v || !v->chain_ok || !v->ledger_ok)
      return kExitNodeError;
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"traderctl: ask or tell a running tradernode over its control endpoint.\n\n"
               "Exit codes:\n"
               "  0  done; the answer is on stdout (a table, or JSON with --json)\n"
               "  1  the node answered with an error (on stderr)\n"
               "  2  bad command line, or an unusable CURVE key file\n"
               "  3  no answer (node not running, wrong endpoint, key not allowed) or an\n"
               "     unreadable answer"};
  tn::cli::setup(app, "traderctl");
  Options opt;
  app.add_option("--endpoint", opt.endpoint,
                 std::string("the node's control endpoint (default ") + kDefaultEndpoint + ")");
  app.add_flag("--json", opt.json, "print the answer as JSON instead of a table");
  app.add_option("--timeout-ms", opt.timeout_ms,
                 "give up when no answer came within T ms (default 5000)")
      ->check(CLI::Range(int64_t{1}, kMaxTimeoutMs));
  auto* server_key = app.add_option("--curve-server-key", opt.curve_server_key,
                                    "the node's CURVE public key (Z85), for a non-loopback node");
  auto* secret = app.add_option("--curve-secret-file", opt.curve_secret_file,
                                "file with this client's CURVE secret key (Z85, mode 0600)");
  server_key->needs(secret);
  secret->needs(server_key);

  app.require_subcommand(1);
  tn::ControlRequest req;
  auto simple = [&](const std::string& name, const std::string& help) {
    return app.add_subcommand(name, help)->callback([&req, name] { req.command = name; });
  };
  simple(tn::control_cmd::status,
         "mode, pause state, uptime, watchlist with last checks, trades, portfolio value");
  auto* pause = simple(tn::control_cmd::pause,
                       "stop signal checking (fetching and valuation go on); survives a restart");
  pause->add_flag("--entries-only", opt.entries_only,
                  "safe pause: no new BUYs, while SELLs of held positions still happen");
  simple(tn::control_cmd::resume, "start signal checking again");
  simple(tn::control_cmd::positions, "open positions with value, cost and unrealised P&L");
  simple(tn::control_cmd::profit, "realised and unrealised P&L per symbol and in total");
  auto* daily = simple(tn::control_cmd::daily, "P&L per UTC day");
  daily->add_option("N", opt.days, "number of days, most recent last (default: the node's, 7)")
      ->check(CLI::Range(uint64_t{1}, kMaxDailyDays));
  simple(tn::control_cmd::health, "per-actor mailbox depth and last activity");
  simple(tn::control_cmd::run_now, "check everything due now, ignoring the minimum intervals");
  simple(tn::control_cmd::stop, "stop the node gracefully");
  simple(tn::control_cmd::verify,
         "check the event log's hash chain and reconcile the ledger with the order history");
  simple(tn::control_cmd::send_test_email, "ask the node to send a test notification e-mail");
  auto* signals = simple(tn::control_cmd::run_signals_now,
                         "run one daily breakout job now: recommendations stored and published");
  signals->add_option("--asset-class", opt.asset_class, "equity or crypto")
      ->required()->check(CLI::IsMember({"equity", "crypto"}));
  signals->add_option("--date", opt.date, "YYYY-MM-DD: that day's job (default: the latest closed day)");
  auto* close = simple(tn::control_cmd::close,
                       "sell the whole open position of SYMBOL now at its last price (a SELL like "
                       "the strategy's: logged, published; also while paused)");
  close->add_option("SYMBOL", opt.symbol, "e.g. BTCUSDT")->required()->transform([](std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  });
  auto* trades = simple(tn::control_cmd::trades,
                        "the trade history from the ledger: every order, filled or failed, newest last");
  trades->add_option("--symbol", opt.symbol, "only this symbol");
  trades->add_option("--since", opt.since,
                     "from this time on: Unix ms or a UTC date/time (2021-01-01, 2021-01-01T12:00Z)")
      ->check([](const std::string& s) {
        auto t = tn::parse_utc_time(s);
        return t ? std::string() : t.error().message;
      });
  trades->add_option("--limit", opt.limit, "at most N rows, the newest (default: the node's, 100)")
      ->check(CLI::Range(uint64_t{1}, tn::kMaxTradesLimit));
  simple(tn::control_cmd::balance, "free quote currency and each held asset at its last price");
  auto fetch_data = tn::add_fetch_data_command(app);  // local: no node involved

  if (auto rc = tn::cli::parse(app, argc, argv)) return *rc;
  if (tn::fetch_data_chosen(*fetch_data)) return tn::run_fetch_data(*fetch_data);
  if (opt.entries_only) req.args[tn::control_arg::entries_only] = "1";
  if (opt.days > 0) req.args[tn::control_arg::days] = std::to_string(opt.days);
  if (!opt.asset_class.empty()) req.args[tn::control_arg::asset_class] = opt.asset_class;
  if (!opt.date.empty()) req.args[tn::control_arg::date] = opt.date;
  if (!opt.symbol.empty()) req.args[tn::control_arg::symbol] = opt.symbol;
  // A close's id is made of this time and the symbol: the request, sent
  // again, sells nothing more.
  if (req.command == tn::control_cmd::close) req.args[tn::control_arg::at_ms] = std::to_string(tn::wall_clock_ms());
  if (!opt.since.empty()) req.args[tn::control_arg::since] = opt.since;
  if (opt.limit > 0) req.args[tn::control_arg::limit] = std::to_string(opt.limit);
  return run(opt, std::move(req));
}
