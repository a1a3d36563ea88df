// [node] role and [cluster]: a good cluster config loads, the shard of a
// symbol is a stable hash (same number on every machine) or the explicit
// assignment, and every mistake is an error naming the key.
#define BOOST_TEST_MODULE cluster_config
#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.hpp"

using namespace tn;

namespace {

const std::string kWatch =
    "[watchlist.BTCUSDT.1d]\n[watchlist.ETHUSDT.1d]\n[watchlist.SOLUSDT.1d]\n";
const std::string kTrading =
    "[node]\nmode = \"replay\"\nrole = \"trading\"\n"
    "[cluster]\nlisten_port = 7400\nshard_count = 2\npeers = [\"data-a\", \"data-b\"]\n";
const std::string kData =
    "[node]\nmode = \"replay\"\nrole = \"data\"\n"
    "[cluster]\ntrading_port = 7400\nshard_count = 2\nshard_index = 1\n";

std::string error_of(const std::string& text) {
  auto r = parse_config(text, "c.toml");
  return r.ok() ? "" : r.error().message;
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_CASE(default_role_is_all_without_cluster) {
  auto c = parse_config(kWatch, "c.toml");
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->cluster.role == "all");
  BOOST_TEST(!c->cluster.clustered());
}

BOOST_AUTO_TEST_CASE(trading_and_data_nodes_load) {
  auto t = parse_config(kTrading + kWatch, "t.toml");
  BOOST_REQUIRE_MESSAGE(t.ok(), (t.ok() ? std::string() : t.error().message));
  BOOST_TEST(t->cluster.role == "trading");
  BOOST_TEST(t->cluster.listen_host == "127.0.0.1");
  BOOST_TEST(t->cluster.listen_port == 7400);
  BOOST_TEST(t->cluster.peers.size() == 2u);
  auto d = parse_config(kData + kWatch, "d.toml");
  BOOST_REQUIRE_MESSAGE(d.ok(), (d.ok() ? std::string() : d.error().message));
  BOOST_TEST(d->cluster.shard_index == 1u);
  BOOST_TEST(d->cluster.trading_port == 7400);
}

BOOST_AUTO_TEST_CASE(fnv1a_is_the_published_function) {
  // Reference values of 32-bit FNV-1a (offset basis 2166136261, prime 16777619).
  BOOST_TEST(fnv1a32("") == 2166136261u);
  BOOST_TEST(fnv1a32("a") == 0xe40c292cu);
  BOOST_TEST(fnv1a32("foobar") == 0xbf9cf968u);
}

BOOST_AUTO_TEST_CASE(explicit_assignment_wins_over_the_hash) {
  auto c = parse_config(kTrading + "[cluster.assign]\nBTCUSDT = 1\nETHUSDT = 0\n" + kWatch, "t.toml");
  BOOST_REQUIRE_MESSAGE(c.ok(), (c.ok() ? std::string() : c.error().message));
  BOOST_TEST(shard_of_symbol(c->cluster, "BTCUSDT") == 1u);
  BOOST_TEST(shard_of_symbol(c->cluster, "ETHUSDT") == 0u);
  BOOST_TEST(shard_of_symbol(c->cluster, "SOLUSDT") == fnv1a32("SOLUSDT") % 2);
}

BOOST_AUTO_TEST_CASE(fingerprint_changes_with_the_layout) {
  ClusterConfig c;
  c.shard_count = 2;
  const auto a = cluster_fingerprint(c, {"BTCUSDT:1d", "ETHUSDT:1d"}, {0, 1});
  BOOST_TEST(a == cluster_fingerprint(c, {"BTCUSDT:1d", "ETHUSDT:1d"}, {0, 1}));
  BOOST_TEST(a != cluster_fingerprint(c, {"BTCUSDT:1d", "ETHUSDT:1d"}, {1, 0}));
  BOOST_TEST(a != cluster_fingerprint(c, {"BTCUSDT:1d", "ETHUSDT:4h"}, {0, 1}));
  c.shard_count = 3;
  BOOST_TEST(a != cluster_fingerprint(c, {"BTCUSDT:1d", "ETHUSDT:1d"}, {0, 1}));
}

BOOST_AUTO_TEST_CASE(bad_configs_name_the_key) {
  const auto replace = [](std::string s, const std::string& from, const std::string& to) {
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  struct Case { std::string text, needle; };
  const Case cases[] = {
      {replace(kTrading, "\"trading\"", "\"banana\""), "node.role"},
      {"[node]\nmode = \"replay\"\nrole = \"data\"\n" + kWatch, "needs a [cluster] section"},
      {replace(kTrading, "mode = \"replay\"", "mode = \"backtest\""), "node.role"},
      {replace(kTrading, "listen_port = 7400\n", ""), "cluster.listen_port' is required"},
      {replace(kTrading, "listen_port = 7400", "listen_port = 70000"), "cluster.listen_port' must be in"},
      {replace(kTrading, "listen_port = 7400", "listen_port = \"x\""), "cluster.listen_port' must be an integer"},
      {replace(kTrading, "peers = [\"data-a\", \"data-b\"]\n", ""), "cluster.peers' is required"},
      {replace(kTrading, "\"data-b\"", "\"bad name\""), "cluster.peers'"},
      {replace(kTrading, "\"data-b\"", "3"), "cluster.peers' must hold only strings"},
      {replace(kTrading, "listen_port", "listen_host = \"0.0.0.0\"\nlisten_port"), "cluster.listen_host' is not loopback"},
      {replace(kData, "trading_port = 7400\n", ""), "cluster.trading_port' is required"},
      {replace(kData, "shard_index = 1\n", ""), "cluster.shard_index' is required"},
      {replace(kData, "shard_index = 1", "shard_index = 2"), "cluster.shard_index' must be in [0, 1]"},
      {replace(kData, "shard_count = 2", "shard_count = 0"), "cluster.shard_count' must be in"},
      {replace(kData, "trading_port", "trading_host = \"10.0.0.5\"\ntrading_port"), "cluster.trading_host' is not loopback"},
      {replace(kData, "trading_port", "tls = true\ntrading_port"), "cluster.tls_certificate' is required"},
      {replace(kData, "trading_port", "colour = 1\ntrading_port"), "unknown key 'cluster.colour'"},
      {replace(kData, "trading_port", "link_timeout_ms = 5\ntrading_port"), "cluster.link_timeout_ms' must be in [100"},
      {kTrading + "[cluster.assign]\nBTCUSDT = 2\n" + kWatch, "cluster.assign.BTCUSDT' must be in [0, 1]"},
      {kTrading + "[cluster.assign]\nDOGEUSDT = 0\n" + kWatch, "cluster.assign.DOGEUSDT': no such symbol"},
      {kTrading + "[cluster.assign]\nBTCUSDT = \"one\"\n" + kWatch, "cluster.assign.BTCUSDT' must be an integer"},
  };
  for (const auto& c : cases) {
    const std::string text = c.text.find("[watchlist") == std::string::npos ? c.text + kWatch : c.text;
    const std::string err = error_of(text);
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(has(err, c.needle), "error \"" << err << "\" should contain \"" << c.needle << "\"");
      BOOST_TEST(has(err, "c.toml"));
    }
  }
}

BOOST_AUTO_TEST_CASE(unreadable_tls_files_are_named_at_load) {
  const std::string dir = std::filesystem::temp_directory_path() / ("tn_cluster_cfg_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/t.toml";
  std::ofstream(path) << kTrading << "tls = true\ntls_certificate = \"missing.pem\"\ntls_key = \"k.pem\"\n"
                      << "tls_cafile = \"ca.pem\"\n" << kWatch;
  auto r = load_config(path);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(has(r.error().message, "cluster.tls_certificate': cannot read '" + dir + "/missing.pem'"),
             r.error().message);
  std::filesystem::remove_all(dir);
}
