#include "storage/event_log.hpp"

#include "messages/envelope.hpp"
#include "storage/format.hpp"
#include "storage/lmdb_env.hpp"

namespace tn::storage {

namespace fmt = format;

namespace {

constexpr std::string_view kLabel = "event log";
constexpr size_t kMaxTypeBytes = 256;

// The seq of the last stored event (0 if none), read through txn.
Result<uint64_t> last_seq_in(detail::Txn& txn) {
  auto cur = detail::Cursor::open(txn, txn.t().events, fmt::kEvents);
  if (!cur) return cur.error();
  auto last = cur->last();
  if (!last) return last.error();
  if (!*last) return uint64_t{0};
  const std::string_view key = (*last)->first;
  if (key.size() != 8) return detail::corrupt_record(fmt::kEvents, "(last)", "key is not 8 bytes");
  return fmt::from_be64(key);
}

// A draft fit to be stored: a topic and exactly one msgpack object as body.
Status check_draft(const EventLog::Draft& d) {
  if (d.type.empty() || d.type.size() > kMaxTypeBytes)
    return make_error(Errc::invalid_input, "event type must be 1.." +
                                               std::to_string(kMaxTypeBytes) + " bytes");
  try {
    std::size_t off = 0;
    auto oh = msgpack::unpack(d.body.data(), d.body.size(), off, nullptr, nullptr, decode_limits());
    if (off != d.body.size())
      return make_error(Errc::invalid_input, "event body of '" + d.type + "' has trailing bytes");
  } catch (const std::exception& e) {
    return make_error(Errc::invalid_input,
                      "event body of '" + d.type + "' is not msgpack: " + e.what());
  }
  return Status::OK();
}

}  // namespace

namespace detail {

Result<uint64_t> append_event(WriteTxn& txn, const EventLog::Draft& draft) {
  auto last = last_seq_in(txn);
  if (!last) return last.error();
  const uint64_t seq = *last + 1;
  EnvelopeHeader h;
  h.seq = seq;
  h.ts_ns = draft.ts_ns;
  h.node = txn.core().node;
  h.type = draft.type;
  if (Status s = txn.put(txn.t().events, fmt::event_key(seq), encode_envelope(h, draft.body),
                         fmt::kEvents);
      !s)
    return s.error();
  // notify: outbox rows for routed event types commit with the event.
  if (Status s = enqueue_routed(txn, seq, draft.type); !s) return s.error();
  return seq;
}

}  // namespace detail

Result<uint64_t> EventLog::append(const Draft& draft) {
  if (Status s = check_draft(draft); !s) return s.error();
  return detail::try_write(core_, kLabel, [&](detail::WriteTxn& txn) {
    return detail::append_event(txn, draft);
  });
}

Result<std::vector<uint64_t>> EventLog::append_batch(const std::vector<Draft>& drafts) {
  for (const auto& d : drafts)
    if (Status s = check_draft(d); !s) return s.error();
  if (drafts.empty()) return std::vector<uint64_t>{};
  return detail::try_write(core_, kLabel,
                           [&](detail::WriteTxn& txn) -> Result<std::vector<uint64_t>> {
                             std::vector<uint64_t> seqs;
                             seqs.reserve(drafts.size());
                             for (const auto& d : drafts) {
                               auto seq = detail::append_event(txn, d);
                               if (!seq) return seq.error();
                               seqs.push_back(*seq);
                             }
                             return seqs;
                           });
}

Result<std::vector<std::pair<uint64_t, std::string>>> EventLog::read_from(uint64_t first_seq,
                                                                          size_t max) {
  using Out = std::vector<std::pair<uint64_t, std::string>>;
  return detail::with_read(core_, [&](detail::ReadTxn& txn) -> Result<Out> {
    Out out;
    if (max == 0) return out;
    auto cur = detail::Cursor::open(txn, txn.t().events, fmt::kEvents);
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

Result<uint64_t> EventLog::last_seq() {
  return detail::with_read(core_, [](detail::ReadTxn& txn) { return last_seq_in(txn); });
}

}  // namespace tn::storage
