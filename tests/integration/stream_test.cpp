#define BOOST_TEST_MODULE integration_stream
#include <boost/test/unit_test.hpp>

#include <zmq.hpp>

#include "messages/envelope.hpp"
#include "messages/events.hpp"
#include "tests/integration/backtest_common.hpp"

using namespace tn;
using namespace tn::test;

namespace {
// A free loopback port: bind to an ephemeral one, note it, release it.
int free_port() {
  zmq::context_t ctx;
  zmq::socket_t s(ctx, zmq::socket_type::pub);
  s.bind("tcp://127.0.0.1:*");
  std::string ep = s.get(zmq::sockopt::last_endpoint);
  return std::stoi(ep.substr(ep.rfind(':') + 1));
}
}  // namespace

BOOST_AUTO_TEST_CASE(subscribers_receive_every_event_of_a_backtest) {
  TempDir t;
  const std::string ep = "tcp://127.0.0.1:" + std::to_string(free_port());
  std::string text = make_config({{"BTCUSDT", "1d", data_dir() + "/binance/BTCUSDT-1d.csv"},
                                  {"ETHUSDT", "1d", data_dir() + "/binance/ETHUSDT-1d.csv"}},
                                 "", "wait_subscribers = 2\nwait_ms = 20000\n");
  text.replace(text.find("tcp://127.0.0.1:0"), 17, ep);
  text += "[backtest]\npublish = true\n";  // a backtest binds no port unless asked
  auto cfg = t.write("c.toml", text);
  // The node waits (bounded) for two subscribers: this test's own SUB socket
  // and a tradersub that only wants trade events.
  Child node = spawn_process({tradernode_bin(), "backtest", "--config", cfg, "--out", t.file("out")});
  Child sub = spawn_process({build_dir() + "/tools/tradersub", "--endpoint", ep, "--topic", "trade.",
                             "--timeout-ms", "4000"});
  zmq::context_t ctx;
  zmq::socket_t s(ctx, zmq::socket_type::sub);
  s.set(zmq::sockopt::subscribe, "");
  s.connect(ep);

  std::vector<EnvelopeHeader> seen;
  size_t fills = 0, bodies_ok = 0;
  // Bounded, and generous: it ends at node.stop (a TSan-built backtest beside
  // another test took over 60 s).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240);
  while (std::chrono::steady_clock::now() < deadline) {
    zmq::pollitem_t items[] = {{static_cast<void*>(s), 0, ZMQ_POLLIN, 0}};
    zmq::poll(items, 1, std::chrono::milliseconds(500));
    if (!(items[0].revents & ZMQ_POLLIN)) continue;
    zmq::message_t topic, env;
    BOOST_REQUIRE(s.recv(topic));
    BOOST_REQUIRE(topic.more());
    BOOST_REQUIRE(s.recv(env));
    auto d = decode_envelope(std::string_view(env.data<char>(), env.size()));
    if (!d.ok()) BOOST_FAIL(d.error().to_string());
    BOOST_TEST(d->header.type == topic.to_string());
    if (d->header.type == topic::trade_fill) {
      ++fills;
      auto te = d->body.get().as<TradeEvent>();
      bodies_ok += te.account == "acct-1" && (te.side == "BUY" || te.side == "SELL") && te.price > 0;
    }
    seen.push_back(d->header);
    if (d->header.type == topic::node_stop) break;
  }
  auto node_r = wait_process(node, std::chrono::seconds(30));
  auto sub_r = wait_process(sub, std::chrono::seconds(30));
  BOOST_REQUIRE_MESSAGE(node_r.exit_code == 0, node_r.output);
  BOOST_REQUIRE(seen.size() > 10u);
  BOOST_TEST(seen.front().type == topic::node_start);
  BOOST_TEST(seen.back().type == topic::node_stop);
  for (size_t i = 0; i < seen.size(); ++i) {
    BOOST_TEST(seen[i].seq == i + 1, "seq gap at " << i);
    BOOST_TEST(seen[i].node == "test-node");
    BOOST_TEST(seen[i].v == 1u);
  }
  const size_t trades = read_csv(t.file("out/trades.csv")).size() - 1;
  BOOST_TEST(fills == trades);
  BOOST_TEST(bodies_ok == fills);
  // tradersub printed one JSON line per trade event (fills and rejections).
  size_t lines = 0, fill_lines = 0;
  std::istringstream in(sub_r.output);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("{\"v\":", 0) != 0 && line.find("\"seq\"") == std::string::npos) continue;
    ++lines;
    fill_lines += line.find("\"type\":\"trade.fill\"") != std::string::npos;
    BOOST_TEST(line.find("\"type\":\"trade.") != std::string::npos, line);
  }
  BOOST_TEST(fill_lines == trades, sub_r.output.substr(0, 2000));
  // The other event types are filtered out, not lost: no gap warning.
  BOOST_TEST(sub_r.output.find("\"warning\":\"gap\"") == std::string::npos, sub_r.output.substr(0, 2000));
  BOOST_TEST(lines >= fill_lines);
}
