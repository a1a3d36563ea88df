#include "storage/lmdb_env.hpp"

#include <cerrno>
#include <cstdio>

namespace tn::storage::detail {

size_t Env::map_size() const {
  MDB_envinfo info{};
  if (env_ && mdb_env_info(env_, &info) == 0) return info.me_mapsize;
  return 0;
}

namespace {

std::string mib(size_t bytes) {
  constexpr size_t kMiB = 1u << 20;
  if (bytes % kMiB == 0) return std::to_string(bytes / kMiB);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(bytes) / kMiB);
  return buf;
}

}  // namespace

Error lmdb_error(const Core& core, int rc, std::string_view label, std::string_view context) {
  const std::string where = std::string(context) + " in '" + core.path + "': ";
  switch (rc) {
    case MDB_MAP_FULL:
      return make_error(Errc::storage_full,
                        std::string(label) + " full: LMDB map size (" + mib(core.env.map_size()) +
                            " MiB) reached; raise [node] db_map_size_mb");
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

Error corrupt_record(std::string_view table, std::string_view key, const std::string& why) {
  return make_error(Errc::invalid_input, "corrupted record in table '" + std::string(table) +
                                             "', key '" + std::string(key) + "': " + why);
}

Result<std::optional<std::string_view>> Txn::get(MDB_dbi dbi, std::string_view key,
                                                 std::string_view table) {
  MDB_val k = to_val(key), v{};
  const int rc = mdb_get(txn_, dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<std::string_view>();
  if (rc != 0) return error(rc, "reading " + std::string(table));
  return std::optional<std::string_view>(to_view(v));
}

Result<ReadTxn> ReadTxn::begin(Core& core) {
  MDB_txn* txn = nullptr;
  const int rc = mdb_txn_begin(core.env.get(), nullptr, MDB_RDONLY, &txn);
  if (rc != 0) return lmdb_error(core, rc, "storage", "starting a read transaction");
  return ReadTxn(core, txn);
}

Result<WriteTxn> WriteTxn::begin(Core& core, std::string_view label) {
  MDB_txn* txn = nullptr;
  const int rc = mdb_txn_begin(core.env.get(), nullptr, 0, &txn);
  if (rc != 0) return lmdb_error(core, rc, label, "starting a write transaction");
  return WriteTxn(core, txn, label);
}

Status WriteTxn::put(MDB_dbi dbi, std::string_view key, std::string_view value,
                     std::string_view table) {
  if (!txn_ || failed_) return make_error(Errc::internal, "write to a failed transaction");
  MDB_val k = to_val(key), v = to_val(value);
  const int rc = mdb_put(txn_, dbi, &k, &v, 0);
  if (rc != 0) {
    failed_ = true;
    return error(rc, "writing " + std::string(table));
  }
  return Status::OK();
}

Status WriteTxn::del(MDB_dbi dbi, std::string_view key, std::string_view table) {
  if (!txn_ || failed_) return make_error(Errc::internal, "write to a failed transaction");
  MDB_val k = to_val(key);
  const int rc = mdb_del(txn_, dbi, &k, nullptr);
  if (rc == MDB_NOTFOUND) return Status::OK();
  if (rc != 0) {
    failed_ = true;
    return error(rc, "deleting from " + std::string(table));
  }
  return Status::OK();
}

Status WriteTxn::commit() {
  if (!txn_ || failed_) return make_error(Errc::internal, "commit of a failed transaction");
  const int rc = mdb_txn_commit(std::exchange(txn_, nullptr));  // freed even on failure
  if (rc != 0) return error(rc, "committing");
  return Status::OK();
}

Result<Cursor> Cursor::open(Txn& txn, MDB_dbi dbi, std::string_view table) {
  MDB_cursor* cur = nullptr;
  const int rc = mdb_cursor_open(txn.handle(), dbi, &cur);
  if (rc != 0) return txn.error(rc, "opening a cursor on " + std::string(table));
  return Cursor(cur, &txn, table);
}

Result<std::optional<Cursor::KV>> Cursor::step(MDB_cursor_op op, std::string_view key) {
  MDB_val k = to_val(key), v{};
  const int rc = mdb_cursor_get(cur_, &k, &v, op);
  if (rc == MDB_NOTFOUND) return std::optional<KV>();
  if (rc != 0) return txn_->error(rc, "reading " + std::string(table_));
  return std::optional<KV>(KV{to_view(k), to_view(v)});
}

Result<std::optional<Cursor::KV>> last_before(Cursor& c, std::string_view end) {
  auto at = c.seek(end);
  if (!at) return at;
  return *at ? c.prev() : c.last();
}

}  // namespace tn::storage::detail
