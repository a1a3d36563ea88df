#pragma once
// Helpers shared by the storage test executables (each is still one .cpp).
#include <lmdb.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "messages/orders.hpp"
#include "storage/format.hpp"
#include "storage/store.hpp"

namespace tn::storage::test {

// A fresh directory under /tmp, removed with everything in it at scope exit.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/tn_storage_test_XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string sub(const std::string& name) const { return path + "/" + name; }
};

// The error of a Result/Status as text, "" when ok (for BOOST_REQUIRE_MESSAGE).
template <class R>
std::string why(const R& r) {
  return r.ok() ? std::string() : r.error().to_string();
}

inline std::unique_ptr<Store> open_store(const std::string& path, uint64_t map_size = 16u << 20,
                                         const std::string& node = "test-node") {
  OpenOptions o;
  o.path = path;
  o.map_size_bytes = map_size;
  o.durable = false;
  o.node = node;
  auto s = Store::open(o);
  if (!s) throw std::runtime_error("open failed: " + s.error().to_string());
  return std::move(*s);
}

inline OrderRequest order(const std::string& account, const std::string& side, int64_t bar_ms,
                          double price, Amount quote_amount = 0) {
  OrderRequest r;
  r.account = account;
  r.symbol = "BTCUSDT";
  r.base = "BTC";
  r.quote = "USDT";
  r.timeframe = "1d";
  r.side = side;
  r.bar_open_time_ms = bar_ms;
  r.decided_at_ms = bar_ms + 86'400'000;
  r.price = price;
  r.quote_amount = quote_amount;
  r.reason = "test";
  r.order_id = make_order_id(account, bar_ms, r.symbol, r.timeframe, side);
  return r;
}

// Writes key -> value into a table with raw LMDB, bypassing the Store (which
// must be closed): how the tests plant corrupted records.
inline void raw_put(const std::string& path, const char* table, const std::string& key,
                    const std::string& value, bool create_table = false) {
  MDB_env* env = nullptr;
  auto check = [&](int rc, const char* what) {
    if (rc != 0) {
      if (env) mdb_env_close(env);
      throw std::runtime_error(std::string(what) + ": " + mdb_strerror(rc));
    }
  };
  check(mdb_env_create(&env), "create");
  check(mdb_env_set_maxdbs(env, format::kMaxTables), "maxdbs");
  check(mdb_env_open(env, path.c_str(), 0, 0600), "open");
  MDB_txn* txn = nullptr;
  check(mdb_txn_begin(env, nullptr, 0, &txn), "begin");
  MDB_dbi dbi;
  if (int rc = mdb_dbi_open(txn, table, create_table ? MDB_CREATE : 0, &dbi); rc != 0) {
    mdb_txn_abort(txn);
    check(rc, "dbi_open");
  }
  MDB_val k{key.size(), const_cast<char*>(key.data())};
  MDB_val v{value.size(), const_cast<char*>(value.data())};
  if (int rc = mdb_put(txn, dbi, &k, &v, 0); rc != 0) {
    mdb_txn_abort(txn);
    check(rc, "put");
  }
  check(mdb_txn_commit(txn), "commit");
  mdb_env_close(env);
}

}  // namespace tn::storage::test
