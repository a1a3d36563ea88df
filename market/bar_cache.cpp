// LMDB layout (market/CACHE.md; DO NOT CHANGE without a new table version):
//   meta         "schema_version" -> u32 LE 1
//   bars_v1      prefix + ord64(open_time)  -> 5 x f64 LE (o h l c v) + i64 LE fetched_at
//   coverage_v1  prefix                     -> ord64(open_bar) i64(checked_at) then
//                                              pairs ord64(from) ord64(to), sorted, disjoint
//   prices_v1    source \0 symbol           -> f64 price, i64 time_ms, i64 fetched_at (LE)
// prefix = source \0 symbol \0 ord64(interval_ms); ord64(t) = big-endian of
// t with the sign bit flipped, so byte order is time order.
#include "market/bar_cache.hpp"

#include <lmdb.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "market/bar_checks.hpp"

namespace tn::market {
namespace {

constexpr uint32_t kSchemaVersion = 1;
constexpr size_t kBarBytes = 48;
constexpr size_t kPriceBytes = 24;

void put_ord64(std::string& out, int64_t v) {
  const uint64_t u = static_cast<uint64_t>(v) ^ (1ull << 63);
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((u >> (i * 8)) & 0xff));
}
int64_t get_ord64(const char* p) {
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<unsigned char>(p[i]);
  return static_cast<int64_t>(u ^ (1ull << 63));
}
template <class T>
void put_le(std::string& out, T v) {  // the host is little-endian (x86-64, arm64)
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}
template <class T>
T get_le(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

std::string prefix(const StreamKey& k) {
  std::string p = k.source;
  p.push_back('\0');
  p += k.symbol;
  p.push_back('\0');
  put_ord64(p, k.interval_ms);
  return p;
}
std::string price_key(const std::string& source, const std::string& symbol) {
  return source + std::string(1, '\0') + symbol;
}

MDB_val val(const std::string& s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }

Error lmdb_error(int rc, const std::string& what) {
  return make_error(rc == MDB_MAP_FULL ? Errc::storage_full : Errc::io,
                    "market cache: " + what + ": " + mdb_strerror(rc) +
                        (rc == MDB_MAP_FULL ? " (raise [sources] cache_map_size_mb or clear the cache)" : ""));
}

struct Txn {  // aborted unless committed; moves, never copies
  MDB_txn* t = nullptr;
  Txn() = default;
  Txn(Txn&& o) noexcept : t(o.t) { o.t = nullptr; }
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;
  ~Txn() { if (t) mdb_txn_abort(t); }
  int commit() {
    const int rc = mdb_txn_commit(t);
    t = nullptr;
    return rc;
  }
};

struct Coverage {
  int64_t open_bar = INT64_MIN;  // the open bar last checked, and when
  int64_t checked_at = INT64_MIN;
  std::vector<TimeRange> ranges;
};

Coverage decode_coverage(const MDB_val& v) {
  Coverage c;
  const char* p = static_cast<const char*>(v.mv_data);
  if (v.mv_size < 16 || (v.mv_size - 16) % 16 != 0) return c;  // unreadable: refetch everything
  c.open_bar = get_ord64(p);
  c.checked_at = get_ord64(p + 8);
  for (size_t off = 16; off < v.mv_size; off += 16) c.ranges.emplace_back(get_ord64(p + off), get_ord64(p + off + 8));
  return c;
}
std::string encode_coverage(const Coverage& c) {
  std::string out;
  put_ord64(out, c.open_bar);
  put_ord64(out, c.checked_at);
  for (auto [a, b] : c.ranges) {
    put_ord64(out, a);
    put_ord64(out, b);
  }
  return out;
}

}  // namespace

std::vector<TimeRange> subtract_ranges(TimeRange want, const std::vector<TimeRange>& covered) {
  std::vector<TimeRange> out;
  int64_t at = want.first;
  for (auto [a, b] : covered) {
    if (b <= at) continue;
    if (a >= want.second) break;
    if (a > at) out.emplace_back(at, a);
    at = std::max(at, b);
    if (at >= want.second) break;
  }
  if (at < want.second) out.emplace_back(at, want.second);
  return out;
}

std::vector<TimeRange> add_range(std::vector<TimeRange> covered, TimeRange r) {
  if (r.first >= r.second) return covered;
  covered.push_back(r);
  std::sort(covered.begin(), covered.end());
  std::vector<TimeRange> out;
  for (auto x : covered) {
    if (!out.empty() && x.first <= out.back().second)
      out.back().second = std::max(out.back().second, x.second);
    else
      out.push_back(x);
  }
  return out;
}

struct BarCache::Impl {
  MDB_env* env = nullptr;
  MDB_dbi meta = 0, bars = 0, coverage = 0, prices = 0;
  std::string path;
  ~Impl() { if (env) mdb_env_close(env); }

  Result<Txn> begin(bool write) const {
    Txn t;
    if (int rc = mdb_txn_begin(env, nullptr, write ? 0 : MDB_RDONLY, &t.t); rc != 0)
      return lmdb_error(rc, "begin transaction");
    return t;
  }
  // Deletes the bars of one stream (keys prefix + t, from <= t < to): the
  // keys are collected first, then deleted (no reliance on cursor-after-delete).
  int erase_bars(MDB_txn* t, const std::string& p, int64_t from, int64_t to) const {
    MDB_cursor* c = nullptr;
    if (int rc = mdb_cursor_open(t, bars, &c); rc != 0) return rc;
    std::string k = p;
    put_ord64(k, from);
    MDB_val key = val(k), v;
    std::vector<std::string> doomed;
    int rc = mdb_cursor_get(c, &key, &v, MDB_SET_RANGE);
    for (; rc == 0; rc = mdb_cursor_get(c, &key, &v, MDB_NEXT)) {
      if (key.mv_size != p.size() + 8 || std::memcmp(key.mv_data, p.data(), p.size()) != 0) break;
      if (get_ord64(static_cast<const char*>(key.mv_data) + p.size()) >= to) break;
      doomed.emplace_back(static_cast<const char*>(key.mv_data), key.mv_size);
    }
    mdb_cursor_close(c);
    if (rc != 0 && rc != MDB_NOTFOUND) return rc;
    for (const std::string& d : doomed) {
      MDB_val dk = val(d);
      if ((rc = mdb_del(t, bars, &dk, nullptr)) != 0) return rc;
    }
    return 0;
  }
};

BarCache::BarCache(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BarCache::~BarCache() = default;
const std::string& BarCache::path() const { return impl_->path; }

Result<std::unique_ptr<BarCache>> BarCache::open(const Options& o) {
  if (o.path.empty()) return make_error(Errc::invalid_input, "market cache: empty path");
  std::error_code ec;
  std::filesystem::create_directories(o.path, ec);
  if (ec) return make_error(Errc::io, "market cache: cannot create " + o.path + ": " + ec.message());
  ::chmod(o.path.c_str(), 0700);
  auto impl = std::make_unique<Impl>();
  impl->path = o.path;
  if (int rc = mdb_env_create(&impl->env); rc != 0) return lmdb_error(rc, "create env");
  mdb_env_set_maxdbs(impl->env, 8);
  mdb_env_set_mapsize(impl->env, o.map_size_bytes);
  // Disposable data: no fsync per commit (a crash may lose the newest
  // entries, never tear one: LMDB stays consistent).
  if (int rc = mdb_env_open(impl->env, o.path.c_str(), MDB_NOTLS | MDB_NOSYNC | MDB_NOMETASYNC, 0600); rc != 0)
    return lmdb_error(rc, "open " + o.path);
  auto t = impl->begin(true);
  if (!t) return t.error();
  for (auto [name, dbi] : {std::pair{"meta", &impl->meta}, {"bars_v1", &impl->bars},
                           {"coverage_v1", &impl->coverage}, {"prices_v1", &impl->prices}})
    if (int rc = mdb_dbi_open(t->t, name, MDB_CREATE, dbi); rc != 0) return lmdb_error(rc, std::string("open table ") + name);
  std::string vk = "schema_version";
  MDB_val key = val(vk), v;
  int rc = mdb_get(t->t, impl->meta, &key, &v);
  if (rc == 0) {
    const uint32_t have = v.mv_size == 4 ? get_le<uint32_t>(static_cast<const char*>(v.mv_data)) : 0;
    if (have != kSchemaVersion)
      return make_error(Errc::schema_version, "market cache " + o.path + ": schema version " + std::to_string(have) +
                                                  ", this build reads " + std::to_string(kSchemaVersion) +
                                                  " (the cache is disposable: delete the folder)");
  } else if (rc == MDB_NOTFOUND) {
    std::string ver;
    put_le(ver, kSchemaVersion);
    MDB_val vv = val(ver);
    if ((rc = mdb_put(t->t, impl->meta, &key, &vv, 0)) != 0) return lmdb_error(rc, "write schema version");
  } else {
    return lmdb_error(rc, "read schema version");
  }
  if ((rc = t->commit()) != 0) return lmdb_error(rc, "commit");
  return std::unique_ptr<BarCache>(new BarCache(std::move(impl)));
}

Result<std::vector<CacheLookup>> BarCache::lookup(const std::vector<CacheQuery>& qs, int64_t now,
                                                  int64_t ttl) const {
  auto t = impl_->begin(false);
  if (!t) return t.error();
  MDB_cursor* c = nullptr;
  if (int rc = mdb_cursor_open(t->t, impl_->bars, &c); rc != 0) return lmdb_error(rc, "cursor");
  std::vector<CacheLookup> out(qs.size());
  for (size_t i = 0; i < qs.size(); ++i) {
    const CacheQuery& q = qs[i];
    CacheLookup& l = out[i];
    const int64_t iv = q.key.interval_ms;
    const std::string p = prefix(q.key);
    Coverage cov;
    MDB_val key = val(p), v;
    if (mdb_get(t->t, impl_->coverage, &key, &v) == 0) cov = decode_coverage(v);
    const int64_t open_bar = bar_floor(now, iv);  // bars before it are closed
    const int64_t end = std::min(q.to_ms, open_bar + iv);
    if (q.from_ms < end) {
      l.missing = subtract_ranges({q.from_ms, std::min(end, open_bar)}, cov.ranges);
      const bool open_fresh = cov.open_bar == open_bar && now - cov.checked_at < ttl;
      if (end > open_bar && !open_fresh) {
        const int64_t a = std::max(q.from_ms, open_bar);
        if (!l.missing.empty() && l.missing.back().second == a)
          l.missing.back().second = end;
        else
          l.missing.emplace_back(a, end);
      }
    }
    std::string k = p;
    put_ord64(k, q.from_ms);
    key = val(k);
    int64_t last_fetched = 0;
    const size_t expect = static_cast<size_t>(std::clamp<int64_t>((q.to_ms - q.from_ms) / iv + 1, 0, 4096));
    l.bars.open_time_ms.reserve(expect);
    for (auto* col : {&l.bars.open, &l.bars.high, &l.bars.low, &l.bars.close, &l.bars.volume}) col->reserve(expect);
    for (int rc = mdb_cursor_get(c, &key, &v, MDB_SET_RANGE); rc == 0;
         rc = mdb_cursor_get(c, &key, &v, MDB_NEXT)) {
      if (key.mv_size != p.size() + 8 || std::memcmp(key.mv_data, p.data(), p.size()) != 0) break;
      const int64_t ot = get_ord64(static_cast<const char*>(key.mv_data) + p.size());
      if (ot >= q.to_ms || v.mv_size != kBarBytes) break;
      const char* d = static_cast<const char*>(v.mv_data);
      l.bars.open_time_ms.push_back(ot);
      l.bars.open.push_back(get_le<double>(d));
      l.bars.high.push_back(get_le<double>(d + 8));
      l.bars.low.push_back(get_le<double>(d + 16));
      l.bars.close.push_back(get_le<double>(d + 24));
      l.bars.volume.push_back(get_le<double>(d + 32));
      last_fetched = get_le<int64_t>(d + 40);
    }
    if (l.bars.size() > 0) l.last_bar_open = l.bars.open_time_ms.back() + iv > last_fetched;
  }
  mdb_cursor_close(c);
  return out;
}

Status BarCache::store(const std::vector<CacheWrite>& ws, int64_t now) {
  auto t = impl_->begin(true);
  if (!t) return t.error();
  for (const CacheWrite& w : ws) {
    const std::string p = prefix(w.key);
    if (int rc = impl_->erase_bars(t->t, p, w.fetched.first, w.fetched.second); rc != 0) return lmdb_error(rc, "erase bars");
    const BarSeries& b = *w.bars;
    std::string k, v;
    for (size_t i = 0; i < b.size(); ++i) {
      k = p;
      put_ord64(k, b.open_time_ms[i]);
      v.clear();
      for (double x : {b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i]}) put_le(v, x);
      put_le(v, now);
      MDB_val kk = val(k), vv = val(v);
      if (int rc = mdb_put(t->t, impl_->bars, &kk, &vv, 0); rc != 0) return lmdb_error(rc, "write bar");
    }
    Coverage cov;
    MDB_val key = val(p), old;
    if (mdb_get(t->t, impl_->coverage, &key, &old) == 0) cov = decode_coverage(old);
    const int64_t open_bar = bar_floor(now, w.key.interval_ms);
    cov.ranges = add_range(std::move(cov.ranges), {w.fetched.first, std::min(w.fetched.second, open_bar)});
    if (w.fetched.second > open_bar && w.fetched.first <= open_bar) {
      cov.open_bar = open_bar;
      cov.checked_at = now;
    }
    const std::string enc = encode_coverage(cov);
    MDB_val vv = val(enc);
    if (int rc = mdb_put(t->t, impl_->coverage, &key, &vv, 0); rc != 0) return lmdb_error(rc, "write coverage");
  }
  if (int rc = t->commit(); rc != 0) return lmdb_error(rc, "commit");
  return Status::OK();
}

Result<std::optional<CachedPrice>> BarCache::price(const std::string& source, const std::string& symbol,
                                                   int64_t now, int64_t ttl) const {
  auto t = impl_->begin(false);
  if (!t) return t.error();
  const std::string k = price_key(source, symbol);
  MDB_val key = val(k), v;
  const int rc = mdb_get(t->t, impl_->prices, &key, &v);
  if (rc == MDB_NOTFOUND) return std::optional<CachedPrice>();
  if (rc != 0) return lmdb_error(rc, "read price");
  if (v.mv_size != kPriceBytes) return std::optional<CachedPrice>();
  const char* d = static_cast<const char*>(v.mv_data);
  CachedPrice p{get_le<double>(d), get_le<int64_t>(d + 8), get_le<int64_t>(d + 16)};
  if (now - p.fetched_at_ms >= ttl) return std::optional<CachedPrice>();
  return std::optional<CachedPrice>(p);
}

Status BarCache::store_price(const std::string& source, const std::string& symbol, const CachedPrice& p) {
  auto t = impl_->begin(true);
  if (!t) return t.error();
  const std::string k = price_key(source, symbol);
  std::string v;
  put_le(v, p.price);
  put_le(v, p.time_ms);
  put_le(v, p.fetched_at_ms);
  MDB_val kk = val(k), vv = val(v);
  if (int rc = mdb_put(t->t, impl_->prices, &kk, &vv, 0); rc != 0) return lmdb_error(rc, "write price");
  if (int rc = t->commit(); rc != 0) return lmdb_error(rc, "commit");
  return Status::OK();
}

Status BarCache::clear(const StreamKey& key) {
  auto t = impl_->begin(true);
  if (!t) return t.error();
  const std::string p = prefix(key);
  if (int rc = impl_->erase_bars(t->t, p, INT64_MIN, INT64_MAX); rc != 0) return lmdb_error(rc, "erase bars");
  MDB_val k = val(p);
  if (int rc = mdb_del(t->t, impl_->coverage, &k, nullptr); rc != 0 && rc != MDB_NOTFOUND)
    return lmdb_error(rc, "erase coverage");
  if (int rc = t->commit(); rc != 0) return lmdb_error(rc, "commit");
  return Status::OK();
}

Status BarCache::clear_all() {
  auto t = impl_->begin(true);
  if (!t) return t.error();
  for (MDB_dbi d : {impl_->bars, impl_->coverage, impl_->prices})
    if (int rc = mdb_drop(t->t, d, 0); rc != 0) return lmdb_error(rc, "clear");
  if (int rc = t->commit(); rc != 0) return lmdb_error(rc, "commit");
  return Status::OK();
}

}  // namespace tn::market
