#include "storage/event_log.hpp"

#include <openssl/evp.h>

#include "messages/envelope.hpp"
#include "storage/format.hpp"
#include "storage/store_core.hpp"

namespace tn::storage {

namespace fmt = format;

namespace {

constexpr std::string_view kEventLogLabel = "event log";
constexpr size_t kMaxTypeBytes = 256;

// The seq of the last stored event (0 if none), read through txn.
Result<uint64_t> last_seq_in(lmdb::Txn& txn, const detail::Tables& t) {
  auto cur = lmdb::Cursor::open(txn, t.events);
  if (!cur) return cur.error();
  auto last = cur->last();
  if (!last) return last.error();
  if (!*last) return uint64_t{0};
  const std::string_view key = (*last)->first;
  if (key.size() != 8) return detail::corrupt_record(fmt::kEvents, "(last)", "key is not 8 bytes");
  return fmt::from_be64(key);
}


using Link = std::string;  // format::kChainLinkBytes bytes

// link(seq) = SHA-256(link(seq-1) || be64(seq) || envelope): see FORMAT.md.
Link next_link(std::string_view prev, uint64_t seq, std::string_view envelope) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const std::string key = fmt::be64(seq);
  const bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, prev.data(), prev.size()) == 1 &&
                  EVP_DigestUpdate(ctx, key.data(), key.size()) == 1 &&
                  EVP_DigestUpdate(ctx, envelope.data(), envelope.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, out, &len) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok || len != fmt::kChainLinkBytes) throw std::runtime_error("SHA-256 failed");
  return Link(reinterpret_cast<const char*>(out), len);
}

Link zero_link() { return Link(fmt::kChainLinkBytes, '\0'); }

}  // namespace

namespace detail {

// A draft fit to be stored: a topic and exactly one msgpack object as body.
Status check_draft(const EventLog::Draft& d) {
  if (d.type.empty() || d.type.size() > kMaxTypeBytes)
    return make_error(Errc::invalid_input, "event type must be 1.." +
                                               std::to_string(kMaxTypeBytes) + " bytes");
  try {
    std::size_t off = 0;
    auto oh = msgpack::unpack(d.body.data(), d.body.size(), off, nullptr, nullptr,
                            decode_limits(d.body.size()));
    if (off != d.body.size())
      return make_error(Errc::invalid_input, "event body of '" + d.type + "' has trailing bytes");
  } catch (const std::exception& e) {
    return make_error(Errc::invalid_input,
                      "event body of '" + d.type + "' is not msgpack: " + e.what());
  }
  return Status::OK();
}

Result<uint64_t> append_event(const Core& core, lmdb::WriteTxn& txn, const EventLog::Draft& draft) {
  auto last = last_seq_in(txn, core.t);
  if (!last) return last.error();
  const uint64_t seq = *last + 1;
  EnvelopeHeader h;
  h.seq = seq;
  h.ts_ns = draft.ts_ns;
  h.node = core.node;
  h.type = draft.type;
  const std::string envelope = encode_envelope(h, draft.body);
  Link prev = zero_link();
  if (seq > 1) {
    auto got = txn.get(core.t.event_chain, fmt::event_key(seq - 1));
    if (!got) return got.error();
    if (!*got || (*got)->size() != fmt::kChainLinkBytes)
      return corrupt_record(fmt::kEventChain, std::to_string(seq - 1),
                            "missing or malformed link: the event log's chain is broken");
    prev = Link(**got);
  }
  if (Status s = txn.put(core.t.events, fmt::event_key(seq), envelope); !s) return s.error();
  if (Status s = txn.put(core.t.event_chain, fmt::event_key(seq), next_link(prev, seq, envelope)); !s)
    return s.error();
  // notify: outbox rows for routed event types commit with the event.
  if (Status s = enqueue_routed(core, txn, seq, draft.type); !s) return s.error();
  return seq;
}

}  // namespace detail

Result<uint64_t> EventLog::append(const Draft& draft) {
  if (Status s = detail::check_draft(draft); !s) return s.error();
  return lmdb::try_write(core_.env, kEventLogLabel, [&](lmdb::WriteTxn& txn) {
    return detail::append_event(core_, txn, draft);
  });
}

Result<std::vector<uint64_t>> EventLog::append_batch(const std::vector<Draft>& drafts) {
  for (const auto& d : drafts)
    if (Status s = detail::check_draft(d); !s) return s.error();
  if (drafts.empty()) return std::vector<uint64_t>{};
  return lmdb::try_write(core_.env, kEventLogLabel, [&](lmdb::WriteTxn& txn) -> Result<std::vector<uint64_t>> {
    std::vector<uint64_t> seqs;
    seqs.reserve(drafts.size());
    for (const auto& d : drafts) {
      auto seq = detail::append_event(core_, txn, d);
      if (!seq) return seq.error();
      seqs.push_back(*seq);
    }
    return seqs;
  });
}

Result<std::vector<std::pair<uint64_t, std::string>>> EventLog::read_from(uint64_t first_seq,
                                                                          size_t max) {
  using Out = std::vector<std::pair<uint64_t, std::string>>;
  return lmdb::with_read(core_.env, [&](lmdb::ReadTxn& txn) -> Result<Out> {
    Out out;
    if (max == 0) return out;
    auto cur = lmdb::Cursor::open(txn, core_.t.events);
    if (!cur) return cur.error();
    auto at = cur->seek(fmt::event_key(first_seq == 0 ? 1 : first_seq));
    while (true) {
      if (!at) return at.error();
      if (!*at) break;
      const auto& [key, value] = **at;
      if (key.size() != 8)
        return detail::corrupt_record(fmt::kEvents, std::to_string(key.size()) + "-byte key",
                                      "key is not 8 bytes");
      out.emplace_back(fmt::from_be64(key), std::string(value));
      if (out.size() >= max) break;
      at = cur->next();
    }
    return out;
  });
}

Result<EventLog::ChainReport> EventLog::verify_chain() {
  const detail::Tables& t = core_.t;
  return lmdb::with_read(core_.env, [&t](lmdb::ReadTxn& txn) -> Result<ChainReport> {
    ChainReport r;
    auto fail = [&](uint64_t seq, const std::string& why) {
      r.ok = false;
      r.problems.push_back("event " + std::to_string(seq) + ": " + why);
    };
    auto cur = lmdb::Cursor::open(txn, t.events);
    if (!cur) return cur.error();
    Link prev = zero_link();
    uint64_t expect = 1;
    for (auto at = cur->first(); r.ok; at = cur->next()) {
      if (!at) return at.error();
      if (!*at) break;
      const auto& [key, value] = **at;
      if (key.size() != 8) { fail(expect, "key is not 8 bytes"); break; }
      const uint64_t seq = fmt::from_be64(key);
      if (seq != expect) { fail(expect, "missing (next stored is " + std::to_string(seq) + ")"); break; }
      auto env = decode_envelope(value);
      if (!env) fail(seq, "envelope does not decode: " + env.error().message);
      else if (env->header.seq != seq) fail(seq, "envelope says seq " + std::to_string(env->header.seq));
      auto link = txn.get(t.event_chain, key);
      if (!link) return link.error();
      const Link want = next_link(prev, seq, value);
      if (!*link) fail(seq, "no hash link stored");
      else if (**link != want) fail(seq, "hash link does not match: the entry or one before it was changed");
      if (!r.ok) break;
      prev = want;
      ++r.checked;
      ++expect;
    }
    if (r.ok) {  // a link past the last event is a dropped event
      auto links = lmdb::Cursor::open(txn, t.event_chain);
      if (!links) return links.error();
      auto last = links->last();
      if (!last) return last.error();
      if (*last && (*last)->first.size() == 8 && fmt::from_be64((*last)->first) > r.checked)
        fail(r.checked + 1, "has a hash link but no event: events were dropped from the end");
    }
    return r;
  });
}

Result<uint64_t> EventLog::last_seq() {
  return lmdb::with_read(core_.env,
                         [this](lmdb::ReadTxn& txn) { return last_seq_in(txn, core_.t); });
}

}  // namespace tn::storage
