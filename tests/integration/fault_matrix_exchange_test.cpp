// The fault matrix, exchange faults: a live node against the loopback fake
// exchange (tests/market/fake_exchange.hpp). BTCUSDT's bars fail at one
// check after another, each time with a different fault (429, 418 ban,
// 500, no answer in time, a cut-off body, invalid JSON, a missing field, a
// wrong type); ETHUSDT is served throughout. The node keeps answering, each
// failed check is one data.error for BTCUSDT and no decision, and when the
// faults end BTCUSDT's history comes in whole: the newest bar of each
// stream is decided exactly once, as in an unfaulted run of the same bars.
#include <boost/test/unit_test.hpp>

#include <set>

#include "tests/integration/fault_matrix_common.hpp"
#include "tests/market/live_node_util.hpp"

using namespace tn;
using namespace tn::test;

namespace {

// Tiny thresholds: the newest bar is surely a signal, so "decided once" shows.
const std::vector<StreamSpec> kStreams{{"BTCUSDT", "1h", "", 20, -0.0001, 0.0001},
                                       {"ETHUSDT", "1h", "", 20, -0.0001, 0.0001}};

// No cache (every check asks the exchange), two attempts, short waits.
std::string sources_at(const FakeExchange& fx) {
  return "[sources]\ncache_path = \"\"\n[sources.binance]\nbase_url = \"" + fx.base_url() +
         "\"\nmax_attempts = 2\nbackoff_initial_ms = 10\nbackoff_max_ms = 50\ntimeout_ms = 400\n"
         "max_retry_after_ms = 3000\n";
}

void load_exchange(FakeExchange& fx, int64_t now) {
  for (const auto& s : kStreams)
    fx.add_series(s.symbol, kLiveHourMs,
                  recent_hourly_bars(data_dir() + "/binance/" + s.symbol + "-1h.csv", 200, now));
}

// The decisions of a finished node: "symbol bar_close side" per signal event.
std::multiset<std::string> decisions(const std::vector<LoggedEvent>& log) {
  std::multiset<std::string> out;
  for (const auto& e : log)
    if (e.type.rfind("signal.", 0) == 0)
      out.insert(e.body["symbol"].get<std::string>() + " " + e.body["close_time_ms"].dump() +
                 " " + e.type + " " + e.body["decision"].get<std::string>());
  return out;
}

size_t errors_for(const std::vector<LoggedEvent>& log, const std::string& stream) {
  size_t n = 0;
  for (const auto& e : log) n += e.type == "data.error" && e.body["stream"] == stream;
  return n;
}

struct Step {
  const char* name;
  Fault fault;
  int times;  // requests it spoils: every attempt of one check
  int retry_after_s;
};

}  // namespace

BOOST_AUTO_TEST_CASE(exchange_faults_cost_one_check_of_one_stream_and_the_node_recovers) {
  const int64_t now = wall_clock_ms();
  FakeExchangeOptions fo;
  fo.data_dir = data_dir();
  fo.stall_ms = 1500;  // "no answer": well past the node's 400 ms timeout
  TempDir t;

  // Reference: an unfaulted live node on the same bars.
  std::multiset<std::string> reference;
  {
    FakeExchange fx(fo);
    load_exchange(fx, now);
    std::filesystem::create_directories(t.path() + "/ref");
    NodeSetup n = make_live_node(t.path() + "/ref", kStreams, sources_at(fx));
    Child node = start_and_wait(n);
    BOOST_REQUIRE(wait_for([&] { return decisions(read_log(n.db)).size() >= 2; }, std::chrono::seconds(15)));
    BOOST_REQUIRE(ctl(n, {"stop"}).exit_code == 0);
    BOOST_REQUIRE_EQUAL(wait_process(node, std::chrono::seconds(30)).exit_code, 0);
    reference = decisions(read_log(n.db));
  }
  BOOST_REQUIRE_EQUAL(reference.size(), 2u);

  FakeExchange fx(fo);
  load_exchange(fx, now);
  const std::vector<Step> steps{
      {"429", Fault::http429, 2, 0},          {"418 ban", Fault::http418, 2, 1},
      {"500", Fault::http500, 2, 0},          {"timeout", Fault::timeout, 2, 0},
      {"truncated", Fault::truncated, 2, 0},  {"invalid json", Fault::invalid_json, 1, 0},
      {"missing field", Fault::missing_field, 1, 0}, {"wrong type", Fault::wrong_type, 1, 0}};
  fx.inject("binance", "BTCUSDT", steps[0].fault, steps[0].times, steps[0].retry_after_s);
  NodeSetup n = make_live_node(t.path(), kStreams, sources_at(fx));
  Child node = start_and_wait(n);  // its first check meets the first fault
  uint64_t injected = static_cast<uint64_t>(steps[0].times);
  for (size_t i = 0; i < steps.size(); ++i) {
    BOOST_TEST_CONTEXT("fault " << steps[i].name) {
      if (i > 0) {
        fx.inject("binance", "BTCUSDT", steps[i].fault, steps[i].times, steps[i].retry_after_s);
        injected += static_cast<uint64_t>(steps[i].times);
        BOOST_REQUIRE(ctl(n, {"run-now"}).exit_code == 0);
      }
      BOOST_TEST(wait_for([&] { return errors_for(read_log(n.db), "BTCUSDT:1h") >= i + 1; },
                          std::chrono::seconds(15)));
      BOOST_TEST(fx.counts("binance").faults == injected);  // every spoiled answer was asked for
      auto s = node_status(n);                                // still answering
      BOOST_TEST(s["mode"] == "live");
    }
  }
  // The faults are over: the next check brings BTCUSDT's history and decides its newest bar.
  BOOST_REQUIRE(ctl(n, {"run-now"}).exit_code == 0);
  BOOST_TEST(wait_for([&] { return decisions(read_log(n.db)).size() >= 2; }, std::chrono::seconds(15)));
  // And nothing new after that: once the check is out (status counts it), a
  // graceful stop decides it before the node ends, so the log compared
  // below holds whatever it decided.
  const uint64_t checks = node_status(n)["signal_checks"].get<uint64_t>();
  BOOST_REQUIRE(ctl(n, {"run-now"}).exit_code == 0);
  BOOST_TEST(wait_for([&] { return node_status(n)["signal_checks"].get<uint64_t>() > checks; },
                      std::chrono::seconds(15)));
  verify_running(n);
  BOOST_REQUIRE(ctl(n, {"stop"}).exit_code == 0);
  auto end = wait_process(node, std::chrono::seconds(30));
  BOOST_REQUIRE_MESSAGE(end.exit_code == 0, end.output);

  const auto log = read_log(n.db);
  BOOST_TEST(errors_for(log, "BTCUSDT:1h") == steps.size());
  BOOST_TEST(errors_for(log, "ETHUSDT:1h") == 0u);
  for (const auto& e : log)
    if (e.type == "data.error") BOOST_TEST_MESSAGE(e.body.dump());
  BOOST_TEST(decisions(log) == reference, boost::test_tools::per_element());
  BOOST_TEST(ledger_fills(n.db, "acct-1").size() <= 2u);
  verify_offline(n.db, "acct-1");
  BOOST_TEST(fx.counts("binance").violations == 0u);
}
