// The LMDB wrapper on its own (storage/lmdb/): what a write transaction
// leaves behind when it commits, fails or throws, cursor moves, and LMDB's
// return codes as tn::Error (a full map, a missing table, a foreign file).
#define BOOST_TEST_MODULE storage_lmdb
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <stdexcept>

#include "storage/lmdb/lmdb.hpp"
#include "test_util.hpp"

using namespace tn;
using tn::storage::test::TempDir;
using tn::storage::test::why;

namespace {

lmdb::EnvOptions options(const std::string& path, uint64_t map_size = 4u << 20) {
  return {.path = path, .map_size_bytes = map_size, .max_tables = 4, .label = "test env",
          .map_full_hint = "raise the test's map"};
}

// An env at dir with table "kv" holding the given keys (value = key).
struct Fixture {
  TempDir dir;
  lmdb::Env env;
  lmdb::Table kv;
  explicit Fixture(std::initializer_list<std::string_view> keys = {}, uint64_t map_size = 4u << 20) {
    Status opened = env.open(options(dir.path, map_size));
    BOOST_REQUIRE_MESSAGE(opened.ok(), why(opened));
    auto made = lmdb::try_write(env, "setup", [&](lmdb::WriteTxn& t) -> Status {
      auto table = t.open_table("kv");
      if (!table) return table.error();
      kv = *table;
      for (std::string_view k : keys)
        if (Status s = t.put(kv, k, k); !s) return s;
      return Status::OK();
    });
    BOOST_REQUIRE_MESSAGE(made.ok(), why(made));
  }
  std::optional<std::string> read(std::string_view key) {
    auto v = lmdb::with_read(env, [&](lmdb::ReadTxn& t) -> Result<std::optional<std::string>> {
      auto got = t.get(kv, key);
      if (!got) return got.error();
      if (!*got) return std::optional<std::string>();
      return std::optional<std::string>(std::string(**got));
    });
    BOOST_REQUIRE_MESSAGE(v.ok(), why(v));
    return *v;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_write_txn_not_committed_leaves_nothing_behind) {
  Fixture f;
  {
    auto t = lmdb::WriteTxn::begin(f.env, "test");
    BOOST_REQUIRE(t.ok());
    BOOST_REQUIRE(t->put(f.kv, "a", "1").ok());
  }  // scope exit aborts
  BOOST_TEST(!f.read("a").has_value());
  auto t = lmdb::WriteTxn::begin(f.env, "test");
  BOOST_REQUIRE(t.ok());
  BOOST_REQUIRE(t->put(f.kv, "a", "1").ok());
  BOOST_REQUIRE(t->commit().ok());
  BOOST_TEST((f.read("a") == std::optional<std::string>("1")));
}

BOOST_AUTO_TEST_CASE(try_write_commits_on_success_and_rolls_back_on_error_or_throw) {
  Fixture f;
  auto failed = lmdb::try_write(f.env, "test", [&](lmdb::WriteTxn& t) -> Status {
    if (Status s = t.put(f.kv, "a", "1"); !s) return s;
    return make_error(Errc::rejected, "changed my mind");
  });
  BOOST_TEST((failed.error().code == Errc::rejected));
  BOOST_TEST(!f.read("a").has_value());

  auto threw = lmdb::try_write(f.env, "thrower", [&](lmdb::WriteTxn& t) -> Status {
    if (Status s = t.put(f.kv, "a", "1"); !s) return s;
    throw std::runtime_error("boom");
  });
  BOOST_TEST((threw.error().code == Errc::internal));
  BOOST_TEST(threw.error().message == "thrower: boom");
  BOOST_TEST(!f.read("a").has_value());

  auto ok = lmdb::try_write(f.env, "test", [&](lmdb::WriteTxn& t) { return t.put(f.kv, "a", "1"); });
  BOOST_TEST(ok.ok());
  BOOST_TEST((f.read("a") == std::optional<std::string>("1")));
}

BOOST_AUTO_TEST_CASE(a_read_snapshot_does_not_see_later_commits) {
  Fixture f{{"a"}};
  auto snap = lmdb::ReadTxn::begin(f.env);
  BOOST_REQUIRE(snap.ok());
  auto wrote = lmdb::try_write(f.env, "test", [&](lmdb::WriteTxn& t) { return t.put(f.kv, "b", "b"); });
  BOOST_REQUIRE(wrote.ok());
  BOOST_TEST(!snap->get(f.kv, "b")->has_value());
  BOOST_TEST((f.read("b") == std::optional<std::string>("b")));
}

BOOST_AUTO_TEST_CASE(del_and_clear) {
  Fixture f{{"a", "b", "c"}};
  auto r = lmdb::try_write(f.env, "test", [&](lmdb::WriteTxn& t) -> Status {
    if (Status s = t.del(f.kv, "b"); !s) return s;
    return t.del(f.kv, "no such key");  // absent: not an error
  });
  BOOST_REQUIRE_MESSAGE(r.ok(), why(r));
  BOOST_TEST(!f.read("b").has_value());
  BOOST_TEST(f.read("c").has_value());
  r = lmdb::try_write(f.env, "test", [&](lmdb::WriteTxn& t) { return t.clear(f.kv); });
  BOOST_REQUIRE_MESSAGE(r.ok(), why(r));
  BOOST_TEST(!f.read("a").has_value());
  BOOST_TEST(!f.read("c").has_value());
}

BOOST_AUTO_TEST_CASE(cursor_moves_in_key_order_and_stops_at_either_end) {
  Fixture f{{"b", "d", "f"}};
  auto keys = lmdb::with_read(f.env, [&](lmdb::ReadTxn& t) -> Result<std::string> {
    auto c = lmdb::Cursor::open(t, f.kv);
    if (!c) return c.error();
    std::string seen;
    auto key = [&](const Result<std::optional<lmdb::Cursor::KV>>& at) {
      seen += !at ? "!" : !*at ? "-" : std::string((*at)->first);
    };
    key(c->seek("c"));  // d: the first key >= c
    key(c->next());     // f
    key(c->next());     // past the end
    key(c->first());    // b
    key(c->prev());     // before the start
    key(c->last());     // f
    key(c->seek("g"));  // nothing >= g
    key(lmdb::last_before(*c, "d"));  // b: the last key < d
    key(lmdb::last_before(*c, "z"));  // f
    key(lmdb::last_before(*c, "a"));  // none
    return seen;
  });
  BOOST_REQUIRE_MESSAGE(keys.ok(), why(keys));
  BOOST_TEST(*keys == "df-b-f-bf-");
}

BOOST_AUTO_TEST_CASE(a_full_map_is_storage_full_with_the_hint_and_poisons_the_txn) {
  Fixture f({}, 64 * 1024);
  auto t = lmdb::WriteTxn::begin(f.env, "filler");
  BOOST_REQUIRE(t.ok());
  const std::string value(1000, 'x');
  Status s;
  for (int i = 0; s.ok() && i < 1000; ++i) s = t->put(f.kv, "key" + std::to_string(i), value);
  BOOST_REQUIRE(!s.ok());
  BOOST_TEST((s.error().code == Errc::storage_full));
  BOOST_TEST(s.error().message ==
             "filler full: LMDB map size (0.06 MiB) reached; raise the test's map");
  // LMDB requires an abort now: every further write and the commit fail.
  BOOST_TEST((t->put(f.kv, "small", "v").error().code == Errc::internal));
  BOOST_TEST((t->commit().error().code == Errc::internal));
}

BOOST_AUTO_TEST_CASE(a_missing_table_is_not_found_and_the_main_table_names_the_others) {
  Fixture f;
  auto r = lmdb::with_read(f.env, [&](lmdb::ReadTxn& t) -> Result<std::string> {
    auto missing = t.existing_table("nope");
    if (missing) return std::string("found");
    if (missing.error().code != Errc::not_found) return missing.error();
    auto main = t.main_table();
    if (!main) return main.error();
    auto c = lmdb::Cursor::open(t, *main);
    if (!c) return c.error();
    auto first = c->first();
    if (!first) return first.error();
    return *first ? std::string((*first)->first) : std::string("(empty)");
  });
  BOOST_REQUIRE_MESSAGE(r.ok(), why(r));
  BOOST_TEST(*r == "kv");
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_lmdb_or_a_missing_folder_is_refused) {
  TempDir dir;
  std::ofstream(dir.sub("data.mdb")) << std::string(8192, 'j');
  lmdb::Env junk;
  Status s = junk.open(options(dir.path));
  BOOST_REQUIRE(!s.ok());
  BOOST_TEST((s.error().code == Errc::invalid_input));
  lmdb::Env nowhere;
  s = nowhere.open(options(dir.sub("missing")));
  BOOST_REQUIRE(!s.ok());
  BOOST_TEST((s.error().code == Errc::io));
}
