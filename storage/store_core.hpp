#pragma once
// INTERNAL to storage/: only storage/*.cpp include this header. What a
// Store is made of (its LMDB environment and table handles, shared by
// Ledger, EventLog, NodeState, Recommendations and Outbox), how a stored
// record that does not decode is reported, and the event-append path that
// several of them write through. The LMDB wrapper itself is storage/lmdb/.
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "messages/codec.hpp"
#include "messages/events.hpp"
#include "messages/orders.hpp"
#include "storage/event_log.hpp"
#include "storage/lmdb/lmdb.hpp"
#include "storage/outbox.hpp"

namespace tn::storage::detail {

// Handles of the named databases, valid for the env's lifetime.
struct Tables {
  lmdb::Table meta, accounts, balances, orders, transactions, events, node_state, event_chain,
      recommendations, outbox;
};

// What a Store is made of; Ledger, EventLog and the others hold a reference.
struct Core {
  lmdb::Env env;  // declared first: destroyed last
  Tables t;
  std::string node;          // for event envelopes
  EventRouter route_events;  // event type -> outbox channels (may be empty)
};

// A record that did not decode: invalid_input naming table and key.
Error corrupt_record(std::string_view table, std::string_view key, const std::string& why);

// decode<T> of a stored value, with the error naming table and key.
template <class T>
Result<T> decode_record(std::string_view table, std::string_view key, std::string_view bytes) {
  auto r = tn::decode<T>(bytes);
  if (!r) return corrupt_record(table, key, r.error().message);
  return r;
}

// Appends one event inside txn (shared by EventLog, Ledger::apply and
// Recommendations): seq = last key + 1, read inside this write txn.
// draft.body is trusted to be one msgpack object.
Result<uint64_t> append_event(const Core& core, lmdb::WriteTxn& txn, const EventLog::Draft& draft);
// What append_event trusts: a type of 1..kMaxTypeBytes and exactly one
// msgpack object as body. Callers check outside the write txn.
Status check_draft(const EventLog::Draft& draft);

// What the ledger checks before it stores anything (storage/ledger.cpp),
// shared with its import (storage/ledger_import.cpp): an account or asset
// name fits a composite key (1..kMaxNameBytes, no NUL); a request has an
// id that fits a key, valid names and base != quote.
Status check_name(const char* what, const std::string& name);
Status check_request(const OrderRequest& req);
// The trade.fill / trade.rejected body of a stored order result.
TradeEvent trade_event(const OrderResult& r);

// The notify hook of append_event (storage/outbox.cpp): writes one outbox
// row per channel the Store's router names for type, inside txn.
Status enqueue_routed(const Core& core, lmdb::WriteTxn& txn, uint64_t seq, const std::string& type);

}  // namespace tn::storage::detail
