#pragma once
// INTERNAL to storage/: only storage/*.cpp include this header. It is the
// one place LMDB types appear: RAII wrappers for the environment,
// transactions and cursors (monero-lws src/lmdb style), the mapping of LMDB
// return codes to tn::Error, try_write(), and the Store's shared core.
#include <lmdb.h>

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/error.hpp"
#include "messages/codec.hpp"
#include "storage/event_log.hpp"
#include "storage/outbox.hpp"

namespace tn::storage::detail {

inline MDB_val to_val(std::string_view s) {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}
inline std::string_view to_view(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}

// Owns an MDB_env*: closed on destruction.
class Env {
 public:
  Env() = default;
  ~Env() { if (env_) mdb_env_close(env_); }
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;
  // Takes ownership of env (from mdb_env_create), closing any held before.
  void reset(MDB_env* env) {
    if (env_) mdb_env_close(env_);
    env_ = env;
  }
  MDB_env* get() const { return env_; }
  // The map size in effect (may exceed the requested one if the file is larger).
  size_t map_size() const;

 private:
  MDB_env* env_ = nullptr;
};

// Handles of the named databases, valid for the env's lifetime.
struct Tables {
  MDB_dbi meta = 0, accounts = 0, balances = 0, orders = 0, transactions = 0, events = 0,
          node_state = 0, event_chain = 0, recommendations = 0, outbox = 0;
};

// What a Store is made of; Ledger, EventLog and NodeState hold a reference.
struct Core {
  Env env;          // declared first: destroyed last
  Tables t;
  std::string path;
  std::string node;  // for event envelopes
  EventRouter route_events;  // event type -> outbox channels (may be empty)
};

// An LMDB return code as a tn::Error. label names the part that failed
// ("ledger", "event log"): MDB_MAP_FULL becomes
//   storage_full "ledger full: LMDB map size (N MiB) reached; raise [node] db_map_size_mb".
Error lmdb_error(const Core& core, int rc, std::string_view label, std::string_view context);

// A record that did not decode: invalid_input naming table and key.
Error corrupt_record(std::string_view table, std::string_view key, const std::string& why);

// decode<T> of a stored value, with the error naming table and key.
template <class T>
Result<T> decode_record(std::string_view table, std::string_view key, std::string_view bytes) {
  auto r = tn::decode<T>(bytes);
  if (!r) return corrupt_record(table, key, r.error().message);
  return r;
}

// Base of both transaction kinds: reads.
class Txn {
 public:
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;
  MDB_txn* handle() const { return txn_; }
  Core& core() const { return *core_; }
  const Tables& t() const { return core_->t; }
  // The stored value (valid until the txn ends) or nullopt if key is absent.
  Result<std::optional<std::string_view>> get(MDB_dbi dbi, std::string_view key,
                                              std::string_view table);

 protected:
  Txn(Core& core, MDB_txn* txn, std::string_view label) : core_(&core), txn_(txn), label_(label) {}
  Txn(Txn&& o) noexcept : core_(o.core_), txn_(std::exchange(o.txn_, nullptr)), label_(o.label_) {}
  Error error(int rc, std::string_view context) const {
    return lmdb_error(*core_, rc, label_, context);
  }

  Core* core_;
  MDB_txn* txn_;
  std::string_view label_;  // a string literal
  friend class Cursor;
};

// Read-only snapshot; aborted (released) on scope exit.
class ReadTxn : public Txn {
 public:
  static Result<ReadTxn> begin(Core& core);
  ReadTxn(ReadTxn&&) noexcept = default;
  ~ReadTxn() { if (txn_) mdb_txn_abort(txn_); }

 private:
  ReadTxn(Core& core, MDB_txn* txn) : Txn(core, txn, "storage") {}
};

// Read-write transaction: aborted on scope exit unless commit() succeeded.
// After a failed put() the transaction is poisoned (LMDB requires an abort):
// further puts and commit() fail.
class WriteTxn : public Txn {
 public:
  static Result<WriteTxn> begin(Core& core, std::string_view label);
  WriteTxn(WriteTxn&& o) noexcept = default;
  ~WriteTxn() { if (txn_) mdb_txn_abort(txn_); }

  Status put(MDB_dbi dbi, std::string_view key, std::string_view value, std::string_view table);
  // Deletes key; an absent key is not an error.
  Status del(MDB_dbi dbi, std::string_view key, std::string_view table);
  // Commits; the txn is gone either way (LMDB frees it on a failed commit).
  Status commit();

 private:
  WriteTxn(Core& core, MDB_txn* txn, std::string_view label) : Txn(core, txn, label) {}
  bool failed_ = false;
};

// A cursor on one table, closed on scope exit. Must not outlive its txn.
class Cursor {
 public:
  using KV = std::pair<std::string_view, std::string_view>;
  static Result<Cursor> open(Txn& txn, MDB_dbi dbi, std::string_view table);
  Cursor(Cursor&& o) noexcept
      : cur_(std::exchange(o.cur_, nullptr)), txn_(o.txn_), table_(o.table_) {}
  Cursor(const Cursor&) = delete;
  ~Cursor() { if (cur_) mdb_cursor_close(cur_); }

  // First entry with key >= key.
  Result<std::optional<KV>> seek(std::string_view key) { return step(MDB_SET_RANGE, key); }
  Result<std::optional<KV>> first() { return step(MDB_FIRST, {}); }
  Result<std::optional<KV>> next() { return step(MDB_NEXT, {}); }
  Result<std::optional<KV>> prev() { return step(MDB_PREV, {}); }
  Result<std::optional<KV>> last() { return step(MDB_LAST, {}); }

 private:
  Cursor(MDB_cursor* cur, Txn* txn, std::string_view table) : cur_(cur), txn_(txn), table_(table) {}
  Result<std::optional<KV>> step(MDB_cursor_op op, std::string_view key);
  MDB_cursor* cur_;
  Txn* txn_;
  std::string_view table_;
};

// The last entry with key < end, if any (end is one past a key range).
Result<std::optional<Cursor::KV>> last_before(Cursor& c, std::string_view end);

// Runs f(WriteTxn&) -> Result<T> in a fresh write transaction: commits when f
// succeeds, aborts when it fails or throws (a throw becomes Errc::internal).
// An MDB_MAP_FULL anywhere (put or commit) comes back as storage_full and
// leaves nothing of the txn behind.
template <class F>
auto try_write(Core& core, std::string_view label, F&& f) -> decltype(f(std::declval<WriteTxn&>())) {
  using R = decltype(f(std::declval<WriteTxn&>()));
  auto txn = WriteTxn::begin(core, label);
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
auto with_read(Core& core, F&& f) -> decltype(f(std::declval<ReadTxn&>())) {
  using R = decltype(f(std::declval<ReadTxn&>()));
  auto txn = ReadTxn::begin(core);
  if (!txn) return R(txn.error());
  return f(*txn);
}

// Appends one event inside txn (shared by EventLog and Ledger::apply):
// seq = last key + 1, read inside this write txn. draft.body is trusted to
// be one msgpack object.
Result<uint64_t> append_event(WriteTxn& txn, const EventLog::Draft& draft);
// What append_event trusts: a type of 1..kMaxTypeBytes and exactly one
// msgpack object as body. Callers check outside the write txn.
Status check_draft(const EventLog::Draft& draft);

// The notify hook of append_event (storage/outbox.cpp): writes one outbox
// row per channel the Store's router names for type, inside txn.
Status enqueue_routed(WriteTxn& txn, uint64_t seq, const std::string& type);

}  // namespace tn::storage::detail
