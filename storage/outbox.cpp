#include "storage/outbox.hpp"

#include "common/clock.hpp"
#include "messages/codec.hpp"
#include "storage/format.hpp"
#include "storage/store_core.hpp"

namespace tn::storage {

namespace fmt = format;

namespace {

constexpr std::string_view kOutboxLabel = "outbox";
constexpr size_t kMaxChannelBytes = 64;

Status check_channel(std::string_view channel) {
  if (channel.empty() || channel.size() > kMaxChannelBytes ||
      channel.find(fmt::kSep) != std::string_view::npos)
    return make_error(Errc::invalid_input, "outbox channel must be 1.." +
                                               std::to_string(kMaxChannelBytes) +
                                               " bytes without NUL");
  return Status::OK();
}

// Hands out the next outbox id inside txn (meta outbox_last_id + 1).
Result<uint64_t> next_id(lmdb::WriteTxn& txn, const detail::Tables& t) {
  auto stored = txn.get(t.meta, fmt::kOutboxLastIdKey);
  if (!stored) return stored.error();
  uint64_t last = 0;
  if (*stored) {
    auto v = detail::decode_record<uint64_t>(fmt::kMeta, fmt::kOutboxLastIdKey, **stored);
    if (!v) return v.error();
    last = *v;
  }
  if (Status s = txn.put(t.meta, fmt::kOutboxLastIdKey, encode(last + 1)); !s) return s.error();
  return last + 1;
}

// Stores rec under a fresh id; returns the id.
Result<uint64_t> put_row(lmdb::WriteTxn& txn, const detail::Tables& t, fmt::OutboxRecord rec) {
  auto id = next_id(txn, t);
  if (!id) return id;
  rec.id = *id;
  rec.queued_ms = wall_clock_ms();
  if (Status s = txn.put(t.outbox, fmt::outbox_key(rec.channel, rec.id), encode(rec)); !s)
    return s.error();
  return rec.id;
}

Result<fmt::OutboxRecord> decode_row(std::string_view key, std::string_view value) {
  return detail::decode_record<fmt::OutboxRecord>(fmt::kOutbox, std::to_string(key.size()) +
                                                                    "-byte key", value);
}

}  // namespace

namespace detail {

// THE NOTIFY HOOK of the event-append path: one outbox row per channel the
// router names for this event type, in the event's own transaction.
Status enqueue_routed(const Core& core, lmdb::WriteTxn& txn, uint64_t seq, const std::string& type) {
  const auto& route = core.route_events;
  if (!route) return Status::OK();
  for (const std::string& channel : route(type)) {
    if (Status s = check_channel(channel); !s) return s;
    fmt::OutboxRecord rec;
    rec.channel = channel;
    rec.type = type;
    rec.event_seq = seq;
    if (auto id = put_row(txn, core.t, std::move(rec)); !id) return id.error();
  }
  return Status::OK();
}

}  // namespace detail

Result<uint64_t> Outbox::enqueue(const std::string& channel, const std::string& type,
                                 const std::string& payload) {
  if (Status s = check_channel(channel); !s) return s.error();
  if (type.empty()) return make_error(Errc::invalid_input, "outbox type is empty");
  return lmdb::try_write(core_.env, kOutboxLabel, [&](lmdb::WriteTxn& txn) -> Result<uint64_t> {
    fmt::OutboxRecord rec;
    rec.channel = channel;
    rec.type = type;
    rec.payload = payload;
    return put_row(txn, core_.t, std::move(rec));
  });
}

Result<std::vector<OutboxEntry>> Outbox::pending(const std::string& channel, size_t max,
                                                 uint64_t after_id) {
  if (Status s = check_channel(channel); !s) return s.error();
  using Out = std::vector<OutboxEntry>;
  return lmdb::with_read(core_.env, [&](lmdb::ReadTxn& txn) -> Result<Out> {
    Out out;
    if (max == 0 || after_id == UINT64_MAX) return out;
    auto cur = lmdb::Cursor::open(txn, core_.t.outbox);
    if (!cur) return cur.error();
    const std::string prefix = fmt::account_prefix(channel);
    for (auto at = cur->seek(fmt::outbox_key(channel, after_id + 1)); out.size() < max;
         at = cur->next()) {
      if (!at) return at.error();
      if (!*at || (*at)->first.substr(0, prefix.size()) != prefix) break;
      auto rec = decode_row((*at)->first, (*at)->second);
      if (!rec) return rec.error();
      OutboxEntry e{rec->id, rec->channel, rec->type, rec->event_seq, rec->queued_ms,
                    std::move(rec->payload)};
      if (e.event_seq != 0) {  // the content is the event itself, read in this snapshot
        auto ev = txn.get(core_.t.events, fmt::event_key(e.event_seq));
        if (!ev) return ev.error();
        if (!*ev)
          return detail::corrupt_record(fmt::kOutbox, channel + "#" + std::to_string(e.id),
                                        "its event " + std::to_string(e.event_seq) + " is missing");
        e.content = std::string(**ev);
      }
      out.push_back(std::move(e));
    }
    return out;
  });
}

Status Outbox::remove(const std::string& channel, const std::vector<uint64_t>& ids) {
  if (Status s = check_channel(channel); !s) return s;
  if (ids.empty()) return Status::OK();
  auto r = lmdb::try_write(core_.env, kOutboxLabel, [&](lmdb::WriteTxn& txn) -> Result<bool> {
    for (uint64_t id : ids)
      if (Status s = txn.del(core_.t.outbox, fmt::outbox_key(channel, id)); !s) return s.error();
    return true;
  });
  if (!r) return r.error();
  return Status::OK();
}

Result<std::vector<ChannelDepth>> Outbox::depth() {
  using Out = std::vector<ChannelDepth>;
  return lmdb::with_read(core_.env, [&](lmdb::ReadTxn& txn) -> Result<Out> {
    Out out;
    auto cur = lmdb::Cursor::open(txn, core_.t.outbox);
    if (!cur) return cur.error();
    for (auto at = cur->first();; at = cur->next()) {
      if (!at) return at.error();
      if (!*at) break;
      const std::string_view key = (*at)->first;
      const size_t sep = key.find(fmt::kSep);
      if (sep == std::string_view::npos || key.size() != sep + 9)
        return detail::corrupt_record(fmt::kOutbox, std::to_string(key.size()) + "-byte key",
                                      "key is not channel \\0 be64(id)");
      const std::string_view channel = key.substr(0, sep);
      if (out.empty() || out.back().channel != channel) {  // first row = the oldest
        auto rec = decode_row(key, (*at)->second);
        if (!rec) return rec.error();
        out.push_back({std::string(channel), 0, rec->id, rec->queued_ms});
      }
      ++out.back().depth;
    }
    return out;
  });
}

}  // namespace tn::storage
