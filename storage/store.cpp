#include "storage/store.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "messages/codec.hpp"
#include "storage/format.hpp"
#include "storage/store_core.hpp"

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
Result<bool> open_tables(lmdb::WriteTxn& txn, detail::Tables& t) {
  const std::string& path = txn.env().path();
  // A fresh env has an empty main table; one with tables but no meta is
  // somebody else's database: refuse it rather than mix ours into it.
  auto main = txn.main_table();
  if (!main) return main.error();
  auto has_meta = txn.get(*main, fmt::kMeta);
  if (!has_meta) return has_meta.error();
  if (!*has_meta) {
    auto cur = lmdb::Cursor::open(txn, *main);
    if (!cur) return cur.error();
    auto first = cur->first();
    if (!first) return first.error();
    if (*first)
      return make_error(Errc::invalid_input, "'" + path +
                                                 "' holds an LMDB database that is not "
                                                 "tradernode's (it has no meta table)");
  }
  auto meta = txn.open_table(fmt::kMeta);
  if (!meta) return meta.error();
  t.meta = *meta;
  auto stored = txn.get(t.meta, fmt::kSchemaVersionKey);
  if (!stored) return stored.error();
  if (*stored) {
    auto v = detail::decode_record<uint32_t>(fmt::kMeta, fmt::kSchemaVersionKey, **stored);
    if (!v) return v.error();
    if (*v > fmt::kSchemaVersion)
      return make_error(Errc::schema_version,
                        "database '" + path + "' has schema version " + std::to_string(*v) +
                            ", written by a newer tradernode; this build reads " +
                            "schema version " + std::to_string(fmt::kSchemaVersion) + " at most");
    if (*v < fmt::kSchemaVersion)  // no older layout exists yet, so nothing to migrate from
      return make_error(Errc::schema_version, "database '" + path + "' has schema version " +
                                                  std::to_string(*v) + " and there is no migration to " +
                                                  std::to_string(fmt::kSchemaVersion));
  } else if (Status s = txn.put(t.meta, fmt::kSchemaVersionKey, encode(fmt::kSchemaVersion)); !s) {
    return s.error();
  }
  for (auto [name, table] : {std::pair{fmt::kAccounts, &t.accounts},
                             {fmt::kBalances, &t.balances},
                             {fmt::kOrders, &t.orders},
                             {fmt::kTransactions, &t.transactions},
                             {fmt::kEvents, &t.events},
                             {fmt::kNodeState, &t.node_state},
                             {fmt::kEventChain, &t.event_chain},
                             {fmt::kRecommendations, &t.recommendations},
                             {fmt::kOutbox, &t.outbox}}) {
    auto opened = txn.open_table(name);
    if (!opened) return opened.error();
    *table = *opened;
  }
  return true;
}

}  // namespace

Store::Store(std::unique_ptr<detail::Core> core)
    : core_(std::move(core)), ledger_(*core_), events_(*core_), state_(*core_),
      recommendations_(*core_), outbox_(*core_) {}

Store::~Store() = default;

const std::string& Store::path() const { return core_->env.path(); }

Result<std::unique_ptr<Store>> Store::open(const OpenOptions& o) {
  if (o.path.empty()) return make_error(Errc::invalid_input, "database path is empty");
  if (o.map_size_bytes == 0) return make_error(Errc::invalid_input, "database map size is 0");
  if (Status s = make_dirs(o.path); !s) return s.error();

  auto core = std::make_unique<detail::Core>();
  core->node = o.node;
  core->route_events = o.route_events;
  lmdb::EnvOptions env;
  env.path = o.path;
  env.map_size_bytes = (o.map_size_bytes + kPage - 1) / kPage * kPage;
  env.max_tables = fmt::kMaxTables;
  env.sync = o.durable;
  env.label = "storage";
  env.map_full_hint = "raise [node] db_map_size_mb";
  if (Status s = core->env.open(env); !s) return s.error();
  core->env.clear_stale_readers();

  auto r = lmdb::try_write(core->env, "storage",
                           [&](lmdb::WriteTxn& txn) { return open_tables(txn, core->t); });
  if (!r) return r.error();
  return std::unique_ptr<Store>(new Store(std::move(core)));
}

namespace detail {

Error corrupt_record(std::string_view table, std::string_view key, const std::string& why) {
  return make_error(Errc::invalid_input, "corrupted record in table '" + std::string(table) +
                                             "', key '" + std::string(key) + "': " + why);
}

}  // namespace detail

}  // namespace tn::storage
