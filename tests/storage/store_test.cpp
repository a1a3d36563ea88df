#define BOOST_TEST_MODULE storage_store
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <fstream>

#include "messages/codec.hpp"
#include "test_util.hpp"

using namespace tn;
using namespace tn::storage;
using tn::storage::test::open_store;
using tn::storage::test::order;
using tn::storage::test::raw_put;
using tn::storage::test::TempDir;
using tn::storage::test::why;

namespace {

unsigned mode_of(const std::string& path) {
  struct stat st{};
  BOOST_REQUIRE_EQUAL(::stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

Error open_error(const OpenOptions& o) {
  auto s = Store::open(o);
  BOOST_REQUIRE_MESSAGE(!s.ok(), "open of " + o.path + " should fail");
  BOOST_TEST_MESSAGE(s.error().to_string());
  return s.error();
}

constexpr Amount kUsdt = kAmountScale;

}  // namespace

BOOST_AUTO_TEST_CASE(open_creates_the_directory_and_private_files) {
  TempDir dir;
  const std::string path = dir.sub("a/b/db");  // parents created too
  {
    auto s = open_store(path);
    BOOST_CHECK_EQUAL(s->path(), path);
  }
  BOOST_CHECK_EQUAL(mode_of(path) & 0077, 0u);  // 0700 minus umask: never group/other
  BOOST_CHECK_EQUAL(mode_of(path + "/data.mdb"), 0600u);
  BOOST_CHECK_EQUAL(mode_of(path + "/lock.mdb"), 0600u);
  auto again = open_store(path);  // an existing directory is fine
}

BOOST_AUTO_TEST_CASE(durable_store_works_too) {
  TempDir dir;
  OpenOptions o;
  o.path = dir.sub("db");
  o.durable = true;
  o.map_size_bytes = 1u << 20;
  auto s = Store::open(o);
  BOOST_REQUIRE(s.ok());
  BOOST_CHECK((*s)->state().put("k", "v").ok());
}

BOOST_AUTO_TEST_CASE(unusable_paths_give_io_errors_naming_the_path) {
  TempDir dir;
  const std::string file = dir.sub("plain-file");
  write_file(file, "not a directory");
  OpenOptions o;
  o.path = file + "/db";  // parent is a regular file: fails even for root
  Error e = open_error(o);
  BOOST_CHECK(e.code == Errc::io);
  BOOST_CHECK(contains(e.message, o.path));
  BOOST_CHECK(contains(e.message, "Not a directory"));

  o.path = file;  // the path itself is a regular file
  e = open_error(o);
  BOOST_CHECK(e.code == Errc::io);
  BOOST_CHECK(contains(e.message, file));

  o.path = "";
  BOOST_CHECK(open_error(o).code == Errc::invalid_input);
  o.path = dir.sub("db");
  o.map_size_bytes = 0;
  BOOST_CHECK(open_error(o).code == Errc::invalid_input);
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_lmdb_is_refused) {
  TempDir dir;
  const std::string path = dir.sub("db");
  BOOST_REQUIRE_EQUAL(::mkdir(path.c_str(), 0700), 0);
  write_file(path + "/data.mdb", std::string(8192, 'x'));
  OpenOptions o;
  o.path = path;
  Error e = open_error(o);
  BOOST_CHECK(e.code == Errc::invalid_input);
  BOOST_CHECK(contains(e.message, path));
}

BOOST_AUTO_TEST_CASE(someone_elses_lmdb_database_is_refused_untouched) {
  TempDir dir;
  raw_put(dir.path, "wallet", "k", "v", /*create_table=*/true);
  OpenOptions o;
  o.path = dir.path;
  Error e = open_error(o);
  BOOST_CHECK(e.code == Errc::invalid_input);
  BOOST_CHECK(contains(e.message, "not tradernode's"));
  raw_put(dir.path, "wallet", "k2", "v2");  // still there, still writable
}

BOOST_AUTO_TEST_CASE(newer_schema_version_is_refused_with_both_versions) {
  TempDir dir;
  open_store(dir.path).reset();
  raw_put(dir.path, format::kMeta, format::kSchemaVersionKey, encode(uint32_t{7}));
  OpenOptions o;
  o.path = dir.path;
  Error e = open_error(o);
  BOOST_CHECK(e.code == Errc::schema_version);
  BOOST_CHECK(contains(e.message, "schema version 7"));
  BOOST_CHECK(contains(e.message, "schema version " + std::to_string(format::kSchemaVersion)));
  BOOST_CHECK(contains(e.message, dir.path));
  // Nothing was rewritten: the stored version is still 7.
  BOOST_CHECK(open_error(o).code == Errc::schema_version);
}

BOOST_AUTO_TEST_CASE(garbage_schema_version_is_invalid_input) {
  TempDir dir;
  open_store(dir.path).reset();
  raw_put(dir.path, format::kMeta, format::kSchemaVersionKey, "\xc1junk");
  OpenOptions o;
  o.path = dir.path;
  Error e = open_error(o);
  BOOST_CHECK(e.code == Errc::invalid_input);
  BOOST_CHECK(contains(e.message, format::kMeta));
  BOOST_CHECK(contains(e.message, format::kSchemaVersionKey));
}

BOOST_AUTO_TEST_CASE(corrupted_records_are_errors_naming_table_and_key) {
  TempDir dir;
  const auto good = order("acct", kBuy, 1, 100.0, 20 * kUsdt);
  const auto bad = order("acct", kBuy, 2, 100.0, 20 * kUsdt);
  {
    auto s = open_store(dir.path);
    BOOST_REQUIRE(s->ledger().init_account("acct", "USDT", 1000 * kUsdt).ok());
    BOOST_REQUIRE(s->ledger().apply(good, {}, 1).ok());
  }
  // Garbage under an order id, and a balance that is a string, not an int.
  raw_put(dir.path, format::kOrders, bad.order_id, std::string("\x85\xa1\x00\xff\xc1", 5));
  raw_put(dir.path, format::kBalances, format::balance_key("acct", "BTC"), encode(std::string("x")));
  raw_put(dir.path, format::kTransactions, format::tx_key("other", 1), "\x92");  // truncated array

  auto s = open_store(dir.path);
  Ledger& l = s->ledger();
  auto found = l.find_order(bad.order_id);
  BOOST_REQUIRE(!found.ok());
  BOOST_CHECK(found.error().code == Errc::invalid_input);
  BOOST_CHECK(contains(found.error().message, format::kOrders));
  BOOST_CHECK(contains(found.error().message, bad.order_id));

  auto applied = l.apply(bad, {}, 2);  // the idempotency check reads the garbage
  BOOST_REQUIRE(!applied.ok());
  BOOST_CHECK(applied.error().code == Errc::invalid_input);
  BOOST_CHECK(contains(applied.error().message, bad.order_id));

  auto btc = l.balance("acct", "BTC");
  BOOST_REQUIRE(!btc.ok());
  BOOST_CHECK(btc.error().code == Errc::invalid_input);
  BOOST_CHECK(contains(btc.error().message, format::kBalances));
  BOOST_CHECK(contains(btc.error().message, "acct/BTC"));
  BOOST_CHECK(!l.balances("acct").ok());

  auto other = l.orders("other");
  BOOST_REQUIRE(!other.ok());
  BOOST_CHECK(contains(other.error().message, "other/tx 1"));

  // What is intact still reads, and nothing was written by the failures.
  BOOST_CHECK(l.find_order(good.order_id)->has_value());
  BOOST_CHECK_EQUAL(l.orders("acct")->size(), 1u);
  BOOST_CHECK_EQUAL(*l.balance("acct", "USDT"), 980 * kUsdt);
  BOOST_CHECK_EQUAL(*s->events().last_seq(), 1u);
}

BOOST_AUTO_TEST_CASE(node_state_round_trips_and_persists) {
  TempDir dir;
  const std::string binary("\x00\x01\xff", 3);
  {
    auto s = open_store(dir.path);
    NodeState& st = s->state();
    BOOST_CHECK(!st.get("paused")->has_value());
    BOOST_CHECK(st.put("paused", "1").ok());
    BOOST_CHECK(st.put("paused", "0").ok());  // overwrite
    BOOST_CHECK(st.put("blob", binary).ok());
    BOOST_CHECK(st.put("empty", "").ok());
    BOOST_CHECK(!st.put("", "x").ok());
    BOOST_CHECK(!st.put(std::string(600, 'k'), "x").ok());
    BOOST_CHECK(!st.get("").ok());
  }
  auto s = open_store(dir.path);
  BOOST_CHECK_EQUAL(**s->state().get("paused"), "0");
  BOOST_CHECK_EQUAL(**s->state().get("blob"), binary);
  BOOST_CHECK_EQUAL(**s->state().get("empty"), "");
}
