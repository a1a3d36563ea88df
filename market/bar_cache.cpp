// LMDB layout (market/CACHE.md; DO NOT CHANGE without a new table version):
//   meta         "schema_version" -> u32 LE 1
//   bars_v1      prefix + ord64(open_time)  -> 5 x f64 LE (o h l c v) + i64 LE fetched_at
//   coverage_v1  prefix                     -> ord64(open_bar) i64(checked_at) then
//                                              pairs ord64(from) ord64(to), sorted, disjoint
//   prices_v1    source \0 symbol           -> f64 price, i64 time_ms, i64 fetched_at (LE)
// prefix = source \0 symbol \0 ord64(interval_ms); ord64(t) = big-endian of
// t with the sign bit flipped, so byte order is time order.
#include "market/bar_cache.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "common/timeframe.hpp"
#include "market/bar_checks.hpp"
#include "storage/lmdb/lmdb.hpp"

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

constexpr std::string_view kLabel = "market cache";

// Whether key is prefix + ord64(t) for some t, that is a bar of p's stream.
bool is_bar_of(std::string_view key, const std::string& p) {
  return key.size() == p.size() + 8 && key.starts_with(p);
}

struct Coverage {
  int64_t open_bar = INT64_MIN;  // the open bar last checked, and when
  int64_t checked_at = INT64_MIN;
  std::vector<TimeRange> ranges;
};

Coverage decode_coverage(std::string_view v) {
  Coverage c;
  const char* p = v.data();
  if (v.size() < 16 || (v.size() - 16) % 16 != 0) return c;  // unreadable: refetch everything
  c.open_bar = get_ord64(p);
  c.checked_at = get_ord64(p + 8);
  for (size_t off = 16; off < v.size(); off += 16) c.ranges.emplace_back(get_ord64(p + off), get_ord64(p + off + 8));
  return c;
}

// The stored coverage of stream prefix p; none stored is an empty one.
Result<Coverage> read_coverage(lmdb::Txn& t, lmdb::Table coverage, const std::string& p) {
  auto v = t.get(coverage, p);
  if (!v) return v.error();
  return *v ? decode_coverage(**v) : Coverage{};
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

// Where the closed part of a fetched range stops being covered. Closed
// bars after the last one the provider served that closed within their
// late window (common/timeframe.hpp) are not a gap yet: the provider may
// publish them a moment late, so they stay missing and the next lookup asks
// again. Only an answer given after that window makes such a hole an
// exchange gap. Holes between served bars are gaps at once.
int64_t covered_until(const CacheWrite& w, int64_t open_bar, int64_t now) {
  const int64_t iv = w.key.interval_ms;
  const int64_t closed_end = std::min(w.fetched.second, open_bar);
  const BarSeries& b = *w.bars;
  int64_t served_end = w.fetched.first;  // just after the newest closed bar served
  for (size_t i = b.size(); i-- > 0;)
    if (b.open_time_ms[i] < closed_end) {
      served_end = std::max(served_end, b.open_time_ms[i] + iv);
      break;
    }
  if (served_end >= closed_end) return closed_end;
  // The first bar still in its late window: close > now - window.
  const int64_t settling = bar_floor(now - late_window_ms(iv) - iv, iv) + iv;
  return std::max(served_end, std::min(closed_end, settling));
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
  lmdb::Env env;  // declared first: destroyed last
  lmdb::Table meta, bars, coverage, prices;

  // Inside the opening write txn: opens (creating) the tables and checks or
  // writes the schema version.
  Status open_tables(lmdb::WriteTxn& t) {
    for (auto [name, table] : {std::pair{"meta", &meta}, {"bars_v1", &bars},
                               {"coverage_v1", &coverage}, {"prices_v1", &prices}}) {
      auto opened = t.open_table(name);
      if (!opened) return opened.error();
      *table = *opened;
    }
    const std::string_view version_key = "schema_version";
    auto stored = t.get(meta, version_key);
    if (!stored) return stored.error();
    if (!*stored) {
      std::string ver;
      put_le(ver, kSchemaVersion);
      return t.put(meta, version_key, ver);
    }
    const uint32_t have = (*stored)->size() == 4 ? get_le<uint32_t>((*stored)->data()) : 0;
    if (have != kSchemaVersion)
      return make_error(Errc::schema_version, "market cache " + env.path() + ": schema version " +
                                                  std::to_string(have) + ", this build reads " +
                                                  std::to_string(kSchemaVersion) +
                                                  " (the cache is disposable: delete the folder)");
    return Status::OK();
  }

  // Deletes the bars of one stream (keys prefix + t, from <= t < to): the
  // keys are collected first, then deleted (no reliance on cursor-after-delete).
  Status erase_bars(lmdb::WriteTxn& t, const std::string& p, int64_t from, int64_t to) const {
    std::vector<std::string> doomed;
    {
      auto c = lmdb::Cursor::open(t, bars);
      if (!c) return c.error();
      std::string k = p;
      put_ord64(k, from);
      for (auto at = c->seek(k);; at = c->next()) {
        if (!at) return at.error();
        if (!*at || !is_bar_of((*at)->first, p)) break;
        if (get_ord64((*at)->first.data() + p.size()) >= to) break;
        doomed.emplace_back((*at)->first);
      }
    }
    for (const std::string& d : doomed)
      if (Status s = t.del(bars, d); !s) return s;
    return Status::OK();
  }

  // The bars of q's stream with open times in [q.from_ms, q.to_ms), read
  // through c (a cursor on bars) into l, and the fetched_at of the last one.
  Result<int64_t> read_bars(lmdb::Cursor& c, const std::string& p, const CacheQuery& q,
                            CacheLookup& l) const {
    const int64_t iv = q.key.interval_ms;
    const size_t expect = static_cast<size_t>(std::clamp<int64_t>((q.to_ms - q.from_ms) / iv + 1, 0, 4096));
    l.bars.open_time_ms.reserve(expect);
    for (auto* col : {&l.bars.open, &l.bars.high, &l.bars.low, &l.bars.close, &l.bars.volume}) col->reserve(expect);
    std::string k = p;
    put_ord64(k, q.from_ms);
    int64_t last_fetched = 0;
    for (auto at = c.seek(k);; at = c.next()) {
      if (!at) return at.error();
      if (!*at || !is_bar_of((*at)->first, p)) break;
      const auto& [key, v] = **at;
      const int64_t ot = get_ord64(key.data() + p.size());
      if (ot >= q.to_ms || v.size() != kBarBytes) break;
      const char* d = v.data();
      l.bars.open_time_ms.push_back(ot);
      l.bars.open.push_back(get_le<double>(d));
      l.bars.high.push_back(get_le<double>(d + 8));
      l.bars.low.push_back(get_le<double>(d + 16));
      l.bars.close.push_back(get_le<double>(d + 24));
      l.bars.volume.push_back(get_le<double>(d + 32));
      last_fetched = get_le<int64_t>(d + 40);
    }
    return last_fetched;
  }
};

BarCache::BarCache(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BarCache::~BarCache() = default;
const std::string& BarCache::path() const { return impl_->env.path(); }

Result<std::unique_ptr<BarCache>> BarCache::open(const Options& o) {
  if (o.path.empty()) return make_error(Errc::invalid_input, "market cache: empty path");
  std::error_code ec;
  std::filesystem::create_directories(o.path, ec);
  if (ec) return make_error(Errc::io, "market cache: cannot create " + o.path + ": " + ec.message());
  ::chmod(o.path.c_str(), 0700);
  auto impl = std::make_unique<Impl>();
  lmdb::EnvOptions env;
  env.path = o.path;
  env.map_size_bytes = o.map_size_bytes;
  env.max_tables = 8;
  // Disposable data: no fsync per commit (a crash may lose the newest
  // entries, never tear one: LMDB stays consistent).
  env.sync = false;
  env.meta_sync = false;
  env.label = kLabel;
  env.map_full_hint = "raise [sources] cache_map_size_mb or clear the cache";
  if (Status s = impl->env.open(env); !s) return s.error();
  Impl& im = *impl;
  auto opened = lmdb::try_write(im.env, kLabel, [&im](lmdb::WriteTxn& t) { return im.open_tables(t); });
  if (!opened) return opened.error();
  return std::unique_ptr<BarCache>(new BarCache(std::move(impl)));
}

Result<std::vector<CacheLookup>> BarCache::lookup(const std::vector<CacheQuery>& qs, int64_t now,
                                                  int64_t ttl) const {
  using Out = std::vector<CacheLookup>;
  return lmdb::with_read(impl_->env, [&](lmdb::ReadTxn& t) -> Result<Out> {
    auto c = lmdb::Cursor::open(t, impl_->bars);
    if (!c) return c.error();
    Out out(qs.size());
    for (size_t i = 0; i < qs.size(); ++i) {
      const CacheQuery& q = qs[i];
      CacheLookup& l = out[i];
      const int64_t iv = q.key.interval_ms;
      const std::string p = prefix(q.key);
      auto cov = read_coverage(t, impl_->coverage, p);
      if (!cov) return cov.error();
      const int64_t open_bar = bar_floor(now, iv);  // bars before it are closed
      const int64_t end = std::min(q.to_ms, open_bar + iv);
      if (q.from_ms < end) {
        l.missing = subtract_ranges({q.from_ms, std::min(end, open_bar)}, cov->ranges);
        const bool open_fresh = cov->open_bar == open_bar && now - cov->checked_at < ttl;
        if (end > open_bar && !open_fresh) {
          const int64_t a = std::max(q.from_ms, open_bar);
          if (!l.missing.empty() && l.missing.back().second == a)
            l.missing.back().second = end;
          else
            l.missing.emplace_back(a, end);
        }
      }
      auto last_fetched = impl_->read_bars(*c, p, q, l);
      if (!last_fetched) return last_fetched.error();
      if (l.bars.size() > 0) l.last_bar_open = l.bars.open_time_ms.back() + iv > *last_fetched;
    }
    return out;
  });
}

Status BarCache::store(const std::vector<CacheWrite>& ws, int64_t now) {
  Impl& im = *impl_;
  return lmdb::try_write(im.env, kLabel, [&](lmdb::WriteTxn& t) -> Status {
    for (const CacheWrite& w : ws) {
      const std::string p = prefix(w.key);
      if (Status s = im.erase_bars(t, p, w.fetched.first, w.fetched.second); !s) return s;
      const BarSeries& b = *w.bars;
      std::string k, v;
      for (size_t i = 0; i < b.size(); ++i) {
        k = p;
        put_ord64(k, b.open_time_ms[i]);
        v.clear();
        for (double x : {b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i]}) put_le(v, x);
        put_le(v, now);
        if (Status s = t.put(im.bars, k, v); !s) return s;
      }
      auto cov = read_coverage(t, im.coverage, p);
      if (!cov) return cov.error();
      const int64_t open_bar = bar_floor(now, w.key.interval_ms);
      cov->ranges = add_range(std::move(cov->ranges), {w.fetched.first, covered_until(w, open_bar, now)});
      if (w.fetched.second > open_bar && w.fetched.first <= open_bar) {
        cov->open_bar = open_bar;
        cov->checked_at = now;
      }
      if (Status s = t.put(im.coverage, p, encode_coverage(*cov)); !s) return s;
    }
    return Status::OK();
  });
}

Result<std::optional<CachedPrice>> BarCache::price(const std::string& source, const std::string& symbol,
                                                   int64_t now, int64_t ttl) const {
  using Out = std::optional<CachedPrice>;
  return lmdb::with_read(impl_->env, [&](lmdb::ReadTxn& t) -> Result<Out> {
    auto v = t.get(impl_->prices, price_key(source, symbol));
    if (!v) return v.error();
    if (!*v || (*v)->size() != kPriceBytes) return Out();
    const char* d = (*v)->data();
    CachedPrice p{get_le<double>(d), get_le<int64_t>(d + 8), get_le<int64_t>(d + 16)};
    if (now - p.fetched_at_ms >= ttl) return Out();
    return Out(p);
  });
}

Status BarCache::store_price(const std::string& source, const std::string& symbol, const CachedPrice& p) {
  std::string v;
  put_le(v, p.price);
  put_le(v, p.time_ms);
  put_le(v, p.fetched_at_ms);
  return lmdb::try_write(impl_->env, kLabel, [&](lmdb::WriteTxn& t) {
    return t.put(impl_->prices, price_key(source, symbol), v);
  });
}

Status BarCache::clear(const StreamKey& key) {
  Impl& im = *impl_;
  return lmdb::try_write(im.env, kLabel, [&](lmdb::WriteTxn& t) -> Status {
    const std::string p = prefix(key);
    if (Status s = im.erase_bars(t, p, INT64_MIN, INT64_MAX); !s) return s;
    return t.del(im.coverage, p);
  });
}

Status BarCache::clear_all() {
  Impl& im = *impl_;
  return lmdb::try_write(im.env, kLabel, [&](lmdb::WriteTxn& t) -> Status {
    for (lmdb::Table table : {im.bars, im.coverage, im.prices})
      if (Status s = t.clear(table); !s) return s;
    return Status::OK();
  });
}

}  // namespace tn::market
