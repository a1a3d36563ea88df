#pragma once
// Helpers shared by the storage test executables (each is still one .cpp).
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "messages/orders.hpp"
#include "storage/format.hpp"
#include "storage/lmdb/lmdb.hpp"
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

// Writes key -> value into a table through the bare LMDB wrapper, bypassing
// the Store (which must be closed): how the tests plant corrupted records.
inline void raw_put(const std::string& path, const char* table, const std::string& key,
                    const std::string& value, bool create_table = false) {
  lmdb::Env env;
  // map size 0: keep the one the database was made with
  if (Status s = env.open({.path = path, .max_tables = format::kMaxTables}); !s)
    throw std::runtime_error("open: " + s.error().to_string());
  auto wrote = lmdb::try_write(env, "test", [&](lmdb::WriteTxn& txn) -> Status {
    auto t = create_table ? txn.open_table(table) : txn.existing_table(table);
    if (!t) return t.error();
    return txn.put(*t, key, value);
  });
  if (!wrote) throw std::runtime_error("raw_put: " + wrote.error().to_string());
}

}  // namespace tn::storage::test
