#pragma once
// DO NOT CHANGE: on-disk.
//
// Every LMDB table name, key encoding and stored record shape of tradernode
// lives in this one header (LevelDB's db/dbformat.h idea), documented for
// people in storage/FORMAT.md. Changing anything here changes what existing
// databases mean: bump kSchemaVersion and write a migration instead.
//
// No LMDB types here: tests and tools may include it to look at raw bytes.
#include <cstdint>
#include <string>
#include <string_view>

#include <msgpack.hpp>

#include "common/amount.hpp"
#include "messages/events.hpp"

namespace tn::storage::format {

// Version of the layout below, stored in the meta table. A database written
// by a newer version is refused on open (Errc::schema_version).
inline constexpr uint32_t kSchemaVersion = 1;

// ---- table names (LMDB named databases) ----------------------------------
// "meta" is never renamed: every version must find the schema version there.
// The others carry their layout version, so a migration can build a new
// table beside the old one (monero-lws style).
inline constexpr const char* kMeta = "meta";                  // string key -> msgpack
inline constexpr const char* kAccounts = "accounts_v1";       // account -> AccountRecord
inline constexpr const char* kBalances = "balances_v1";       // account \0 asset -> int64
inline constexpr const char* kOrders = "orders_v1";           // order_id -> OrderResult
inline constexpr const char* kTransactions = "transactions_v1";  // account \0 be64(tx) -> OrderResult
inline constexpr const char* kEvents = "events_v1";           // be64(seq) -> envelope
inline constexpr const char* kNodeState = "node_state_v1";    // key -> caller's bytes
inline constexpr const char* kEventChain = "event_chain_v1";  // be64(seq) -> 32-byte SHA-256 link
// Added to schema 1 without a version bump: a new table changes nothing that
// older builds read, and open creates it in an existing database.
inline constexpr const char* kRecommendations = "recommendations_v1";  // id -> RecommendationRecord
// Added within schema 1 (a new table, nothing existing changes: older
// databases simply get it created empty on open).
inline constexpr const char* kOutbox = "outbox_v1";           // channel \0 be64(id) -> OutboxRecord

// Room for tables added later without touching env setup (lmdb::EnvOptions::max_tables).
inline constexpr unsigned kMaxTables = 32;

// ---- meta keys ------------------------------------------------------------
inline constexpr const char* kSchemaVersionKey = "schema_version";  // msgpack uint
// The last outbox id handed out (msgpack uint). Ids are never reused, also
// after the outbox empties: they are the stable ids a duplicate is known by.
inline constexpr const char* kOutboxLastIdKey = "outbox_last_id";

// ---- limits ---------------------------------------------------------------
// LMDB's compiled-in key limit (Debian builds with the default 511).
inline constexpr size_t kMaxKeyBytes = 511;
// Account and asset names go into composite keys; keep them well short.
inline constexpr size_t kMaxNameBytes = 128;

// Separator inside composite keys. Names may not contain it, so the prefix
// "account\0" selects exactly one account's records.
inline constexpr char kSep = '\0';

// ---- key encodings --------------------------------------------------------
// Big-endian so that LMDB's byte order (memcmp) equals numeric order.
inline std::string be64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

// bytes.size() must be 8.
inline uint64_t from_be64(std::string_view bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

// "account\0": the common prefix of one account's balances and transactions.
inline std::string account_prefix(std::string_view account) {
  std::string k(account);
  k += kSep;
  return k;
}

// One past every key with account_prefix(account): "account\x01".
inline std::string account_prefix_end(std::string_view account) {
  std::string k(account);
  k += static_cast<char>(kSep + 1);
  return k;
}

// balances key: account \0 asset.
inline std::string balance_key(std::string_view account, std::string_view asset) {
  return account_prefix(account) + std::string(asset);
}

// transactions key: account \0 be64(tx number); tx numbers start at 1 per account.
inline std::string tx_key(std::string_view account, uint64_t tx) {
  return account_prefix(account) + be64(tx);
}

// events key: be64(seq); seq starts at 1 and has no gaps.
inline std::string event_key(uint64_t seq) { return be64(seq); }

// outbox key: channel \0 be64(id); one channel's rows sort in id order.
inline std::string outbox_key(std::string_view channel, uint64_t id) {
  return account_prefix(channel) + be64(id);
}

// ---- records (values are msgpack maps: field names are the schema) --------

// accounts table value. Its presence means "initialised".
struct AccountRecord {
  std::string quote;            // the account's quote asset (USDT)
  Amount starting_capital = 0;  // quote balance set by init_account
  MSGPACK_DEFINE_MAP(quote, starting_capital);
};

// recommendations value: a daily breakout recommendation and what became of
// it. Written once as "open" (with its recommendation.new event); rewritten
// once as "closed" with the exit (with its recommendation.exit event).
struct RecommendationRecord {
  tn::RecommendationEvent rec;      // as published
  std::string status = "open";      // open | closed
  tn::RecommendationExitEvent exit; // meaningful when closed
  uint64_t event_seq = 0;           // seq of the recommendation.new event
  uint64_t exit_event_seq = 0;      // seq of the recommendation.exit event, 0 while open
  MSGPACK_DEFINE_MAP(rec, status, exit, event_seq, exit_event_seq);
};

// outbox value: one notification waiting for one channel.
struct OutboxRecord {
  uint64_t id = 0;          // outbox id (meta outbox_last_id), unique over all channels
  std::string channel;      // "telegram", "email", ...
  std::string type;         // the event type ("trade.fill") or the caller's kind ("report.daily")
  uint64_t event_seq = 0;   // the event that caused it; 0 when payload holds the content
  int64_t queued_ms = 0;    // wall clock when written (for "oldest pending")
  std::string payload;      // event_seq == 0: the caller's bytes; else empty (read the event)
  MSGPACK_DEFINE_MAP(id, channel, type, event_seq, queued_ms, payload);
};

// balances value: msgpack int (Amount, 1e-8 units).
// orders / transactions value: msgpack of tn::OrderResult (messages/orders.hpp),
//   stored with duplicate = false and event_seq = the seq written with it.
// events value: the envelope bytes made by tn::encode_envelope (messages/envelope.hpp).
// node_state value: the caller's bytes, unchanged.
// event_chain value: 32 bytes, link(seq) = SHA-256(link(seq-1) || be64(seq) || envelope
//   bytes), link(0) = 32 zero bytes. Written in the same txn as the event, so
//   editing, dropping or reordering any stored event breaks every later link.
inline constexpr size_t kChainLinkBytes = 32;

}  // namespace tn::storage::format
