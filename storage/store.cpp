#include "storage/store.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "messages/codec.hpp"
#include "storage/format.hpp"
#include "storage/lmdb_env.hpp"

namespace tn::storage {

namespace fmt = format;

namespace {

constexpr uint64_t kPage = 4096;

Error io_error(const std::string& what, const std::string& path, int err) {
  return make_error(Errc::io, what + " '" + path + "': " + std::strerror(err));
}

// mkdir -p with mode 0700 for what it creates; an existing directory is
// left as it is.
Status make_dirs(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::OK();
    return make_error(Errc::io, "database path '" + path + "' exists and is not a directory");
  }
  if (errno != ENOENT) return io_error("cannot access database directory", path, errno);
  const auto slash = path.find_last_of('/', path.size() > 1 ? path.size() - 2 : 0);
  if (slash != std::string::npos && slash > 0)
    if (Status s = make_dirs(path.substr(0, slash)); !s) return s;
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
    return io_error("cannot create database directory", path, errno);
  return Status::OK();
}

// Inside the opening write txn: opens (creating) every table and checks or
// writes the schema version. Refuses a newer schema before creating
// anything beyond meta.
Result<bool> open_tables(detail::WriteTxn& txn) {
  auto& t = txn.core().t;
  auto open = [&](const char* name, MDB_dbi& dbi) -> Status {
    const int rc = mdb_dbi_open(txn.handle(), name, MDB_CREATE, &dbi);
    if (rc != 0)
      return detail::lmdb_error(txn.core(), rc, "storage", std::string("opening table ") + name);
    return Status::OK();
  };
  // A fresh env has an empty main table; one with tables but no meta is
  // somebody else's database: refuse it rather than mix ours into it.
  MDB_dbi main = 0;
  if (int rc = mdb_dbi_open(txn.handle(), nullptr, 0, &main); rc != 0)
    return detail::lmdb_error(txn.core(), rc, "storage", "opening the main table");
  auto has_meta = txn.get(main, fmt::kMeta, "(main)");
  if (!has_meta) return has_meta.error();
  if (!*has_meta) {
    auto cur = detail::Cursor::open(txn, main, "(main)");
    if (!cur) return cur.error();
    auto first = cur->first();
    if (!first) return first.error();
    if (*first)
      return make_error(Errc::invalid_input, "'" + txn.core().path +
                                                 "' holds an LMDB database that is not "
                                                 "tradernode's (it has no meta table)");
  }
  if (Status s = open(fmt::kMeta, t.meta); !s) return s.error();
  auto stored = txn.get(t.meta, fmt::kSchemaVersionKey, fmt::kMeta);
  if (!stored) return stored.error();
  if (*stored) {
    auto v = detail::decode_record<uint32_t>(fmt::kMeta, fmt::kSchemaVersionKey, **stored);
    if (!v) return v.error();
    if (*v > fmt::kSchemaVersion)
      return make_error(Errc::schema_version,
                        "database '" + txn.core().path + "' has schema version " +
                            std::to_string(*v) + ", written by a newer tradernode; this build reads " +
                            "schema version " + std::to_string(fmt::kSchemaVersion) + " at most");
    if (*v < fmt::kSchemaVersion)  // no older layout exists yet, so nothing to migrate from
      return make_error(Errc::schema_version, "database '" + txn.core().path +
                                                  "' has schema version " + std::to_string(*v) +
                                                  " and there is no migration to " +
                                                  std::to_string(fmt::kSchemaVersion));
  } else if (Status s = txn.put(t.meta, fmt::kSchemaVersionKey, encode(fmt::kSchemaVersion),
                                fmt::kMeta);
             !s) {
    return s.error();
  }
  for (auto [name, dbi] : {std::pair{fmt::kAccounts, &t.accounts},
                           {fmt::kBalances, &t.balances},
                           {fmt::kOrders, &t.orders},
                           {fmt::kTransactions, &t.transactions},
                           {fmt::kEvents, &t.events},
                           {fmt::kNodeState, &t.node_state},
                           {fmt::kEventChain, &t.event_chain},
                           {fmt::kRecommendations, &t.recommendations},
                           {fmt::kOutbox, &t.outbox}})
    if (Status s = open(name, *dbi); !s) return s.error();
  return true;
}

}  // namespace

Store::Store(std::unique_ptr<detail::Core> core)
    : core_(std::move(core)), ledger_(*core_), events_(*core_), state_(*core_),
      recommendations_(*core_), outbox_(*core_) {}

Store::~Store() = default;

const std::string& Store::path() const { return core_->path; }

Result<std::unique_ptr<Store>> Store::open(const OpenOptions& o) {
  if (o.path.empty()) return make_error(Errc::invalid_input, "database path is empty");
  if (o.map_size_bytes == 0) return make_error(Errc::invalid_input, "database map size is 0");
  if (Status s = make_dirs(o.path); !s) return s.error();

  auto core = std::make_unique<detail::Core>();
  core->path = o.path;
  core->node = o.node;
  core->route_events = o.route_events;
  MDB_env* raw = nullptr;
  if (int rc = mdb_env_create(&raw); rc != 0)
    return detail::lmdb_error(*core, rc, "storage", "creating the LMDB environment");
  core->env.reset(raw);
  const uint64_t map = (o.map_size_bytes + kPage - 1) / kPage * kPage;
  if (int rc = mdb_env_set_mapsize(raw, map); rc != 0)
    return detail::lmdb_error(*core, rc, "storage", "setting the map size");
  if (int rc = mdb_env_set_maxdbs(raw, fmt::kMaxTables); rc != 0)
    return detail::lmdb_error(*core, rc, "storage", "setting the table count");
  // NOTLS: read txns are not tied to a thread (actors move between threads).
  const unsigned flags = MDB_NOTLS | (o.durable ? 0u : unsigned{MDB_NOSYNC});
  if (int rc = mdb_env_open(raw, o.path.c_str(), flags, 0600); rc != 0) {
    if (rc == MDB_INVALID)
      return make_error(Errc::invalid_input, "'" + o.path + "' does not hold an LMDB database");
    if (rc == MDB_VERSION_MISMATCH)
      return make_error(Errc::schema_version,
                        "'" + o.path + "' was written by a different LMDB version than " +
                            MDB_VERSION_STRING);
    if (rc > 0) return io_error("cannot open database", o.path, rc);
    return detail::lmdb_error(*core, rc, "storage", "opening the database");
  }

  // Free reader slots left behind by processes that crashed holding a read txn.
  int dead = 0;
  mdb_reader_check(raw, &dead);

  auto r = detail::try_write(*core, "storage", open_tables);
  if (!r) return r.error();
  return std::unique_ptr<Store>(new Store(std::move(core)));
}

}  // namespace tn::storage
