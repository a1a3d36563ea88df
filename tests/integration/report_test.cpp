#define BOOST_TEST_MODULE integration_report
// `tradernode backtest --report` of both strategies on the bundled data: the
// page shows summary.json's figures, stays small however many trades, and
// an output folder never keeps another run's files.
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "notify/templates.hpp"
#include "tests/integration/backtest_common.hpp"

using namespace tn;
using namespace tn::test;
namespace fs = std::filesystem;

namespace {

std::string binance(const std::string& name) { return data_dir() + "/binance/" + name + ".csv"; }

// The streams of config/backtest.toml, the bundled demo.
std::string demo_config() {
  return make_config({{"BTCUSDT", "1d", binance("BTCUSDT-1d")},
                      {"BTCUSDT", "4h", binance("BTCUSDT-4h")},
                      {"ETHUSDT", "1d", binance("ETHUSDT-1d")}});
}

std::string breakout_config() {
  std::vector<StreamSpec> coins;
  for (const char* c : {"BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT"})
    coins.push_back({c, "1d", binance(std::string(c) + "-1d")});
  return make_config(coins) +
         "\n[strategies.breakout.crypto]\n"
         "universe = [\"BTCUSDT\", \"ETHUSDT\", \"BNBUSDT\", \"SOLUSDT\", \"XRPUSDT\"]\n";
}

double num(const nlohmann::json& v) { return v.is_null() ? NAN : v.get<double>(); }

std::string drawdown_text(const nlohmann::json& j) {
  return notify::format_percent(-num(j["max_drawdown"])) + " (" +
         notify::format_date(j["max_drawdown_peak_ms"].get<int64_t>()) + " to " +
         notify::format_date(j["max_drawdown_trough_ms"].get<int64_t>()) + ")";
}

// Every figure of summary.json, formatted as the page formats it, is on the page.
void check_figures(const std::string& html, const nlohmann::json& s) {
  auto shows = [&](const std::string& text) {
    BOOST_TEST(html.find(">" + text + "<") != std::string::npos, "report shows " << text);
  };
  const nlohmann::json& bh = s["buy_and_hold"];
  shows(notify::format_money(num(s["starting_capital"])));
  for (const nlohmann::json* j : {&s, &bh}) {
    shows(notify::format_money(num((*j)["final_value"])));
    shows(notify::format_percent(num((*j)["total_return"])));
    shows(notify::format_percent(num((*j)["cagr"])));
    shows(fmt::format("{:.2f}", num((*j)["sharpe"])));
    shows(drawdown_text(*j));
  }
  shows(std::to_string(s["closed_trades"].get<uint64_t>()));
  shows(notify::format_percent(num(s["win_rate"])));
  shows(s["profit_factor"].is_null() ? "inf (no losing trade)" : fmt::format("{:.2f}", num(s["profit_factor"])));
  double pnl = 0;
  for (const nlohmann::json& sym : s["symbols"]) {
    shows(sym["symbol"].get<std::string>());
    shows(notify::format_money(num(sym["pnl"])));
    pnl += num(sym["pnl"]);
  }
  // Per symbol, the P&L adds up to the whole run's.
  BOOST_TEST(pnl == num(s["final_value"]) - num(s["starting_capital"]), boost::test_tools::tolerance(1e-6));
}

}  // namespace

BOOST_AUTO_TEST_CASE(ma_distance_report_shows_summary_figures_and_stays_small) {
  TempDir t;
  const std::string cfg = t.write("demo.toml", demo_config());
  const std::string out = t.file("out");
  auto r = run_backtest(cfg, out, {"--report"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  const auto s = nlohmann::json::parse(read_file(out + "/summary.json"));
  for (const char* k : {"bars", "trades", "final_equity", "max_drawdown", "bars_per_sec"})  // still there
    BOOST_TEST(s.contains(k), k);
  BOOST_TEST(num(s["final_value"]) == std::stod(s["final_equity"].get<std::string>()), boost::test_tools::tolerance(1e-9));
  BOOST_TEST(num(s["starting_capital"]) == 10000.0);
  BOOST_TEST(s["symbols"].size() == 2u);  // BTCUSDT (two streams) and ETHUSDT
  const std::string html = read_file(out + "/report.html");
  check_figures(html, s);
  // 1,642 fills: the page lists the last 200 and says where the rest are.
  const size_t fills = s["trades"].get<size_t>();
  BOOST_TEST(fills > 1000u);
  BOOST_TEST(html.find("The last 200 of " + notify::format_money(static_cast<double>(fills), 0) +
                       " fills; the full list is in trades.csv.") != std::string::npos);
  BOOST_TEST(fs::file_size(out + "/report.html") < 600'000u);
  BOOST_TEST(html.find("Equity (USDT") != std::string::npos);
  BOOST_TEST(html.find(">2020</text>") != std::string::npos);  // a year tick on the time axis

  // The same folder without --report: no report of the earlier run stays.
  r = run_backtest(cfg, out);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  BOOST_TEST(!fs::exists(out + "/report.html"));
  BOOST_TEST(fs::exists(out + "/summary.json"));
}

BOOST_AUTO_TEST_CASE(breakout_report_and_one_folder_for_both_strategies) {
  TempDir t;
  const std::string cfg = t.write("breakout.toml", breakout_config());
  const std::string out = t.file("out");
  // An MA-distance run first, with a file of the user's own beside it.
  auto r = run_backtest(cfg, out, {"--report"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  t.write("out/notes.txt", "mine");

  r = run_backtest(cfg, out, {"--strategy", "breakout", "--report"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  const auto s = nlohmann::json::parse(read_file(out + "/crypto/breakout_summary.json"));
  for (const char* k : {"win_rate", "average_r", "profit_factor", "max_drawdown", "trades", "wins", "losses",
                        "starting_equity", "final_equity"})  // the fields it always had
    BOOST_TEST(s.contains(k), k);
  BOOST_TEST(s["closed_trades"] == s["trades"]);
  const std::string html = read_file(out + "/crypto/report.html");
  check_figures(html, s);
  BOOST_TEST(html.find("Breakout strategy, crypto") != std::string::npos);
  BOOST_TEST(html.find("breakout_trades.csv") != std::string::npos);
  BOOST_TEST(fs::file_size(out + "/crypto/report.html") < 600'000u);
  // The MA-distance run's files are gone, the user's own file is not.
  for (const char* f : {"trades.csv", "signals.csv", "equity.csv", "summary.json", "report.html", "ledger.lmdb"})
    BOOST_TEST(!fs::exists(out + "/" + f), f);
  BOOST_TEST(read_file(out + "/notes.txt") == "mine");

  // And back: an MA-distance run without --report leaves no breakout folder.
  r = run_backtest(cfg, out);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  BOOST_TEST(!fs::exists(out + "/crypto"));
  BOOST_TEST(!fs::exists(out + "/report.html"));
  BOOST_TEST(fs::exists(out + "/notes.txt"));
}

BOOST_AUTO_TEST_CASE(a_run_that_does_not_start_leaves_the_folder_as_it_was) {
  TempDir t;
  const std::string out = t.file("out");
  auto r = run_backtest(t.write("demo.toml", demo_config()), out, {"--report"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  // A data file that does not load: exit 2 before anything is removed.
  r = run_backtest(t.write("bad.toml", make_config({{"BTCUSDT", "1d", t.write("bad.csv", "not,a,csv\n")}})), out,
                   {"--report"});
  BOOST_TEST(r.exit_code == 2, r.output);
  BOOST_TEST(fs::exists(out + "/report.html"));
  BOOST_TEST(fs::exists(out + "/summary.json"));
}
