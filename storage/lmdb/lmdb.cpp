#include "storage/lmdb/lmdb.hpp"

#include <lmdb.h>

#include <cstdio>
#include <type_traits>

namespace tn::lmdb {

static_assert(std::is_same_v<decltype(Table::dbi), MDB_dbi>, "Table::dbi must hold an MDB_dbi");

namespace {

MDB_val to_val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
std::string_view to_view(const MDB_val& v) { return {static_cast<const char*>(v.mv_data), v.mv_size}; }

std::string mib(size_t bytes) {
  constexpr size_t kMiB = 1u << 20;
  if (bytes % kMiB == 0) return std::to_string(bytes / kMiB);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(bytes) / kMiB);
  return buf;
}

}  // namespace

// ---- Env -------------------------------------------------------------------

Env::~Env() {
  if (env_) mdb_env_close(env_);
}

Status Env::open(const EnvOptions& o) {
  if (env_) return make_error(Errc::internal, "LMDB environment '" + path_ + "' opened twice");
  path_ = o.path;
  label_ = o.label;
  map_full_hint_ = o.map_full_hint;
  // From here on env_ is ours: a failed open still needs mdb_env_close.
  if (int rc = mdb_env_create(&env_); rc != 0) return error(rc, label_, "creating the LMDB environment");
  if (int rc = mdb_env_set_mapsize(env_, o.map_size_bytes); rc != 0)
    return error(rc, label_, "setting the map size");
  if (int rc = mdb_env_set_maxdbs(env_, o.max_tables); rc != 0)
    return error(rc, label_, "setting the table count");
  const unsigned flags = MDB_NOTLS | (o.sync ? 0u : unsigned{MDB_NOSYNC}) |
                         (o.meta_sync ? 0u : unsigned{MDB_NOMETASYNC});
  const int rc = mdb_env_open(env_, o.path.c_str(), flags, 0600);
  if (rc == 0) return Status::OK();
  if (rc == MDB_INVALID)
    return make_error(Errc::invalid_input, "'" + o.path + "' does not hold an LMDB database");
  if (rc == MDB_VERSION_MISMATCH)
    return make_error(Errc::schema_version, "'" + o.path +
                                                "' was written by a different LMDB version than " +
                                                MDB_VERSION_STRING);
  if (rc > 0)  // an errno
    return make_error(Errc::io, "cannot open database '" + o.path + "': " + mdb_strerror(rc));
  return error(rc, label_, "opening the database");
}

void Env::clear_stale_readers() {
  int dead = 0;
  if (env_) mdb_reader_check(env_, &dead);
}

size_t Env::map_size() const {
  MDB_envinfo info{};
  if (env_ && mdb_env_info(env_, &info) == 0) return info.me_mapsize;
  return 0;
}

Error Env::error(int rc, std::string_view label, std::string_view context) const {
  const std::string where = std::string(context) + " in '" + path_ + "': ";
  switch (rc) {
    case MDB_MAP_FULL: {
      std::string msg = std::string(label) + " full: LMDB map size (" + mib(map_size()) + " MiB) reached";
      if (!map_full_hint_.empty()) msg += "; " + map_full_hint_;
      return make_error(Errc::storage_full, std::move(msg));
    }
    case MDB_TXN_FULL:
      return make_error(Errc::storage_full, std::string(label) +
                                                ": too much written in one transaction (" +
                                                std::string(context) + ")");
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
      return make_error(Errc::invalid_input, where + "database file is corrupted: " + mdb_strerror(rc));
    case MDB_VERSION_MISMATCH:
      return make_error(Errc::schema_version, where + mdb_strerror(rc));
    case MDB_READERS_FULL:
      return make_error(Errc::busy, where + mdb_strerror(rc));
    case MDB_BAD_VALSIZE:
      return make_error(Errc::invalid_input, where + "key or value too large");
    default: break;
  }
  if (rc > 0)  // an errno
    return make_error(Errc::io, where + mdb_strerror(rc));
  return make_error(Errc::internal, where + mdb_strerror(rc));
}

// ---- transactions ----------------------------------------------------------

Result<std::optional<std::string_view>> Txn::get(Table table, std::string_view key) {
  MDB_val k = to_val(key), v{};
  const int rc = mdb_get(txn_, table.dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<std::string_view>();
  if (rc != 0) return error(rc, "reading " + std::string(table.name));
  return std::optional<std::string_view>(to_view(v));
}

Result<Table> Txn::open_dbi(const char* name, unsigned flags, std::string_view shown_as) {
  MDB_dbi dbi = 0;
  const int rc = mdb_dbi_open(txn_, name, flags, &dbi);
  if (rc == MDB_NOTFOUND)
    return make_error(Errc::not_found, "no table '" + std::string(shown_as) + "' in '" + env_->path() + "'");
  if (rc != 0) return error(rc, "opening table " + std::string(shown_as));
  return Table{dbi, shown_as};
}

Result<Table> Txn::existing_table(const char* name) { return open_dbi(name, 0, name); }

Result<Table> Txn::main_table() { return open_dbi(nullptr, 0, "(main)"); }

Result<ReadTxn> ReadTxn::begin(const Env& env) {
  MDB_txn* txn = nullptr;
  const int rc = mdb_txn_begin(env.env_, nullptr, MDB_RDONLY, &txn);
  if (rc != 0) return env.error(rc, env.label(), "starting a read transaction");
  return ReadTxn(env, txn);
}

ReadTxn::~ReadTxn() {
  if (txn_) mdb_txn_abort(txn_);
}

Result<WriteTxn> WriteTxn::begin(Env& env, std::string_view label) {
  MDB_txn* txn = nullptr;
  const int rc = mdb_txn_begin(env.env_, nullptr, 0, &txn);
  if (rc != 0) return env.error(rc, label, "starting a write transaction");
  return WriteTxn(env, txn, label);
}

WriteTxn::~WriteTxn() {
  if (txn_) mdb_txn_abort(txn_);
}

Result<Table> WriteTxn::open_table(const char* name) { return open_dbi(name, MDB_CREATE, name); }

Status WriteTxn::failed(int rc, std::string_view context) {
  failed_ = true;
  return error(rc, context);
}

Status WriteTxn::put(Table table, std::string_view key, std::string_view value) {
  if (!txn_ || failed_) return make_error(Errc::internal, "write to a failed transaction");
  MDB_val k = to_val(key), v = to_val(value);
  const int rc = mdb_put(txn_, table.dbi, &k, &v, 0);
  if (rc != 0) return failed(rc, "writing " + std::string(table.name));
  return Status::OK();
}

Status WriteTxn::del(Table table, std::string_view key) {
  if (!txn_ || failed_) return make_error(Errc::internal, "write to a failed transaction");
  MDB_val k = to_val(key);
  const int rc = mdb_del(txn_, table.dbi, &k, nullptr);
  if (rc == MDB_NOTFOUND) return Status::OK();
  if (rc != 0) return failed(rc, "deleting from " + std::string(table.name));
  return Status::OK();
}

Status WriteTxn::clear(Table table) {
  if (!txn_ || failed_) return make_error(Errc::internal, "write to a failed transaction");
  const int rc = mdb_drop(txn_, table.dbi, 0);
  if (rc != 0) return failed(rc, "clearing " + std::string(table.name));
  return Status::OK();
}

Status WriteTxn::commit() {
  if (!txn_ || failed_) return make_error(Errc::internal, "commit of a failed transaction");
  const int rc = mdb_txn_commit(std::exchange(txn_, nullptr));  // freed even on failure
  if (rc != 0) return error(rc, "committing");
  return Status::OK();
}

// ---- Cursor ----------------------------------------------------------------

Result<Cursor> Cursor::open(Txn& txn, Table table) {
  MDB_cursor* cur = nullptr;
  const int rc = mdb_cursor_open(txn.txn_, table.dbi, &cur);
  if (rc != 0) return txn.error(rc, "opening a cursor on " + std::string(table.name));
  return Cursor(cur, &txn, table);
}

Cursor::~Cursor() {
  if (cur_) mdb_cursor_close(cur_);
}

Result<std::optional<Cursor::KV>> Cursor::seek(std::string_view key) { return step(Move::seek, key); }
Result<std::optional<Cursor::KV>> Cursor::first() { return step(Move::first, {}); }
Result<std::optional<Cursor::KV>> Cursor::next() { return step(Move::next, {}); }
Result<std::optional<Cursor::KV>> Cursor::prev() { return step(Move::prev, {}); }
Result<std::optional<Cursor::KV>> Cursor::last() { return step(Move::last, {}); }

Result<std::optional<Cursor::KV>> Cursor::step(Move move, std::string_view key) {
  static constexpr MDB_cursor_op kOps[] = {MDB_SET_RANGE, MDB_FIRST, MDB_NEXT, MDB_PREV, MDB_LAST};
  MDB_val k = to_val(key), v{};
  const int rc = mdb_cursor_get(cur_, &k, &v, kOps[static_cast<int>(move)]);
  if (rc == MDB_NOTFOUND) return std::optional<KV>();
  if (rc != 0) return txn_->error(rc, "reading " + std::string(table_.name));
  return std::optional<KV>(KV{to_view(k), to_view(v)});
}

Result<std::optional<Cursor::KV>> last_before(Cursor& c, std::string_view end) {
  auto at = c.seek(end);
  if (!at) return at;
  return *at ? c.prev() : c.last();
}

}  // namespace tn::lmdb
