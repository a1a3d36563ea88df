#include "storage/ledger.hpp"

#include "messages/codec.hpp"
#include "messages/events.hpp"
#include "storage/format.hpp"
#include "storage/store_core.hpp"

namespace tn::storage {

namespace fmt = format;

namespace detail {

// Account and asset names go into composite keys: 1..128 bytes, no NUL.
Status check_name(const char* what, const std::string& name) {
  if (name.empty() || name.size() > fmt::kMaxNameBytes ||
      name.find(fmt::kSep) != std::string::npos)
    return make_error(Errc::invalid_input, std::string(what) + " must be 1.." +
                                               std::to_string(fmt::kMaxNameBytes) +
                                               " bytes without NUL, got '" + name + "'");
  return Status::OK();
}

// What apply() needs to store a request at all. Everything else (side,
// price, amounts) is judged by the broker rules and recorded as a rejection.
Status check_request(const OrderRequest& req) {
  if (req.order_id.empty() || req.order_id.size() > fmt::kMaxKeyBytes)
    return make_error(Errc::invalid_input,
                      "order_id must be 1.." + std::to_string(fmt::kMaxKeyBytes) + " bytes");
  for (auto [what, name] : {std::pair{"account", &req.account}, {"base asset", &req.base},
                            {"quote asset", &req.quote}})
    if (Status s = check_name(what, *name); !s) return s;
  if (req.base == req.quote)
    return make_error(Errc::invalid_input, "order " + req.order_id + ": base and quote are both " +
                                               req.base);
  return Status::OK();
}

TradeEvent trade_event(const OrderResult& r) {
  const OrderRequest& q = r.request;
  TradeEvent e;
  e.order_id = q.order_id;
  e.account = q.account;
  e.symbol = q.symbol;
  e.timeframe = q.timeframe;
  e.side = q.side;
  e.bar_open_time_ms = q.bar_open_time_ms;
  e.decided_at_ms = q.decided_at_ms;
  e.price = q.price;
  e.quantity = format_amount(r.quantity);
  e.value = format_amount(r.value);
  e.fee = format_amount(r.fee);
  e.quote_after = format_amount(r.quote_after);
  e.base_after = format_amount(r.base_after);
  e.reason = q.reason;
  e.reject_reason = r.reject_reason;
  return e;
}

}  // namespace detail

namespace {

using detail::check_name;
using detail::check_request;
using detail::trade_event;

constexpr std::string_view kLedgerLabel = "ledger";

// A printable form of a transactions key for error messages.
std::string tx_key_text(std::string_view key) {
  const auto sep = key.find(fmt::kSep);
  if (sep == std::string_view::npos || key.size() != sep + 9) return "(malformed key)";
  return std::string(key.substr(0, sep)) + "/tx " + std::to_string(fmt::from_be64(key.substr(sep + 1)));
}

Result<Amount> read_balance(lmdb::Txn& txn, const detail::Tables& t, const std::string& account,
                            const std::string& asset) {
  const std::string key = fmt::balance_key(account, asset);
  auto v = txn.get(t.balances, key);
  if (!v) return v.error();
  if (!*v) return Amount{0};
  return detail::decode_record<Amount>(fmt::kBalances, account + "/" + asset, **v);
}

Result<std::map<std::string, Amount>> read_balances(lmdb::Txn& txn, const detail::Tables& t,
                                                    const std::string& account) {
  std::map<std::string, Amount> out;
  const std::string prefix = fmt::account_prefix(account);
  auto cur = lmdb::Cursor::open(txn, t.balances);
  if (!cur) return cur.error();
  for (auto at = cur->seek(prefix);; at = cur->next()) {
    if (!at) return at.error();
    if (!*at || !(*at)->first.starts_with(prefix)) break;
    std::string asset((*at)->first.substr(prefix.size()));
    auto v = detail::decode_record<Amount>(fmt::kBalances, account + "/" + asset, (*at)->second);
    if (!v) return v.error();
    out.emplace(std::move(asset), *v);
  }
  return out;
}

Result<std::vector<OrderResult>> read_orders(lmdb::Txn& txn, const detail::Tables& t,
                                             const std::string& account) {
  std::vector<OrderResult> out;
  const std::string prefix = fmt::account_prefix(account);
  auto cur = lmdb::Cursor::open(txn, t.transactions);
  if (!cur) return cur.error();
  for (auto at = cur->seek(prefix);; at = cur->next()) {
    if (!at) return at.error();
    if (!*at || !(*at)->first.starts_with(prefix)) break;
    auto r = detail::decode_record<OrderResult>(fmt::kTransactions, tx_key_text((*at)->first),
                                                (*at)->second);
    if (!r) return r.error();
    out.push_back(std::move(*r));
  }
  return out;
}

Result<Amount> read_starting_capital(lmdb::Txn& txn, const detail::Tables& t,
                                     const std::string& account) {
  auto v = txn.get(t.accounts, account);
  if (!v) return v.error();
  if (!*v) return make_error(Errc::not_found, "account " + account + " was never initialised");
  auto rec = detail::decode_record<fmt::AccountRecord>(fmt::kAccounts, account, **v);
  if (!rec) return rec.error();
  return rec->starting_capital;
}

Status write_balance(lmdb::WriteTxn& txn, const detail::Tables& t, const std::string& account,
                     const std::string& asset, Amount value) {
  return txn.put(t.balances, fmt::balance_key(account, asset), encode(value));
}

// Next transaction number of account: last stored + 1, read in this txn.
Result<uint64_t> next_tx(lmdb::WriteTxn& txn, const detail::Tables& t, const std::string& account) {
  auto cur = lmdb::Cursor::open(txn, t.transactions);
  if (!cur) return cur.error();
  auto last = lmdb::last_before(*cur, fmt::account_prefix_end(account));
  if (!last) return last.error();
  const std::string prefix = fmt::account_prefix(account);
  if (!*last || !(*last)->first.starts_with(prefix)) return uint64_t{1};
  const std::string_view key = (*last)->first;
  if (key.size() != prefix.size() + 8)
    return detail::corrupt_record(fmt::kTransactions, account + "/(last)", "key is not account/tx");
  return fmt::from_be64(key.substr(prefix.size())) + 1;
}

// The body of apply(), inside its write txn.
Result<OrderResult> apply_in(const detail::Core& core, lmdb::WriteTxn& txn, const OrderRequest& req,
                             const LedgerRules& rules, int64_t ts_ns,
                             const std::vector<EventLog::Draft>& before) {
  const detail::Tables& t = core.t;
  auto prior = txn.get(t.orders, req.order_id);
  if (!prior) return prior.error();
  if (*prior) {  // applied before: answer as then, change nothing
    auto r = detail::decode_record<OrderResult>(fmt::kOrders, req.order_id, **prior);
    if (!r) return r.error();
    r->duplicate = true;
    return r;
  }

  auto quote = read_balance(txn, t, req.account, req.quote);
  if (!quote) return quote.error();
  auto base = read_balance(txn, t, req.account, req.base);
  if (!base) return base.error();
  OrderResult res = evaluate_order(req, rules, *quote, *base);

  for (const EventLog::Draft& d : before)
    if (auto s = detail::append_event(core, txn, d); !s) return s.error();
  auto seq = detail::append_event(
      core, txn,
      {res.filled ? topic::trade_fill : topic::trade_rejected, encode(trade_event(res)), ts_ns});
  if (!seq) return seq.error();
  res.event_seq = *seq;

  if (res.filled) {
    if (Status s = write_balance(txn, t, req.account, req.quote, res.quote_after); !s) return s.error();
    if (Status s = write_balance(txn, t, req.account, req.base, res.base_after); !s) return s.error();
  }
  auto tx = next_tx(txn, t, req.account);
  if (!tx) return tx.error();
  const std::string record = encode(res);
  if (Status s = txn.put(t.transactions, fmt::tx_key(req.account, *tx), record); !s)
    return s.error();
  if (Status s = txn.put(t.orders, req.order_id, record); !s) return s.error();
  return res;
}

}  // namespace

Status Ledger::init_account(const std::string& account, const std::string& quote,
                            Amount starting_balance) {
  if (Status s = check_name("account", account); !s) return s;
  if (Status s = check_name("quote asset", quote); !s) return s;
  if (starting_balance < 0)
    return make_error(Errc::invalid_input, "starting balance of " + account + " is negative");
  auto r = lmdb::try_write(core_.env, kLedgerLabel, [&](lmdb::WriteTxn& txn) -> Result<bool> {
    auto v = txn.get(core_.t.accounts, account);
    if (!v) return v.error();
    if (*v) {  // initialised before: keep what is there
      auto rec = detail::decode_record<fmt::AccountRecord>(fmt::kAccounts, account, **v);
      if (!rec) return rec.error();
      if (rec->quote != quote)
        return make_error(Errc::invalid_input, "account " + account + " was initialised with quote " +
                                                   rec->quote + ", not " + quote);
      return false;
    }
    fmt::AccountRecord rec{quote, starting_balance};
    if (Status s = txn.put(core_.t.accounts, account, encode(rec)); !s) return s.error();
    if (Status s = write_balance(txn, core_.t, account, quote, starting_balance); !s) return s.error();
    return true;
  });
  if (!r) return r.error();
  return Status::OK();
}

Result<Amount> Ledger::balance(const std::string& account, const std::string& asset) {
  if (Status s = check_name("account", account); !s) return s.error();
  if (Status s = check_name("asset", asset); !s) return s.error();
  return lmdb::with_read(core_.env,
                         [&](lmdb::ReadTxn& txn) { return read_balance(txn, core_.t, account, asset); });
}

Result<std::map<std::string, Amount>> Ledger::balances(const std::string& account) {
  if (Status s = check_name("account", account); !s) return s.error();
  return lmdb::with_read(core_.env,
                         [&](lmdb::ReadTxn& txn) { return read_balances(txn, core_.t, account); });
}

Result<OrderResult> Ledger::apply(const OrderRequest& req, const LedgerRules& rules, int64_t ts_ns,
                                  const std::vector<EventLog::Draft>& before) {
  auto r = apply_batch({req}, rules, ts_ns, before);
  if (!r) return r.error();
  return std::move(r->front());
}

Result<std::vector<OrderResult>> Ledger::apply_batch(const std::vector<OrderRequest>& reqs,
                                                     const LedgerRules& rules, int64_t ts_ns,
                                                     const std::vector<EventLog::Draft>& before) {
  if (reqs.size() > kMaxBatchOrders)
    return make_error(Errc::invalid_input, std::to_string(reqs.size()) + " orders in one batch, more than " +
                                               std::to_string(kMaxBatchOrders));
  // The events go ahead of the first order: without one they would be lost.
  if (reqs.empty() && !before.empty())
    return make_error(Errc::invalid_input, "events to log before an empty batch of orders");
  for (const OrderRequest& req : reqs)
    if (Status s = check_request(req); !s) return s.error();
  if (Status s = validate_rules(rules); !s) return s.error();
  for (const EventLog::Draft& d : before)
    if (Status s = detail::check_draft(d); !s) return s.error();
  static const std::vector<EventLog::Draft> kNone;
  return lmdb::try_write(core_.env, kLedgerLabel, [&](lmdb::WriteTxn& txn) -> Result<std::vector<OrderResult>> {
    std::vector<OrderResult> out;
    out.reserve(reqs.size());
    for (size_t k = 0; k < reqs.size(); ++k) {
      auto r = apply_in(core_, txn, reqs[k], rules, ts_ns, k == 0 ? before : kNone);
      if (!r) return r.error();
      out.push_back(std::move(*r));
    }
    return out;
  });
}

Result<std::optional<OrderResult>> Ledger::find_order(const std::string& order_id) {
  using Out = std::optional<OrderResult>;
  if (order_id.empty() || order_id.size() > fmt::kMaxKeyBytes) return Out();
  return lmdb::with_read(core_.env, [&](lmdb::ReadTxn& txn) -> Result<Out> {
    auto v = txn.get(core_.t.orders, order_id);
    if (!v) return v.error();
    if (!*v) return Out();
    auto r = detail::decode_record<OrderResult>(fmt::kOrders, order_id, **v);
    if (!r) return r.error();
    return Out(std::move(*r));
  });
}

Result<std::vector<OrderResult>> Ledger::orders(const std::string& account) {
  if (Status s = check_name("account", account); !s) return s.error();
  return lmdb::with_read(core_.env,
                         [&](lmdb::ReadTxn& txn) { return read_orders(txn, core_.t, account); });
}

Result<Amount> Ledger::starting_capital(const std::string& account) {
  if (Status s = check_name("account", account); !s) return s.error();
  return lmdb::with_read(core_.env,
                         [&](lmdb::ReadTxn& txn) { return read_starting_capital(txn, core_.t, account); });
}

Result<LedgerSnapshot> Ledger::snapshot(const std::string& account) {
  if (Status s = check_name("account", account); !s) return s.error();
  return lmdb::with_read(core_.env, [&](lmdb::ReadTxn& txn) -> Result<LedgerSnapshot> {
    LedgerSnapshot snap;
    auto start = read_starting_capital(txn, core_.t, account);
    if (!start) return start.error();
    auto orders = read_orders(txn, core_.t, account);
    if (!orders) return orders.error();
    auto balances = read_balances(txn, core_.t, account);
    if (!balances) return balances.error();
    snap.starting_capital = *start;
    snap.orders = std::move(*orders);
    snap.balances = std::move(*balances);
    return snap;
  });
}

}  // namespace tn::storage
