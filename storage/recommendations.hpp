#pragma once
// The daily recommendations and their exits, in LMDB (table
// recommendations_v1, storage/FORMAT.md). Each write stores the record and
// its event (recommendation.new / recommendation.exit) in one transaction,
// and is idempotent by the deterministic id: a rerun of a day's job, or an
// exit seen twice, writes nothing the second time.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "storage/format.hpp"

namespace tn::storage {

namespace detail { struct Core; }

class Recommendations {
 public:
  struct Written {
    bool written = false;  // false: already there (or already closed), nothing changed
    uint64_t event_seq = 0;  // the event written now, or the one written the first time
  };

  // Stores rec as open with a recommendation.new event at ts_ns.
  // invalid_input when the id is empty or longer than 511 bytes.
  Result<Written> put(const RecommendationEvent& rec, int64_t ts_ns);
  // Closes the record exit.id with a recommendation.exit event at ts_ns.
  // not_found when no such recommendation was stored.
  Result<Written> mark_exit(const RecommendationExitEvent& exit, int64_t ts_ns);
  Result<std::optional<format::RecommendationRecord>> get(const std::string& id);
  // Every open recommendation, by id. A scan of the table: a handful are
  // written per day, so thousands after years, read once at start-up.
  Result<std::vector<format::RecommendationRecord>> list_open();

  Recommendations(const Recommendations&) = delete;
  Recommendations& operator=(const Recommendations&) = delete;

 private:
  friend class Store;
  explicit Recommendations(detail::Core& core) : core_(core) {}
  detail::Core& core_;  // owned by the Store
};

}  // namespace tn::storage
