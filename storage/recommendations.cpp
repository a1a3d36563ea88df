#include "storage/recommendations.hpp"

#include "messages/codec.hpp"
#include "storage/store_core.hpp"

namespace tn::storage {

namespace fmt = format;

namespace {

constexpr std::string_view kRecommendationsLabel = "recommendations";

Status check_id(const std::string& id) {
  if (id.empty() || id.size() > fmt::kMaxKeyBytes)
    return make_error(Errc::invalid_input, "recommendation id must be 1.." +
                                               std::to_string(fmt::kMaxKeyBytes) + " bytes");
  return Status::OK();
}

Result<std::optional<fmt::RecommendationRecord>> read(lmdb::Txn& txn, const detail::Tables& t,
                                                     const std::string& id) {
  auto v = txn.get(t.recommendations, id);
  if (!v) return v.error();
  if (!*v) return std::optional<fmt::RecommendationRecord>();
  auto r = detail::decode_record<fmt::RecommendationRecord>(fmt::kRecommendations, id, **v);
  if (!r) return r.error();
  return std::optional<fmt::RecommendationRecord>(std::move(*r));
}

}  // namespace

Result<Recommendations::Written> Recommendations::put(const RecommendationEvent& rec,
                                                      int64_t ts_ns) {
  if (Status s = check_id(rec.id); !s) return s.error();
  return lmdb::try_write(core_.env, kRecommendationsLabel, [&](lmdb::WriteTxn& txn) -> Result<Written> {
    auto old = read(txn, core_.t, rec.id);
    if (!old) return old.error();
    if (*old) return Written{false, (*old)->event_seq};
    auto seq = detail::append_event(core_, txn, {topic::recommendation_new, encode(rec), ts_ns});
    if (!seq) return seq.error();
    fmt::RecommendationRecord r;
    r.rec = rec;
    r.event_seq = *seq;
    if (Status s = txn.put(core_.t.recommendations, rec.id, encode(r)); !s) return s.error();
    return Written{true, *seq};
  });
}

Result<Recommendations::Written> Recommendations::mark_exit(const RecommendationExitEvent& exit,
                                                            int64_t ts_ns) {
  if (Status s = check_id(exit.id); !s) return s.error();
  return lmdb::try_write(core_.env, kRecommendationsLabel, [&](lmdb::WriteTxn& txn) -> Result<Written> {
    auto old = read(txn, core_.t, exit.id);
    if (!old) return old.error();
    if (!*old) return make_error(Errc::not_found, "no recommendation with id '" + exit.id + "'");
    fmt::RecommendationRecord r = std::move(**old);
    if (r.status == "closed") return Written{false, r.exit_event_seq};
    auto seq = detail::append_event(core_, txn, {topic::recommendation_exit, encode(exit), ts_ns});
    if (!seq) return seq.error();
    r.status = "closed";
    r.exit = exit;
    r.exit_event_seq = *seq;
    if (Status s = txn.put(core_.t.recommendations, exit.id, encode(r)); !s) return s.error();
    return Written{true, *seq};
  });
}

Result<std::optional<fmt::RecommendationRecord>> Recommendations::get(const std::string& id) {
  if (Status s = check_id(id); !s) return s.error();
  return lmdb::with_read(core_.env, [&](lmdb::ReadTxn& txn) { return read(txn, core_.t, id); });
}

Result<std::vector<fmt::RecommendationRecord>> Recommendations::list_open() {
  using Out = std::vector<fmt::RecommendationRecord>;
  return lmdb::with_read(core_.env, [&](lmdb::ReadTxn& txn) -> Result<Out> {
    auto cur = lmdb::Cursor::open(txn, core_.t.recommendations);
    if (!cur) return cur.error();
    Out out;
    for (auto kv = cur->first();; kv = cur->next()) {
      if (!kv) return kv.error();
      if (!*kv) break;
      auto r = detail::decode_record<fmt::RecommendationRecord>(fmt::kRecommendations,
                                                                (*kv)->first, (*kv)->second);
      if (!r) return r.error();
      if (r->status == "open") out.push_back(std::move(*r));
    }
    return out;
  });
}

}  // namespace tn::storage
