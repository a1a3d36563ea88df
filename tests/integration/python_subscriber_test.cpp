#define BOOST_TEST_MODULE integration_python_subscriber
#include <boost/test/unit_test.hpp>

#include <zmq.hpp>

#include "tests/integration/backtest_common.hpp"

using namespace tn::test;

// The README promises that a Python program with pyzmq and msgpack can read
// the stream from the README alone: this runs that program against a backtest.
BOOST_AUTO_TEST_CASE(readme_python_subscriber_reads_every_trade) {
  TempDir t;
  int port;
  {
    zmq::context_t ctx;
    zmq::socket_t s(ctx, zmq::socket_type::pub);
    s.bind("tcp://127.0.0.1:*");
    std::string ep = s.get(zmq::sockopt::last_endpoint);
    port = std::stoi(ep.substr(ep.rfind(':') + 1));
  }
  const std::string ep = "tcp://127.0.0.1:" + std::to_string(port);
  std::string text = make_config({{"BTCUSDT", "1d", data_dir() + "/binance/BTCUSDT-1d.csv"}}, "",
                                 "wait_subscribers = 1\nwait_ms = 30000\n");
  text.replace(text.find("tcp://127.0.0.1:0"), 17, ep);
  auto cfg = t.write("c.toml", text);
  Child py = spawn_process({"/usr/bin/python3", source_dir() + "/tests/integration/python_subscriber.py", ep});
  auto node = run_backtest(cfg, t.file("out"), {"--publish"});
  auto sub = wait_process(py, std::chrono::seconds(60));
  BOOST_REQUIRE_MESSAGE(node.exit_code == 0, node.output);
  BOOST_REQUIRE_MESSAGE(sub.exit_code == 0, sub.output);
  auto trades = read_csv(t.file("out/trades.csv"));
  size_t fills = 0;
  std::istringstream in(sub.output);
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string seq, type, side, qty, symbol, price;
    f >> seq >> type >> side >> qty >> symbol >> price;
    if (type != "trade.fill") continue;
    ++fills;
    BOOST_REQUIRE(fills < trades.size());
    // Same trade, same numbers as trades.csv (side, quantity, symbol).
    BOOST_TEST(side == trades[fills][3]);
    BOOST_TEST(qty == trades[fills][5]);
    BOOST_TEST(symbol == "BTCUSDT");
  }
  BOOST_TEST(fills == trades.size() - 1, sub.output.substr(0, 500));
}
