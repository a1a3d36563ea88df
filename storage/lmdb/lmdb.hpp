#pragma once
// The project's one LMDB wrapper: an environment, distinct RAII read and
// write transactions, a cursor, and every LMDB return code turned into a
// tn::Error (monero-lws src/lmdb style). It knows nothing of what is stored:
// storage/ keeps the node's records in it, market/ its bar cache.
//
// No LMDB header comes through here (the handles are only declared), so a
// file that includes this one cannot call mdb_* by accident: the calls all
// live in lmdb.cpp.
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/error.hpp"

struct MDB_env;
struct MDB_txn;
struct MDB_cursor;

namespace tn::lmdb {

// A named database of an environment. name is a string literal: errors
// quote it. Valid for the environment's lifetime once its txn committed.
struct Table {
  unsigned int dbi = 0;  // MDB_dbi
  std::string_view name;
};

struct EnvOptions {
  std::string path;             // an existing directory
  // The most the data file may grow to; 0: what the file was made with
  // (LMDB's default for a new one).
  uint64_t map_size_bytes = 0;
  unsigned max_tables = 0;      // named databases the env may hold
  bool sync = true;             // false: no fsync per commit (MDB_NOSYNC)
  bool meta_sync = true;        // false: no fsync of the meta page either (MDB_NOMETASYNC)
  // How errors name this environment ("storage", "market cache") and what
  // a full map tells the user to do ("raise [node] db_map_size_mb").
  std::string label;
  std::string map_full_hint;
};

class Env {
 public:
  Env() = default;
  ~Env();
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  // Opens the environment at o.path with mode 0600. Read transactions are
  // not tied to a thread (MDB_NOTLS): callers move between threads.
  // Errors: invalid_input (not an LMDB file), schema_version (another LMDB
  // version wrote it), io (the OS said no), else as error() below (map
  // full, corrupted file, ...).
  Status open(const EnvOptions& o);
  // Frees reader slots left behind by processes that crashed in a read txn.
  void clear_stale_readers();

  const std::string& path() const { return path_; }
  const std::string& label() const { return label_; }
  // The map size in effect (may exceed the requested one if the file is larger).
  size_t map_size() const;

 private:
  friend class Txn;
  friend class ReadTxn;
  friend class WriteTxn;
  // An LMDB return code as a tn::Error. label names the part that failed
  // ("ledger", "event log"): MDB_MAP_FULL becomes storage_full
  //   "ledger full: LMDB map size (N MiB) reached; <map_full_hint>".
  Error error(int rc, std::string_view label, std::string_view context) const;

  MDB_env* env_ = nullptr;
  std::string path_, label_, map_full_hint_;
};

// Base of both transaction kinds: reads. Must not outlive its Env.
class Txn {
 public:
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;
  const Env& env() const { return *env_; }
  // The stored value (valid until the txn ends) or nullopt if key is absent.
  Result<std::optional<std::string_view>> get(Table table, std::string_view key);
  // The table `name`, which must exist; not_found if it does not.
  Result<Table> existing_table(const char* name);
  // The unnamed database that holds the names of the others.
  Result<Table> main_table();

 protected:
  Txn(const Env& env, MDB_txn* txn, std::string_view label) : env_(&env), txn_(txn), label_(label) {}
  Txn(Txn&& o) noexcept : env_(o.env_), txn_(std::exchange(o.txn_, nullptr)), label_(o.label_) {}
  ~Txn() = default;
  Error error(int rc, std::string_view context) const { return env_->error(rc, label_, context); }
  Result<Table> open_dbi(const char* name, unsigned flags, std::string_view shown_as);

  const Env* env_;
  MDB_txn* txn_;
  std::string_view label_;  // a string literal or the Env's label
  friend class Cursor;
};

// Read-only snapshot; released on scope exit.
class ReadTxn : public Txn {
 public:
  static Result<ReadTxn> begin(const Env& env);
  ReadTxn(ReadTxn&&) noexcept = default;
  ~ReadTxn();

 private:
  ReadTxn(const Env& env, MDB_txn* txn) : Txn(env, txn, env.label()) {}
};

// Read-write transaction: aborted on scope exit unless commit() succeeded.
// label (a string literal) names the writer in errors. After a failed
// write the transaction is poisoned (LMDB requires an abort): further
// writes and commit() fail.
class WriteTxn : public Txn {
 public:
  static Result<WriteTxn> begin(Env& env, std::string_view label);
  WriteTxn(WriteTxn&&) noexcept = default;
  ~WriteTxn();

  // The table `name`, created if missing.
  Result<Table> open_table(const char* name);
  Status put(Table table, std::string_view key, std::string_view value);
  // Deletes key; an absent key is not an error.
  Status del(Table table, std::string_view key);
  // Deletes every entry of table; the table itself stays.
  Status clear(Table table);
  // Commits; the txn is gone either way (LMDB frees it on a failed commit).
  Status commit();

 private:
  WriteTxn(Env& env, MDB_txn* txn, std::string_view label) : Txn(env, txn, label) {}
  Status failed(int rc, std::string_view context);
  bool failed_ = false;
};

// A cursor on one table, closed on scope exit. Must not outlive its txn.
class Cursor {
 public:
  using KV = std::pair<std::string_view, std::string_view>;
  static Result<Cursor> open(Txn& txn, Table table);
  Cursor(Cursor&& o) noexcept
      : cur_(std::exchange(o.cur_, nullptr)), txn_(o.txn_), table_(o.table_) {}
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  ~Cursor();

  // Each returns the entry it lands on, or nullopt past either end.
  Result<std::optional<KV>> seek(std::string_view key);  // first entry with key >= key
  Result<std::optional<KV>> first();
  Result<std::optional<KV>> next();
  Result<std::optional<KV>> prev();
  Result<std::optional<KV>> last();

 private:
  enum class Move { seek, first, next, prev, last };
  Cursor(MDB_cursor* cur, Txn* txn, Table table) : cur_(cur), txn_(txn), table_(table) {}
  Result<std::optional<KV>> step(Move move, std::string_view key);
  MDB_cursor* cur_;
  Txn* txn_;
  Table table_;
};

// The last entry with key < end, if any (end is one past a key range).
Result<std::optional<Cursor::KV>> last_before(Cursor& c, std::string_view end);

// Runs f(WriteTxn&) -> Result<T> or Status in a fresh write transaction:
// commits when f succeeds, aborts when it fails or throws (a throw becomes
// Errc::internal). A full map anywhere (write or commit) comes back as
// storage_full and leaves nothing of the txn behind.
template <class F>
auto try_write(Env& env, std::string_view label, F&& f) -> decltype(f(std::declval<WriteTxn&>())) {
  using R = decltype(f(std::declval<WriteTxn&>()));
  auto txn = WriteTxn::begin(env, label);
  if (!txn) return R(txn.error());
  std::optional<R> r;
  try {
    r.emplace(f(*txn));  // on error, ~WriteTxn aborts
  } catch (const std::exception& e) {
    return R(make_error(Errc::internal, std::string(label) + ": " + e.what()));
  }
  if (!*r) return std::move(*r);
  if (Status s = txn->commit(); !s) return R(s.error());
  return std::move(*r);
}

// Runs f(ReadTxn&) -> Result<T> in a fresh read snapshot.
template <class F>
auto with_read(const Env& env, F&& f) -> decltype(f(std::declval<ReadTxn&>())) {
  using R = decltype(f(std::declval<ReadTxn&>()));
  auto txn = ReadTxn::begin(env);
  if (!txn) return R(txn.error());
  return f(*txn);
}

}  // namespace tn::lmdb
