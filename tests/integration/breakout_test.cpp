#define BOOST_TEST_MODULE integration_breakout
// The daily breakout recommendations end to end: `tradernode backtest
// --strategy breakout` on the bundled real daily data, and a running node's
// `traderctl run-signals-now` (stored, published, idempotent).
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "tests/integration/node_common.hpp"

using namespace tn;
using namespace tn::test;

namespace {

const std::vector<std::string> kCoins{"BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT"};

std::vector<StreamSpec> daily_coins() {
  std::vector<StreamSpec> out;
  for (const auto& s : kCoins) out.push_back({s, "1d", data_dir() + "/binance/" + s + "-1d.csv"});
  return out;
}

const std::string kCryptoTable =
    "\n[strategies.breakout.crypto]\n"
    "universe = [\"BTCUSDT\", \"ETHUSDT\", \"BNBUSDT\", \"SOLUSDT\", \"XRPUSDT\"]\n";

struct Backtested {
  nlohmann::json summary;
  std::vector<std::vector<std::string>> trades;
};

Backtested backtest_crypto(const std::string& dir, const std::string& out) {
  const std::string cfg = dir + "/breakout.toml";
  std::ofstream(cfg) << make_config(daily_coins()) + kCryptoTable;
  auto r = run_backtest(cfg, out, {"--strategy", "breakout"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  return {nlohmann::json::parse(read_file(out + "/crypto/breakout_summary.json")),
          read_csv(out + "/crypto/breakout_trades.csv")};
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_breakout_backtest_writes_consistent_results_and_a_rerun_is_identical) {
  TempDir t;
  const Backtested a = backtest_crypto(t.path(), t.path() + "/a");
  const nlohmann::json& s = a.summary;
  for (const char* k : {"win_rate", "average_r", "profit_factor", "max_drawdown", "trades", "wins", "losses"})
    BOOST_TEST(s.contains(k), k);
  const double trades = s["trades"], wins = s["wins"], losses = s["losses"];
  BOOST_TEST(trades > 10);  // five coins over ~5 years break out many times
  BOOST_TEST(wins + losses == trades);
  BOOST_TEST(a.trades.size() == static_cast<size_t>(trades) + 1);  // header + one row per trade
  BOOST_TEST(double(s["win_rate"]) == wins / trades, boost::test_tools::tolerance(1e-5));  // 6 decimals
  BOOST_TEST(double(s["max_drawdown"]) >= 0.0);
  BOOST_TEST(double(s["max_drawdown"]) < 1.0);
  // Average R and profit factor recomputed from the trade rows.
  const auto& head = a.trades.front();
  const auto col = [&](const std::string& name) {
    return static_cast<size_t>(std::find(head.begin(), head.end(), name) - head.begin());
  };
  const size_t r_col = col("r_multiple"), pnl_col = col("pnl");
  BOOST_REQUIRE(r_col < head.size());
  BOOST_REQUIRE(pnl_col < head.size());
  double r_sum = 0, gain = 0, loss = 0;
  for (size_t i = 1; i < a.trades.size(); ++i) {
    r_sum += std::stod(a.trades[i][r_col]);
    const double pnl = std::stod(a.trades[i][pnl_col]);
    (pnl > 0 ? gain : loss) += std::abs(pnl);
  }
  BOOST_TEST(double(s["average_r"]) == r_sum / trades, boost::test_tools::tolerance(1e-4));
  if (loss > 0) BOOST_TEST(double(s["profit_factor"]) == gain / loss, boost::test_tools::tolerance(1e-4));

  const Backtested b = backtest_crypto(t.path(), t.path() + "/b");
  for (const char* f : {"breakout_summary.json", "breakout_trades.csv", "breakout_equity.csv"})
    BOOST_TEST((read_file(t.path() + "/a/crypto/" + f) == read_file(t.path() + "/b/crypto/" + f)), f);
}

BOOST_AUTO_TEST_CASE(a_universe_symbol_without_data_is_a_clear_error) {
  TempDir t;
  const std::string cfg = t.path() + "/breakout.toml";
  std::ofstream(cfg) << make_config(daily_coins()) +
                            "\n[strategies.breakout.equity]\nuniverse = [\"AAPL\", \"MSFT\"]\n";
  const std::string aapl = "AAPL:1d=" + data_dir() + "/equities/AAPL-1d.csv";
  auto r = run_backtest(cfg, t.path() + "/out", {"--strategy", "breakout", "--asset-class", "equity", "--data", aapl});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.output.find("no daily data for MSFT") != std::string::npos, r.output);
  // With both files given (equities are not watchlist streams of a USDT
  // account: --data is how they come in), it runs over the real bars.
  auto ok = run_backtest(cfg, t.path() + "/out2",
                         {"--strategy", "breakout", "--asset-class", "equity", "--data", aapl, "--data",
                          "MSFT:1d=" + data_dir() + "/equities/MSFT-1d.csv"});
  BOOST_REQUIRE_MESSAGE(ok.exit_code == 0, ok.output);
  const auto s = nlohmann::json::parse(read_file(t.path() + "/out2/equity/breakout_summary.json"));
  BOOST_TEST(int(s["trades"]) > 10);
}

BOOST_AUTO_TEST_CASE(run_signals_now_stores_and_publishes_recommendations_once) {
  TempDir t;
  // A day the backtest took a trade on: its id is the recommendation's.
  const Backtested bt = backtest_crypto(t.path(), t.path() + "/bt");
  BOOST_REQUIRE(bt.trades.size() > 1);
  const std::string id = bt.trades[1][0];  // "YYYY-MM-DD:SYMBOL:breakout_..."
  const std::string date = id.substr(0, 10);

  NodeSetup n = make_node(t.path(), daily_coins(), 1000);  // slow replay: the node stays up
  std::ofstream(n.config, std::ios::app) << kCryptoTable;
  Child node = start_node(n);
  BOOST_REQUIRE(wait_control(n));

  auto first = ctl(n, {"run-signals-now", "--asset-class", "crypto", "--date", date});
  BOOST_REQUIRE_MESSAGE(first.exit_code == 0, first.output);
  const auto a = nlohmann::json::parse(first.output);
  BOOST_TEST(a["date"] == date);
  BOOST_TEST(a["asset_class"] == "crypto");
  BOOST_TEST(int(a["signals"]) >= 1);
  const std::vector<std::string> ids = a["recommendations"];
  BOOST_TEST((std::find(ids.begin(), ids.end(), id) != ids.end()), first.output);
  BOOST_TEST(size_t(a["written"]) == ids.size());

  auto second = ctl(n, {"run-signals-now", "--asset-class", "crypto", "--date", date});
  BOOST_REQUIRE_MESSAGE(second.exit_code == 0, second.output);
  const auto b = nlohmann::json::parse(second.output);
  BOOST_TEST(b["recommendations"] == a["recommendations"]);
  BOOST_TEST(int(b["written"]) == 0);

  auto bad = ctl(n, {"run-signals-now", "--asset-class", "equity"});
  BOOST_TEST(bad.exit_code == 1);  // no equity table: the node says so
  BOOST_TEST(ctl(n, {"stop"}).exit_code == 0);
  auto done = wait_process(node, std::chrono::seconds(60));
  BOOST_REQUIRE_MESSAGE(done.exit_code == 0, done.output);

  std::vector<std::string> published;
  size_t summaries = 0;
  for (const auto& e : read_log(n.db)) {
    if (e.type == "recommendation.new") published.push_back(e.body["id"]);
    if (e.type == "market.summary") ++summaries;
  }
  BOOST_TEST(published == ids, boost::test_tools::per_element());
  BOOST_TEST(summaries == 1u);
}
